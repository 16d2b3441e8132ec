package org.trialfhir.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** UCUM conversion through org.fhir:ucum, the library HAPI's validator uses. */
class UnitConverterTest {
  private static final UnitConverter UCUM = MatchVocabulary.standard().units();

  @Test
  void countsPerMicrolitreConvertToGigaPerLitre() {
    assertEquals(0, new BigDecimal("120").compareTo(UCUM.convert(new BigDecimal("120000"), "/uL", "10*9/L").orElseThrow()));
    assertEquals(0, new BigDecimal("120").compareTo(UCUM.convert(new BigDecimal("120"), "10*3/uL", "10*9/L").orElseThrow()));
    assertEquals(0, new BigDecimal("1.5").compareTo(UCUM.convert(new BigDecimal("1500"), "{cells}/uL", "10*9/L").orElseThrow()));
  }

  @Test
  void gramsPerDecilitreConvertToGramsPerLitre() {
    assertEquals(0, new BigDecimal("90").compareTo(UCUM.convert(new BigDecimal("9"), "g/dL", "g/L").orElseThrow()));
  }

  @Test
  void unitsOfDifferentKindsOrNotUcumDoNotConvert() {
    assertTrue(UCUM.convert(new BigDecimal("9"), "mmol/L", "g/L").isEmpty(), "substance and mass concentration");
    assertTrue(UCUM.convert(new BigDecimal("9"), "gram per litre", "g/L").isEmpty());
    assertTrue(UCUM.convert(new BigDecimal("9"), null, "g/L").isEmpty());
  }
}
