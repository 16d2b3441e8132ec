package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** LiteralStarts.find gives the matches Matcher.find gives, for ScheduleExtractor's own patterns (not copies). */
class LiteralStartsTest {
  private static final String[][] TEMPLATE = {{"day", "Days", "D", "over ", "Over a period of ", " "},
      {"", " ", "-", "- "}, {"1", "-2", "14", "100"}, {" ", "", "~", " to ", "–", "-", " through "},
      {"", "D", "D-", "-", "- "}, {"3", "7", "28", "1000"}, {"", " minutes", "hrs", "-hour", "x"}};

  private static List<String> byFind(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(describe(m));
    }
    return found;
  }

  private static List<String> byLiteralStarts(Pattern pattern, String word, boolean ignoreCase, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    for (int next = 0; LiteralStarts.find(m, text, word, ignoreCase, next); next = m.end()) {
      found.add(describe(m));
    }
    return found;
  }

  private static String describe(Matcher m) {
    StringBuilder out = new StringBuilder().append(m.start()).append('-').append(m.end());
    for (int g = 1; g <= m.groupCount(); g++) {
      out.append('|').append(m.group(g));
    }
    return out.toString();
  }

  @Test
  void findsWhatFindFinds() {
    Random random = new Random(16);
    String[] tokens = {"day", "Day", "DAYS", "days", "dAy", "D", "d", "D-", "-", " ", "  ", "\t", "0", "1", "7", "12",
        "123", "1234", "to", "through", "–", "~", "～", "over", "Over", "a", "duration of", "period", "of", "minutes",
        "min", "hours", "hrs", "h", "_", "é", "x", "Ｄ", "\u0301", ".", ",", "(", ")", "today", "Monday", "D0"};
    Object[][] cases = {{ScheduleExtractor.DAY_RANGE, "day", true}, {ScheduleExtractor.D_RANGE, "D", false},
        {ScheduleExtractor.DAY_ONE, "day", true}, {ScheduleExtractor.D_ONE, "D", false},
        {ScheduleExtractor.DURATION, "over", true}};
    int matches = 0;
    for (int n = 0; n < 30_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(12);
      for (int i = 0; i < length; i++) {
        if (random.nextInt(4) == 0) {
          // a near-schedule: start word, spaces, number, separator, number, unit
          for (String[] choices : TEMPLATE) {
            text.append(choices[random.nextInt(choices.length)]);
          }
        }
        text.append(tokens[random.nextInt(tokens.length)]);
      }
      String s = text.toString();
      for (Object[] c : cases) {
        Pattern pattern = (Pattern) c[0];
        List<String> expected = byFind(pattern, s);
        assertEquals(expected, byLiteralStarts(pattern, (String) c[1], (Boolean) c[2], s),
            () -> pattern + " in \"" + s + "\"");
        matches += expected.size();
      }
    }
    // The random texts hold matches, not only misses.
    assertEquals(true, matches > 5_000, "matches: " + matches);
  }
}
