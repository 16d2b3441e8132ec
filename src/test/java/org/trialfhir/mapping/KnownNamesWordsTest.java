package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** KnownNames.words finds the runs the word pattern it replaced finds. */
class KnownNamesWordsTest {
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:\\.\\p{N}+)*");

  private static String byPattern(String text) {
    List<String> words = new ArrayList<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      words.add(m.start() + "-" + m.end());
    }
    return words.toString();
  }

  private static String byWalk(String text) {
    return KnownNames.words(text).stream().map(w -> w[0] + "-" + w[1]).toList().toString();
  }

  @Test
  void agreesWithThePatternOnRandomText() {
    Random random = new Random(16);
    // letters, digits of other scripts, letter and other numbers (Ⅻ, ²), marks, a surrogate-pair letter and digit,
    // lone surrogates, points and separators
    String[] pieces = {"a", "Z", "é", "ß", "ж", "中", "1", "9", "٣", "Ⅻ", "²", "½", "\u0301", "\uD835\uDC00",
        "\uD835\uDFCE", "\uD800", "\uDC00", ".", ".", "..", " ", "-", "/", "(", "CD19", "1.5", "x10", "_"};
    for (int n = 0; n < 50_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(10);
      for (int i = 0; i < length; i++) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      String s = text.toString();
      assertEquals(byPattern(s), byWalk(s), () -> "text: " + s.chars().boxed().toList());
    }
  }
}
