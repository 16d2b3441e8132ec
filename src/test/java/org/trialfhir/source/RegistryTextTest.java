package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
