package org.trialfhir.matching;

import java.math.BigDecimal;

/**
 * One computable limit of a criterion, as the eligibility Group states it (a characteristic {@code <criterion>-tN}):
 * its id, what it compares a measurement with ({@link Threshold}), and the condition it holds under (as written, and
 * read for {@link Applicability}; null for an unconditional limit).
 */
record Limit(String id, Threshold threshold, String condition, Applicability.Terms conditionTerms) {

  static final String ECOG = "89247-1";
  static final String KARNOFSKY = "89243-0";

  String loinc() {
    return threshold.loinc();
  }

  String analyte() {
    return threshold.analyte();
  }

  String unitWritten() {
    return threshold.unitWritten();
  }

  /** The analyte a limit constrains, for grouping alternatives: ECOG and Karnofsky are one (performance status). */
  String analyteKey() {
    return threshold.isScore() ? "performance-status" : loinc() != null ? loinc() : MatchText.normalize(analyte());
  }

  static String plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
  }
}
