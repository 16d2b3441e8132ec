package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ScheduleExtractor's searches that start at the first of their patterns' opening words (and skip REPEAT without
 * "additional") answer as a search of the whole sentence does, on random text and on the golden inputs.
 */
class FindsFromWordTest {

  private static int compare(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    int found = 0;
    for (Object[] search : new Object[][] {{ScheduleExtractor.INFUSION, ScheduleExtractor.INFUSION_WORDS},
        {ScheduleExtractor.CELLS, ScheduleExtractor.CELLS_WORDS},
        {ScheduleExtractor.EXAMPLE, ScheduleExtractor.EXAMPLE_WORDS}, {ScheduleExtractor.REPEAT, List.of("additional")}}) {
      Pattern pattern = (Pattern) search[0];
      @SuppressWarnings("unchecked")
      List<String> words = (List<String>) search[1];
      boolean expected = pattern.matcher(text).find();
      boolean actual = pattern == ScheduleExtractor.REPEAT
          ? lower.contains("additional") && pattern.matcher(text).find()
          : ScheduleExtractor.findsFromWord(pattern, text, lower, words);
      assertEquals(expected, actual, () -> pattern + " in \"" + text + "\"");
      found += expected ? 1 : 0;
    }
    return found;
  }

  @Test
  void agreesWithASearchOfTheWholeTextOnRandomText() {
    Random random = new Random(17);
    // The words in several cases, pieces of them, what folds onto ASCII letters outside ASCII case (Kelvin sign,
    // dotted and dotless i, long s), word and non-word neighbours for \b.
    String[] pieces = {"infus", "INFUSED", "Inject", "administ", "transfus", "receive", "Receive", "re", "ceive",
        "cell", "CELLS", "cel", "car", "CAR", "car-t", "CAR T", "CAR-NK", "cart", "CART", "tcr", "TCR-T", "one", "2",
        "additional", "ADDITIONAL", "doses", "infusions", " ", "  ", "-", "_", "a", "x", "\u212A", "İ", "ı", "ſ", "é",
        "\u0301", ".", ",", "(", "ß", "e.g.", "E.G.", "e", "g", "for example", "For Example", "such as", "SUCH AS",
        "such", "as", "for", "example"};
    int found = 0;
    for (int n = 0; n < 50_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(10);
      for (int i = 0; i < length; i++) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      found += compare(text.toString());
    }
    assertTrue(found > 10_000, "found: " + found);
  }

  @Test
  void agreesWithASearchOfTheWholeTextOnTheGoldenInputs() throws IOException {
    int found = 0;
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources/cases"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("input")).toList()) {
        String whole = Files.readString(file);
        found += compare(whole);
        for (String line : whole.split("[\n.]")) {
          found += compare(line);
        }
      }
    }
    assertTrue(found > 20, "found: " + found);
  }
}
