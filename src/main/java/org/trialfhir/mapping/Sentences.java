package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a free-text section into sentences: after '.', '!', '?' or ';' and white space when a capital or '('
 * follows, and at every run of line breaks. It gives what {@code Pattern.split} gives with
 * {@code (?<=[.!?;])\s+(?=[A-Z(])|\n+}, in one pass without trying a look-behind at every character (every section
 * of every record is split).
 */
final class Sentences {
  private Sentences() {}

  /** The sentences of {@code text}, which has no white space at either end; trailing empty pieces dropped. */
  static List<String> of(String text) {
    List<String> pieces = new ArrayList<>();
    int piece = 0;
    int i = 0;
    while (i < text.length()) {
      int end = breakAt(text, i);
      if (end < 0) {
        i++;
        continue;
      }
      pieces.add(text.substring(piece, i));
      piece = end;
      i = end;
    }
    if (piece == 0) {
      return List.of(text);
    }
    pieces.add(text.substring(piece));
    int size = pieces.size();
    while (size > 0 && pieces.get(size - 1).isEmpty()) {
      size--;
    }
    return List.copyOf(pieces.subList(0, size));
  }

  /** Where a sentence break starting at {@code i} ends; -1 when none starts there. */
  private static int breakAt(String text, int i) {
    if (i > 0 && ".!?;".indexOf(text.charAt(i - 1)) >= 0 && isRegexSpace(text.charAt(i))) {
      int end = i;
      while (end < text.length() && isRegexSpace(text.charAt(end))) {
        end++;
      }
      if (end < text.length() && (text.charAt(end) >= 'A' && text.charAt(end) <= 'Z' || text.charAt(end) == '(')) {
        return end;
      }
    }
    if (text.charAt(i) == '\n') {
      int end = i;
      while (end < text.length() && text.charAt(end) == '\n') {
        end++;
      }
      return end;
    }
    return -1;
  }

  /** What {@code \s} matches (without UNICODE_CHARACTER_CLASS). */
  private static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}
