package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ConceptMaps' one-pass fold of ASCII codes gives what its Unicode fold (white-space tests, then {@code
 * toLowerCase(Locale.ROOT)}) gives, and leaves codes with other characters to it.
 */
class FoldAsciiTest {

  @Test
  void foldsEveryAsciiCharacterAsTheUnicodeFold() {
    for (char c = 0; c < 128; c++) {
      for (String code : new String[] {String.valueOf(c), "a" + c + "B", c + " X  y" + c, "" + c + c}) {
        assertEquals(ConceptMaps.foldAny(code), ConceptMaps.foldAscii(code), () -> "code " + escaped(code));
      }
    }
  }

  @Test
  void foldsRandomAsciiCodesAsTheUnicodeFold() {
    Random random = new Random(18);
    String[] pieces = {" ", "  ", "\t", "\n", "\r", "\u000B", "\f", "\u001C", "\u001F", "\u0000", "a", "Z", "mg/dL",
        "Absolute Neutrophil Count", "x10^9/L", "-", "(", "µ"};
    for (int n = 0; n < 50_000; n++) {
      StringBuilder code = new StringBuilder();
      int length = random.nextInt(8);
      for (int i = 0; i < length; i++) {
        code.append(pieces[random.nextInt(pieces.length - 1)]);
      }
      String text = code.toString();
      assertEquals(ConceptMaps.foldAny(text), ConceptMaps.foldAscii(text), () -> "code " + escaped(text));
      assertEquals(ConceptMaps.foldAny(text), ConceptMaps.fold(text));
    }
  }

  @Test
  void leavesCodesWithOtherCharactersToTheUnicodeFold() {
    for (String code : new String[] {"µg", "İSTANBUL", "a\u00A0b", "ΣΑΣ", "x\u2003y"}) {
      assertNull(ConceptMaps.foldAscii(code), code);
      assertEquals(ConceptMaps.foldAny(code), ConceptMaps.fold(code), code);
    }
  }

  private static String escaped(String text) {
    StringBuilder out = new StringBuilder();
    text.chars().forEach(c -> out.append(c < 32 || c > 126 ? String.format("\\u%04X", c) : String.valueOf((char) c)));
    return out.toString();
  }
}
