package org.trialfhir.corpus;

import java.math.BigDecimal;
import java.util.List;
import org.trialfhir.source.TrialRecord;

/**
 * One generated trial and the ground truth of what its file states: the {@link TrialRecord} a reader must make
 * of it (exactly, field by field, in the format's own coverage: a MedPath page has no dates, for instance), and
 * the facts inside its free text that the mapping stage should find — the computable eligibility limits, the
 * lymphodepletion drugs with their doses and days, the cell dose levels and the infusion days.
 *
 * @param index the record's position in the corpus
 * @param format the format the record is written in
 * @param record what the file states, as the format's reader gives it
 * @param limits every computable limit the criteria state
 * @param lymphodepletion the lymphodepletion drugs in the order the text names them
 * @param cellDoses the cell dose (one) or dose levels (several) the text states, in order
 * @param infusionDays the study days of the cell infusions (day 0 is the first)
 */
public record SyntheticTrial(
    long index,
    CorpusFormat format,
    TrialRecord record,
    List<Limit> limits,
    List<DrugDose> lymphodepletion,
    List<CellDose> cellDoses,
    List<Integer> infusionDays) {

  public SyntheticTrial {
    limits = List.copyOf(limits);
    lymphodepletion = List.copyOf(lymphodepletion);
    cellDoses = List.copyOf(cellDoses);
    infusionDays = List.copyOf(infusionDays);
  }

  /**
   * A limit a criterion states: the analyte as the analyte-loinc map names it ({@code "platelets"}), the
   * comparator ({@code >=}, {@code >}, {@code <=}, {@code <}; null for a range), the value (the low end of a
   * range), the high end of a range (else null) and the unit exactly as written (a unit-ucum spelling such as
   * {@code ×10^9/L}), or null when none is written.
   */
  public record Limit(String analyte, String comparator, BigDecimal value, BigDecimal high, String unit) {}

  /** A lymphodepletion drug as named (lower case); its dose in mg/m² per day and its days, when stated. */
  public record DrugDose(String drug, BigDecimal dose, List<Integer> days) {
    public DrugDose {
      days = List.copyOf(days);
    }
  }

  /** A cell dose or dose range in cells, per kg ({@code {cells}/kg}) or flat ({@code {cells}}). */
  public record CellDose(BigDecimal low, BigDecimal high, String ucum) {}
}
