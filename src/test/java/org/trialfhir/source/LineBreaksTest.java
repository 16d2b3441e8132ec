package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** LineBreaks.split gives what the \R split it replaced gives. */
class LineBreaksTest {
  private static final Pattern LINE_BREAK = Pattern.compile("\\R");

  @Test
  void agreesWithThePatternOnRandomText() {
    Random random = new Random(16);
    String alphabet = "\r\n\r\n\u000B\f\u0085\u2028\u2029 a\tb\u2027é";
    for (int n = 0; n < 50_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(12);
      for (int i = 0; i < length; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String s = text.toString();
      assertArrayEquals(LINE_BREAK.split(s, -1), LineBreaks.split(s), () -> "text: " + s.chars().boxed().toList());
    }
  }
}
