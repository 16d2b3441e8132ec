package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RegistryTextTest {

  @Test
  void removesMarkdownEscapesFromComparators() {
    // Criteria text: "\>" and "\<" are escaped comparators in CT.gov markdown.
    assertEquals("oxygen saturation >92% on room air", RegistryText.unescape("oxygen saturation \\>92% on room air"));
    assertEquals("platelet count < 30", RegistryText.unescape("platelet count \\< 30"));
  }

  @Test
  void removesEscapesFromTildesCaretsAndListDots() {
    assertEquals("~2.4 months", RegistryText.unescape("\\~2.4 months"));
    assertEquals("1.0×10^9/L and 5×10^8 cells", RegistryText.unescape("1.0×10\\^9/L and 5×10\\^8 cells"));
    assertEquals("4. Expected survival", RegistryText.unescape("4\\. Expected survival"));
  }

  @Test
  void keepsBackslashesThatEscapeNothing() {
    assertEquals("C:\\data a\\b", RegistryText.unescape("C:\\data a\\b"));
  }

  @Test
  void foldsWhiteSpaceAndKeepsNull() {
    assertEquals("a b", RegistryText.unescape("  a \t  b "));
    assertNull(RegistryText.unescape(null));
    assertNull(RegistryText.orNull("   "));
  }

  @Test
  void isCleanAgreesWithTheCharacterLoop() {
    // The shortcut's scans against the character loop it replaced, on text of the characters either one looks at
    // (also the no-break space in a UTF-16 string, beside characters that make one).
    Random random = new Random(19);
    String[] pieces = {" ", "  ", "\t", "\\", "\\>", "\u00A0", "a", "b.", "µ", "≥", "\n", "\r", "\u2009", "😀"};
    for (int n = 0; n < 100_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(8);
      for (int i = 0; i < length; i++) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      String s = text.toString();
      assertEquals(isCleanByLoop(s), RegistryText.isClean(s), () -> "text \"" + s + "\"");
    }
  }

  @Test
  void cleanTextComesBackAsTheSameInstance() {
    String clean = "Platelets ≥ 100 x 10^9/L";
    assertSame(clean, RegistryText.unescape(clean));
    assertNotSame("a  b", RegistryText.unescape("a  b"));
    assertEquals("a b", RegistryText.unescape("a\u00A0b"));
  }

  /** The loop isClean was before it scanned with indexOf. */
  private static boolean isCleanByLoop(String text) {
    int n = text.length();
    if (n == 0) {
      return true;
    }
    if (text.charAt(0) == ' ' || text.charAt(n - 1) == ' ') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\\' || c == '\t' || c == '\u00A0' || (c == ' ' && text.charAt(i - 1) == ' ')) {
        return false;
      }
    }
    return true;
  }
}
