package org.trialfhir.matching;

import java.math.BigDecimal;
import java.util.Set;

/**
 * One computable limit of a criterion, as the eligibility Group states it (a characteristic {@code <criterion>-tN}):
 * the analyte (LOINC code, or null when the map knows none), the bounds with their inclusiveness, the UCUM unit,
 * whether it is a multiple of the upper limit of normal, the condition it holds under (as written, and read for
 * {@link Applicability}), and whether it belongs to an exclusion criterion (then a value inside the bounds excludes).
 * What every evaluation needs (the Observation codes that measure the analyte, the bounds as text) is worked out
 * once, by {@link #of}.
 */
record Limit(
    String id,
    String analyte,
    String loinc,
    BigDecimal low,
    boolean lowInclusive,
    BigDecimal high,
    boolean highInclusive,
    String unit,
    String unitWritten,
    boolean relativeToUpperNormal,
    String condition,
    boolean exclude,
    Applicability.Terms conditionTerms,
    Set<String> observationCodes,
    String bounds) {

  static final String ECOG = "89247-1";
  static final String KARNOFSKY = "89243-0";

  static Limit of(String id, String analyte, String loinc, BigDecimal low, boolean lowInclusive, BigDecimal high,
      boolean highInclusive, String unit, String unitWritten, boolean uln, String condition, boolean exclude,
      MatchVocabulary vocabulary) {
    return new Limit(id, analyte, loinc, low, lowInclusive, high, highInclusive, unit, unitWritten, uln, condition,
        exclude, condition == null ? null : Applicability.terms(condition),
        loinc == null ? Set.of() : Set.copyOf(vocabulary.observationCodes(loinc)),
        bounds(low, lowInclusive, high, highInclusive, unitWritten));
  }

  /** True for the two performance scales, which compare as plain numbers whatever unit the limit writes. */
  boolean isScore() {
    return ECOG.equals(loinc) || KARNOFSKY.equals(loinc);
  }

  /** The analyte a limit constrains, for grouping alternatives: ECOG and Karnofsky are one (performance status). */
  String analyteKey() {
    return isScore() ? "performance-status" : loinc != null ? loinc : MatchText.normalize(analyte);
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
      return plain(low) + "–" + plain(high) + unitText;
    }
    if (low != null) {
      return (lowInclusive ? "≥ " : "> ") + plain(low) + unitText;
    }
    return (highInclusive ? "≤ " : "< ") + plain(high) + unitText;
  }

  static String plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
  }
}
