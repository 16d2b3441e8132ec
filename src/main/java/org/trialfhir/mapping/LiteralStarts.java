package org.trialfhir.mapping;

import java.util.regex.Matcher;

/**
 * Finds the next match of a pattern every match of which starts with a known ASCII word ("day", "over", "D"), trying
 * the pattern only where the word is: {@code find()} of a pattern opening with {@code \b} checks the word boundary at
 * every character of the text. The matcher is given transparent bounds, so a boundary or look-behind at the place
 * tried sees the text before it, as {@code find()} would: the matches are the same, in the same order.
 */
final class LiteralStarts {
  private LiteralStarts() {}

  /**
   * Whether {@code m}'s pattern matches at or after {@code from}; its match (start, end, groups) is then the one
   * {@code find} would give next. {@code word} must be how every match starts (in any ASCII case when {@code
   * ignoreCase}, as a CASE_INSENSITIVE pattern without UNICODE_CASE reads it).
   */
  static boolean find(Matcher m, String text, String word, boolean ignoreCase, int from) {
    m.useTransparentBounds(true);
    // Without UNICODE_CASE a pattern folds ASCII letters only: the word's first character in either ASCII case.
    char first = word.charAt(0);
    char lower = ignoreCase ? asciiLower(first) : first;
    char upper = ignoreCase ? asciiUpper(first) : first;
    int last = text.length() - word.length();
    for (int at = Math.max(from, 0); at <= last; at++) {
      char c = text.charAt(at);
      if ((c == lower || c == upper) && text.regionMatches(ignoreCase, at, word, 0, word.length())) {
        m.region(at, text.length());
        if (m.lookingAt()) {
          return true;
        }
      }
    }
    return false;
  }

  private static char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  private static char asciiUpper(char c) {
    return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
  }
}
