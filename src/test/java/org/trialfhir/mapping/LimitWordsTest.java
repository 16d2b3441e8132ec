package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** LimitWords matches where the patterns it replaced in ThresholdExtractor match, with the same ends. */
class LimitWordsTest {
  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
  private static final Pattern AFTER_COMPARATOR = Pattern.compile("\\s*(?::\\s*|of\\s+)?");
  private static final Pattern RANGE_DASH = Pattern.compile("\\s*(?:-|–|—|~|to)\\s*", FLAGS);
  private static final Pattern BETWEEN = Pattern.compile("(between|from)\\s+", FLAGS);
  private static final Pattern OF_AGE = Pattern.compile("\\s*(?:of\\s+age|old)(?![\\p{L}])", FLAGS);
  private static final Pattern TRAILING_COMPARATOR = trailingPattern();
  private static final LimitWords WORDS = new LimitWords(ThresholdExtractor.TRAILING.keySet());

  /** As ThresholdExtractor built it: the comparators longest first, each a whole word. */
  private static Pattern trailingPattern() {
    List<String> sorted = new ArrayList<>(ThresholdExtractor.TRAILING.keySet());
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    List<String> parts = new ArrayList<>();
    for (String phrase : sorted) {
      String body = String.join("\\s+", Stream.of(phrase.strip().split("\\s+")).map(Pattern::quote).toList());
      parts.add("(?<![\\p{L}\\p{N}\\-])" + body + "(?![\\p{L}])");
    }
    return Pattern.compile("\\s*((?:" + String.join("|", parts) + "))", FLAGS);
  }

  private static int end(Pattern pattern, String text, int from) {
    Matcher m = pattern.matcher(text);
    m.region(from, text.length());
    return m.lookingAt() ? m.end() : -1;
  }

  @Test
  void agreesWithThePatternsOnRandomText() {
    Random random = new Random(16);
    List<String> tokens = new ArrayList<>(List.of(" ", "  ", "\t", "\n", "\u00A0", ":", "of", "OF", "Of", "age", "AGE",
        "old", "older", "to", "TO", "tO", "–", "—", "-", "~", "between", "BETWEEN", "from", "From", "ſ", "K", "ı", "İ",
        "\uD835\uDC00", "\uD800", "a", "x", "3", "12", "٣", "é", "%", "(", ".", "ofage", "years"));
    tokens.addAll(ThresholdExtractor.TRAILING.keySet());
    ThresholdExtractor.TRAILING.keySet().forEach(k -> tokens.add(k.toUpperCase()));
    int matches = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(6);
      for (int i = 0; i < length; i++) {
        text.append(tokens.get(random.nextInt(tokens.size())));
      }
      String s = text.toString();
      for (int from = 0; from <= s.length(); from++) {
        int at = from;
        String where = "at " + from + " in \"" + s + "\"";
        assertEquals(end(AFTER_COMPARATOR, s, from), LimitWords.afterComparator(s, from), () -> "after " + where);
        assertEquals(end(RANGE_DASH, s, from), LimitWords.rangeDash(s, from), () -> "dash " + where);
        assertEquals(end(BETWEEN, s, from), LimitWords.between(s, from), () -> "between " + where);
        assertEquals(end(OF_AGE, s, from) >= 0, LimitWords.ofAge(s, from), () -> "of age " + where);
        Matcher m = TRAILING_COMPARATOR.matcher(s);
        m.region(from, s.length());
        int[] expected = m.lookingAt() ? new int[] {m.start(1), m.end(1)} : null;
        int[] actual = WORDS.trailingComparator(s, at);
        assertEquals(Arrays.toString(expected), Arrays.toString(actual), () -> "trailing " + where);
        matches += (expected != null ? 1 : 0) + (end(RANGE_DASH, s, from) >= 0 ? 1 : 0)
            + (end(BETWEEN, s, from) >= 0 ? 1 : 0) + (end(OF_AGE, s, from) >= 0 ? 1 : 0);
      }
    }
    assertEquals(true, matches > 10_000, "matches: " + matches);
  }
}
