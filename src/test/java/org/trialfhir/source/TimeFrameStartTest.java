package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * MedPathPageReader.timeFrameStart, which tries its pattern only where a digit or one of the pattern's first words
 * is, finds the place the pattern tried at every eligible position found (the loop it replaced).
 */
class TimeFrameStartTest {

  /** The loop before: the pattern tried at every position that is not after white space or inside a number. */
  private static int everyPosition(String row) {
    Matcher timeFrame = MedPathPageReader.TIME_FRAME.matcher(row);
    for (int i = 1; i < row.length(); i++) {
      char before = row.charAt(i - 1);
      char at = row.charAt(i);
      if (Character.isWhitespace(before) || "([{\"'“‘".indexOf(before) >= 0 || !Character.isLetterOrDigit(at)) {
        continue;
      }
      if (Character.isDigit(at) && (Character.isDigit(before) || before == '.' || before == ',')) {
        continue;
      }
      if (timeFrame.region(i, row.length()).matches() && !row.substring(0, i).isBlank()) {
        return i;
      }
    }
    return -1;
  }

  private static int compare(String row) {
    int expected = everyPosition(row);
    assertEquals(expected, MedPathPageReader.timeFrameStart(row), () -> "in \"" + row + "\"");
    return expected >= 0 ? 1 : 0;
  }

  @Test
  void agreesWithTryingEveryPositionOnRandomRows() {
    Random random = new Random(17);
    String[] pieces = {"Overall survival", "rate", "Up to", "UP TO", "up  to", "within", "Through", "at", "AT", "after",
        "approximately", "about", "over", "for", "until", "from", "baseline", "Baseline to", "Day", "day", "DAY",
        "Week", "Weeks", "Month", "Year", "Cycle", "Cycles", "hours", "hrs", "days", "weeks", "wks", "months",
        "years", "yrs", "1", "28", "2.5", "-", "–", "/", "to", "or", " ", "  ", "(", "\"", ".", ",", "x", "ſ",
        "\u212A", "İ", "ı", "é", "٣", "Ｕ", "Up to 2 years", "within 28 days after infusion", "24 weeks", "Day 28",
        "2-3 months", "at 1 year", "Baseline to week 12"};
    int found = 0;
    for (int n = 0; n < 40_000; n++) {
      StringBuilder row = new StringBuilder();
      int length = 1 + random.nextInt(8);
      for (int i = 0; i < length; i++) {
        row.append(pieces[random.nextInt(pieces.length)]);
      }
      found += compare(row.toString());
    }
    assertTrue(found > 5_000, "found: " + found);
  }

  @Test
  void agreesWithTryingEveryPositionOnTheGoldenInputs() throws IOException {
    int found = 0;
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources/cases"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("input")).toList()) {
        for (String line : Files.readAllLines(file)) {
          found += compare(line);
        }
      }
    }
    assertTrue(found > 5, "found: " + found);
  }
}
