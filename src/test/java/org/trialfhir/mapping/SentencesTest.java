package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Sentences gives what the sentence-end pattern it replaced gives with Pattern.split. */
class SentencesTest {
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?;])\\s+(?=[A-Z(])|\\n+");

  @Test
  void splitsAtSentenceEndsAndLineBreaks() {
    assertEquals(List.of("Day 0: infusion.", "(Optional) Day 7.", "Then rest", "x"),
        Sentences.of("Day 0: infusion. (Optional) Day 7.\n\nThen rest\nx"));
    // No break before a lower-case word or a digit, nor after a comma.
    assertEquals(List.of("e.g. fludarabine; 30 mg, Then."), Sentences.of("e.g. fludarabine; 30 mg, Then."));
    assertEquals(List.of("a;", "B"), Sentences.of("a; \t B"));
  }

  @Test
  void agreesWithThePatternOnRandomText() {
    Random random = new Random(15);
    String alphabet = ".!?;,  \n\t\rAZaz(09é";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(24);
      for (int i = 0; i < length; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String s = text.toString();
      assertEquals(List.of(SENTENCE_END.split(s)), Sentences.of(s), () -> "text: " + s.replace("\n", "\\n"));
    }
  }
}
