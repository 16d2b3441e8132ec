package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trialfhir.source.ScientificNumbers.Mention;

class ScientificNumbersTest {

  private static Mention only(String text) {
    List<Mention> found = ScientificNumbers.find(text);
    assertEquals(1, found.size(), () -> "mentions in " + text + ": " + found);
    return found.get(0);
  }

  private static void assertValue(String expected, BigDecimal actual) {
    assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> expected + " != " + actual);
  }

  @Test
  void readsLostSuperscriptInCellDose() {
    // Detailed description dose levels: "1×107 CAR-positive cells/kg" is 1×10^7, not 107.
    Mention m = only("three dose groups: 1×107 CAR-positive cells/kg, and more");
    assertValue("1E7", m.low());
    assertTrue(m.lostSuperscript());
    assertEquals("CAR-positive cells/kg", m.unit());
  }

  @Test
  void readsLostSuperscriptInLabThreshold() {
    // Inclusion criterion: "white blood cells >1.0×109/L" is 1.0×10^9/L.
    Mention m = only("white blood cells >1.0×109/L, more");
    assertValue("1.0E9", m.low());
    assertEquals("/L", m.unit());
  }

  @Test
  void readsRangeWithEExponent() {
    // "1-5x10e6/kg total dose": a range from 1×10^6 to 5×10^6 per kg.
    Mention m = only("Day 0: 1-5x10e6/kg total dose on day 0.");
    assertValue("1E6", m.low());
    assertValue("5E6", m.high());
    assertEquals("/kg", m.unit());
    assertFalse(m.lostSuperscript());
  }

  @Test
  void readsCaretFormsAfterEscapeRemoval() {
    // Intervention description: "5×10\^8 cells" once unescaped.
    Mention flat = only(RegistryText.unescape("IM83 CAR-T Cells, 5×10\\^8 cells, treatment"));
    assertValue("5E8", flat.low());
    assertEquals("cells", flat.unit());
    assertValue("5E5", only("0.5×10^6 cells").low());
    assertValue("1.5E9", only("ANC ≥ 1.5 x 10^9/L;").low());
  }

  @Test
  void leavesPlainMultiplesOfTheUpperLimitAlone() {
    // "3.0×ULN" and "1.5 times" are not scientific notation.
    assertTrue(ScientificNumbers.find("ALT and AST ≤3.0×ULN; bilirubin 1.5 times ULN; 100 mg").isEmpty());
  }

  @Test
  void findsEveryMentionInOrder() {
    List<Mention> found = ScientificNumbers.find("5×10^8 cells, 1×10^9 cells, and 2×10^9 cells");
    assertEquals(3, found.size());
    assertValue("2E9", found.get(2).low());
  }
}
