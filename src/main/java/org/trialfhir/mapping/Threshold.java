package org.trialfhir.mapping;

import java.math.BigDecimal;

/**
 * One computable limit read from a criterion's text, FHIR-free: the analyte (the analyte-loinc source code it
 * matched, and the phrase as written), a one-sided limit ({@code comparator} and {@code value}) or a range
 * ({@code comparator} null, {@code value}..{@code high}), the unit as written with the unit-ucum source code it
 * matched, whether it is a multiple of the upper limit of normal, and the condition it holds under.
 *
 * @param analyte the analyte-loinc source code the phrase matched (such as {@code "absolute neutrophil count"})
 * @param analyteText the analyte phrase exactly as written ("Absolute neutrophil count")
 * @param comparator the comparator of a one-sided limit; null for a range
 * @param value the limit, or the low end of a range; exactly as written (scale kept: "1.0" stays 1.0)
 * @param high the high end of a range; null for a one-sided limit
 * @param unit the unit exactly as written ("×109/L", "times the upper limit of normal"); null when none is written
 * @param unitKey the unit-ucum source code the unit matched; null when none is written or the map knows no such
 *     spelling
 * @param relativeToUpperNormal true for a multiple of the upper limit of normal ("≤ 1.5 × ULN")
 * @param condition the condition as written ("if liver metastases are present"); null when unconditional
 * @param text the stretch of the criterion the limit was read from, as written
 */
public record Threshold(
    String analyte,
    String analyteText,
    Comparator comparator,
    BigDecimal value,
    BigDecimal high,
    String unit,
    String unitKey,
    boolean relativeToUpperNormal,
    String condition,
    String text) {

  /** The comparators a limit can state, with their FHIR Quantity.comparator codes. */
  public enum Comparator {
    LESS_THAN("<"),
    AT_MOST("<="),
    AT_LEAST(">="),
    MORE_THAN(">");

    private final String code;

    Comparator(String code) {
      this.code = code;
    }

    /** The FHIR {@code Quantity.comparator} code. */
    public String code() {
      return code;
    }

    /** True for the comparators a closed range bound can express (≤ and ≥). */
    public boolean inclusive() {
      return this == AT_MOST || this == AT_LEAST;
    }
  }

  /** True when this is a range ("0-2", "between 18 and 75 years") rather than a one-sided limit. */
  public boolean isRange() {
    return comparator == null;
  }
}
