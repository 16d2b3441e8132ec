package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The checks ThresholdExtractor makes before running a pattern (or instead of it) answer as the pattern alone did:
 * ULN found in a unit, FILLER matching the text between an analyte and its limit, APPROXIMATE found in the 15
 * characters before a number. On random text built from the patterns' own words and awkward characters (letters that
 * fold to ASCII ones, line terminators {@code \s} does not match), and at every position of the golden inputs.
 */
class ThresholdShortcutsTest {
  private static final String[] PIECES = {"ULN", "uln", "upper", "UPPER", " ", "  ", "\t", "\n", "\r", "\u0085",
      "\u2028", "\u2029", "\u00A0", "limit", "of", "normal", "~", "≈", "approximately", "about", "ABOUT", "around",
      "circa", "ca.", "ca", ".", "is", "was", "(ANC)", "(", ")", ":", "=", "\\", "score", "CrCl", "ı", "İ", "ſ", "K",
      "y", "Y", "t", "d", "a", "5", "10", "x", "×", "the", "-", "/", "mg/dL", "%"};

  @Test
  void agreeWithThePatternsOnRandomText() {
    Random random = new Random(18);
    int uln = 0;
    int filler = 0;
    int approximate = 0;
    for (int n = 0; n < 100_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(9);
      for (int i = 0; i < length; i++) {
        text.append(PIECES[random.nextInt(PIECES.length)]);
      }
      String t = text.toString();
      uln += checkUln(t);
      filler += checkFiller(t);
      for (int start = 0; start <= t.length(); start++) {
        approximate += checkApproximate(t, start);
      }
    }
    // The comparison saw matches, not only misses.
    assertTrue(uln > 1_000 && filler > 1_000 && approximate > 1_000, uln + " " + filler + " " + approximate);
  }

  @Test
  void agreeWithThePatternsOnTheGoldenInputs() throws IOException {
    List<Path> inputs;
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources/cases"))) {
      inputs = files.filter(f -> f.getFileName().toString().startsWith("input")).toList();
    }
    int approximate = 0;
    for (Path input : inputs) {
      for (String line : Files.readString(input).split("\n")) {
        checkUln(line);
        if (line.length() <= 60) {
          checkFiller(line);
        }
        for (int start = 0; start <= line.length(); start++) {
          approximate += checkApproximate(line, start);
        }
      }
    }
    assertTrue(inputs.size() > 5, inputs.toString());
  }

  @Test
  void foldsToUOnlyFromUAndLowerCaseU() {
    // namesUln looks for a u or U before running ULN, whose every match starts with one of them.
    for (int c = 0; c < 0x10000; c++) {
      char first = (char) c;
      boolean matches = ThresholdExtractor.ULN.matcher(first + "LN").lookingAt();
      assertEquals(first == 'u' || first == 'U', matches, () -> "U+" + Integer.toHexString(first));
    }
  }

  private static int checkUln(String unit) {
    boolean expected = ThresholdExtractor.ULN.matcher(unit).find();
    assertEquals(expected, ThresholdExtractor.namesUln(unit), () -> "unit \"" + unit + "\"");
    return expected ? 1 : 0;
  }

  private static int checkFiller(String between) {
    boolean expected = ThresholdExtractor.FILLER.matcher(between).matches();
    assertEquals(expected, ThresholdExtractor.isFiller(between), () -> "between \"" + between + "\"");
    return expected ? 1 : 0;
  }

  private static int checkApproximate(String text, int start) {
    boolean expected = ThresholdExtractor.APPROXIMATE.matcher(text.substring(Math.max(0, start - 15), start)).find();
    assertEquals(expected, ThresholdExtractor.approximate(text, start), () -> start + " in \"" + text + "\"");
    return expected ? 1 : 0;
  }
}
