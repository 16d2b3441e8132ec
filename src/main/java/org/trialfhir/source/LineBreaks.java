package org.trialfhir.source;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text at line breaks as {@code Pattern.compile("\\R").split(text, -1)} does — at CR LF as one break, else at
 * any of LF, VT, FF, CR, U+0085, U+2028, U+2029 — without the regex: every record's page and eligibility text is
 * split this way.
 */
final class LineBreaks {
  private LineBreaks() {}

  static String[] split(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\u000B' || c == '\f' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        lines.add(text.substring(start, i));
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    lines.add(text.substring(start));
    return lines.toArray(new String[0]);
  }
}
