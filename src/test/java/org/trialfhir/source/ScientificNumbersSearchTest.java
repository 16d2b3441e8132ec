package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ScientificNumbers.find, which searches only from the number before each "×10", finds the mentions a plain search
 * of the whole text with its pattern finds (the search it replaced), on random text and on the golden inputs.
 */
class ScientificNumbersSearchTest {

  /** Start, end and text of each match of a search from the start of the text. */
  private static List<String> plainSearch(String text) {
    List<String> found = new ArrayList<>();
    Matcher m = ScientificNumbers.MENTION.matcher(text);
    while (m.find()) {
      found.add(m.start() + "-" + m.end() + " " + m.group());
    }
    return found;
  }

  private static List<String> found(String text) {
    return ScientificNumbers.find(text).stream().map(m -> m.start() + "-" + m.end() + " " + m.text()).toList();
  }

  private static int compare(String text) {
    List<String> expected = plainSearch(text);
    assertEquals(expected, found(text), () -> "in \"" + text + "\"");
    return expected.size();
  }

  @Test
  void agreesWithAPlainSearchOnRandomText() {
    Random random = new Random(17);
    String[] pieces = {"1", "0", "10", "5", "12", "109", "1.5", ".", "-", "~", "–", "—", " ", "  ", "\t", "\n",
        "\u00A0", "×10", "x 10", "*10^", "×", "x", "X", "*", "^", "e", "E", "/", "L", "kg", "cells", "CAR-T ", "+",
        "a", "٣", ",", "(", "µ"};
    int mentions = 0;
    for (int n = 0; n < 50_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(20);
      for (int i = 0; i < length; i++) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      mentions += compare(text.toString());
    }
    assertTrue(mentions > 1_000, "mentions: " + mentions);
  }

  @Test
  void agreesWithAPlainSearchOnTheGoldenInputs() throws IOException {
    int mentions = 0;
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources/cases"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("input")).toList()) {
        String whole = Files.readString(file);
        mentions += compare(whole);
        for (String line : whole.split("\n")) {
          compare(line);
        }
      }
    }
    // The inputs do hold cell doses and counts in scientific notation: the comparison saw matches, not only misses.
    assertTrue(mentions > 10, "mentions: " + mentions);
  }
}
