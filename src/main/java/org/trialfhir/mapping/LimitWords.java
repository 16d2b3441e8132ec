package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The small pieces of limit grammar ThresholdExtractor reads around every number, matched by hand: each was a
 * pattern and a new matcher per number of every criterion. Each method says the pattern (flags {@code
 * CASE_INSENSITIVE | UNICODE_CASE} unless said otherwise) it matches exactly as {@code lookingAt} at {@code from};
 * LimitWordsTest compares them with those patterns.
 */
final class LimitWords {
  private static final QuotedPhrase OF = QuotedPhrase.words("of");
  private static final QuotedPhrase OF_AGE = QuotedPhrase.words("of age");
  private static final QuotedPhrase OLD = QuotedPhrase.words("old");
  private static final QuotedPhrase TO = QuotedPhrase.words("to");
  private static final QuotedPhrase BETWEEN = QuotedPhrase.words("between");
  private static final QuotedPhrase FROM = QuotedPhrase.words("from");

  /** The trailing comparators, longest first, as the alternation of them tries them. */
  private final List<QuotedPhrase> trailing = new ArrayList<>();

  /** @param trailingComparators the comparators written after a value ("or more"), in the order their map gives */
  LimitWords(Collection<String> trailingComparators) {
    List<String> sorted = new ArrayList<>(trailingComparators);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    for (String words : sorted) {
      if (!Character.isLetter(words.charAt(0))) {
        // The look-behind that such a comparator would lack is what trailingComparator leaves out.
        throw new IllegalArgumentException("a trailing comparator starts with a letter: " + words);
      }
      trailing.add(QuotedPhrase.words(words));
    }
  }

  /** {@code \s*(?::\s*|of\s+)?} without flags ("of" in lower case only): where the value after a comparator starts. */
  static int afterComparator(String text, int from) {
    int at = spaces(text, from);
    if (at < text.length() && text.charAt(at) == ':') {
      return spaces(text, at + 1);
    }
    if (text.startsWith("of", at)) {
      int after = spaces(text, at + 2);
      if (after > at + 2) {
        return after;
      }
    }
    return at;
  }

  /** {@code \s*(?:-|–|—|~|to)\s*}: the end of a range's dash, or -1. */
  static int rangeDash(String text, int from) {
    int at = spaces(text, from);
    if (at == text.length()) {
      return -1;
    }
    char c = text.charAt(at);
    int end = c == '-' || c == '–' || c == '—' || c == '~' ? at + 1 : TO.endAt(text, at);
    return end < 0 ? -1 : spaces(text, end);
  }

  /** {@code (between|from)\s+}: the end of the spaces after "between" or "from", or -1. */
  static int between(String text, int from) {
    int after = wordAndSpaces(BETWEEN, text, from);
    return after >= 0 ? after : wordAndSpaces(FROM, text, from);
  }

  private static int wordAndSpaces(QuotedPhrase word, String text, int from) {
    int end = word.endAt(text, from);
    if (end < 0) {
      return -1;
    }
    int after = spaces(text, end);
    return after > end ? after : -1;
  }

  /** {@code \s*(?:of\s+age|old)(?![\p{L}])}: whether an age phrase follows. */
  static boolean ofAge(String text, int from) {
    int at = spaces(text, from);
    int end = OF_AGE.endAt(text, at);
    if (end >= 0 && noLetterAt(text, end)) {
      return true;
    }
    end = OLD.endAt(text, at);
    return end >= 0 && noLetterAt(text, end);
  }

  /**
   * {@code \s*((?<![\p{L}\p{N}\-])or\s+more(?![\p{L}])|...)} over a region starting at {@code from} (opaque
   * bounds: the look-behind sees no character before {@code from}, and after the spaces it sees a space): the
   * comparator's start and end, or null.
   */
  int[] trailingComparator(String text, int from) {
    int at = spaces(text, from);
    for (QuotedPhrase words : trailing) {
      int end = words.endAt(text, at);
      if (end >= 0 && noLetterAt(text, end)) {
        return new int[] {at, end};
      }
    }
    return null;
  }

  private static int spaces(String text, int from) {
    int at = from;
    while (at < text.length() && QuotedPhrase.isRegexSpace(text.charAt(at))) {
      at++;
    }
    return at;
  }

  /** {@code (?![\p{L}])}. */
  private static boolean noLetterAt(String text, int at) {
    return at >= text.length() || !Character.isLetter(text.codePointAt(at));
  }
}
