package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.List;

/**
 * A phrase matched as a {@code CASE_INSENSITIVE | UNICODE_CASE} pattern of quoted characters and white-space gaps
 * matches it ({@code \Qmg\E\Q/\E\s*\QdL\E}, {@code \Qplatelet\E\s+\Qcount\E}), without a regex: the analyte phrases
 * and unit spellings are tried at every limit and word start of every criterion, and a matcher per phrase tried was
 * a tenth of mapping's CPU.
 *
 * <p>What the pattern does is kept exactly. A run of two or more quoted characters compiles to a slice, each text
 * character compared upper-cased then lower-cased; a lone character compiles to a single, compared that way only
 * when the character has a case, else as itself. A gap is {@code \s*} or {@code \s+} ({@code \s} without
 * UNICODE_CHARACTER_CLASS), greedy; what follows a gap is a character {@code \s} cannot match, or the end, so
 * greedy matching never needs to give back a space and one pass gives the regex's match.
 */
final class QuotedPhrase {
  /** The phrase's characters, and before each the gap in front of it (0: none, 1: {@code \s*}, 2: {@code \s+}). */
  private final char[] chars;
  private final byte[] gapBefore;
  /** Per character, the value the text's character is compared with and whether it is folded first. */
  private final int[] compared;
  private final boolean[] folds;
  /** The gap after the last character. */
  private final byte gapAfter;

  private QuotedPhrase(List<Character> chars, List<Byte> gaps, byte gapAfter) {
    int n = chars.size();
    this.chars = new char[n];
    this.gapBefore = new byte[n];
    this.compared = new int[n];
    this.folds = new boolean[n];
    this.gapAfter = gapAfter;
    for (int i = 0; i < n; i++) {
      this.chars[i] = chars.get(i);
      this.gapBefore[i] = gaps.get(i);
    }
    for (int i = 0; i < n; i++) {
      // A run is broken by a gap before or after the character.
      boolean alone = (i == 0 || gapBefore[i] != 0) && (i == n - 1 || gapBefore[i + 1] != 0);
      char c = this.chars[i];
      if (alone) {
        int upper = Character.toUpperCase((int) c);
        int lower = Character.toLowerCase(upper);
        folds[i] = upper != lower;
        compared[i] = folds[i] ? lower : c;
      } else {
        folds[i] = true;
        compared[i] = folded(c);
      }
    }
  }

  /**
   * A unit spelling as {@code ThresholdExtractor} spells it as a pattern: its characters (stripped) with {@code \s*}
   * for a run of white space and after a character that is neither letter nor digit (but the last).
   */
  static QuotedPhrase tolerant(String spelling) {
    String s = spelling.strip();
    List<Character> chars = new ArrayList<>();
    List<Byte> gaps = new ArrayList<>();
    byte gap = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        while (i + 1 < s.length() && Character.isWhitespace(s.charAt(i + 1))) {
          i++;
        }
        gap = 1;
      } else {
        chars.add(c);
        gaps.add(gap);
        gap = !Character.isLetterOrDigit(c) && i + 1 < s.length() ? (byte) 1 : 0;
      }
    }
    return new QuotedPhrase(chars, gaps, gap);
  }

  /** A phrase's words (split at white space, as quoted words) joined by {@code \s+}. */
  static QuotedPhrase words(String phrase) {
    List<Character> chars = new ArrayList<>();
    List<Byte> gaps = new ArrayList<>();
    byte gap = 0;
    for (String word : phrase.strip().split("\\s+")) {
      for (int i = 0; i < word.length(); i++) {
        chars.add(word.charAt(i));
        gaps.add(i == 0 ? gap : 0);
      }
      gap = 2;
    }
    return new QuotedPhrase(chars, gaps, (byte) 0);
  }

  /** Whether {@code c}, the text's character, can be the first character this phrase matches. */
  boolean firstMayBe(char c) {
    return chars.length > 0 && matches(0, c);
  }

  /** Where the phrase ends when it matches at {@code from} in {@code text}; -1 when it does not. */
  int endAt(String text, int from) {
    int at = from;
    int length = text.length();
    for (int i = 0; i < chars.length; i++) {
      if (gapBefore[i] != 0) {
        int spaces = at;
        while (at < length && isRegexSpace(text.charAt(at))) {
          at++;
        }
        if (gapBefore[i] == 2 && at == spaces) {
          return -1;
        }
      }
      if (at == length || !matches(i, text.charAt(at))) {
        return -1;
      }
      at++;
    }
    if (gapAfter != 0) {
      while (at < length && isRegexSpace(text.charAt(at))) {
        at++;
      }
    }
    return at;
  }

  /** Whether the phrase's character {@code i} matches the text's character {@code c}. */
  boolean matches(int i, char c) {
    // A surrogate never matches a character of the Basic Multilingual Plane, folded or not.
    return folds[i] ? c == compared[i] || folded(c) == compared[i] : c == compared[i];
  }

  private static int folded(char c) {
    if (c < 128) {
      // ASCII folds within ASCII: the same answer without two Unicode table lookups, on every character compared.
      return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
    return Character.toLowerCase(Character.toUpperCase((int) c));
  }

  /** What {@code \s} matches (without UNICODE_CHARACTER_CLASS). */
  static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  /** What {@code (?![\p{L}\p{N}])} (with {@code '-'} in the class when {@code hyphen}) says at {@code at}. */
  static boolean noWordCharacterAt(String text, int at, boolean hyphen) {
    if (at >= text.length()) {
      return true;
    }
    int cp = text.codePointAt(at);
    if (hyphen && cp == '-') {
      return false;
    }
    if (Character.isLetter(cp)) {
      return false;
    }
    int type = Character.getType(cp);
    return type != Character.DECIMAL_DIGIT_NUMBER && type != Character.LETTER_NUMBER
        && type != Character.OTHER_NUMBER;
  }
}
