package org.trialfhir.matching;

import java.math.BigDecimal;
import java.util.Set;

/**
 * What a limit compares a measurement with, apart from which criterion states it and under what condition: the
 * analyte (LOINC code, or null when the map knows none) and the Observation codes that measure it, the bounds with
 * their inclusiveness and their text, the UCUM unit, whether it is a multiple of the upper limit of normal, and
 * whether it belongs to an exclusion (then a value inside the bounds excludes). A limit's outcome for a patient
 * depends on nothing else, and registries repeat the same thresholds ("ANC ≥ 1.0 ×10^9/L") across thousands of
 * studies: one evaluation per threshold and patient serves them all ({@link PatientFacts}).
 */
record Threshold(
    String analyte,
    String loinc,
    BigDecimal low,
    boolean lowInclusive,
    BigDecimal high,
    boolean highInclusive,
    String unit,
    String unitWritten,
    boolean relativeToUpperNormal,
    boolean exclude,
    Set<String> observationCodes,
    String bounds) {

  static Threshold of(String analyte, String loinc, BigDecimal low, boolean lowInclusive, BigDecimal high,
      boolean highInclusive, String unit, String unitWritten, boolean uln, boolean exclude,
      MatchVocabulary vocabulary) {
    return new Threshold(analyte, loinc, low, lowInclusive, high, highInclusive, unit, unitWritten, uln, exclude,
        loinc == null ? Set.of() : Set.copyOf(vocabulary.observationCodes(loinc)),
        bounds(low, lowInclusive, high, highInclusive, unitWritten));
  }

  /** True for the two performance scales, which compare as plain numbers whatever unit the limit writes. */
  boolean isScore() {
    return Limit.ECOG.equals(loinc) || Limit.KARNOFSKY.equals(loinc);
  }

  /** Whether a value (in the limit's unit) lies within the bounds. */
  boolean holds(BigDecimal value) {
    if (low != null) {
      int c = value.compareTo(low);
      if (c < 0 || (c == 0 && !lowInclusive)) {
        return false;
      }
    }
    if (high != null) {
      int c = value.compareTo(high);
      return c < 0 || (c == 0 && highInclusive);
    }
    return true;
  }

  /** The bounds as a reader writes them: "≥ 75 ×10^9/L", "0–2", "≤ 1.5 × ULN". */
  private static String bounds(BigDecimal low, boolean lowInclusive, BigDecimal high, boolean highInclusive,
      String unitWritten) {
    String unitText = unitWritten == null || unitWritten.equals("score") ? "" : " " + unitWritten;
    if (low != null && high != null) {
      return Limit.plain(low) + "–" + Limit.plain(high) + unitText;
    }
    if (low != null) {
      return (lowInclusive ? "≥ " : "> ") + Limit.plain(low) + unitText;
    }
    return (highInclusive ? "≤ " : "< ") + Limit.plain(high) + unitText;
  }
}
