package org.trialfhir.mapping;

import java.math.BigDecimal;
import java.util.List;

/**
 * The treatment schedule a record states, FHIR-free: lymphodepletion drugs and the cell infusions with their
 * study days (day 0 = first cell infusion), doses and dose levels, and the notes on how the source's sections
 * were reconciled. Every value is one the source states; absent ones are null or empty.
 */
public record Schedule(List<DrugStep> lymphodepletion, CellInfusion infusion, List<String> notes) {

  public Schedule {
    lymphodepletion = List.copyOf(lymphodepletion);
    notes = List.copyOf(notes);
  }

  /** A dose as stated: a value or a range, the unit as written and its UCUM code. */
  public record Dose(BigDecimal low, BigDecimal high, String unitText, String ucum) {
    public boolean isRange() {
      return high != null && high.compareTo(low) != 0;
    }
  }

  /** A stated duration (over 30 minutes; over 10-20 minutes), in the unit written, with its UCUM code. */
  public record Duration(BigDecimal low, BigDecimal high, String ucum) {}

  /** One lymphodepletion drug; {@code source} names the section the details come from. */
  public record DrugStep(
      String drug,
      Dose dose,
      List<Integer> days,
      String route,
      Duration duration,
      boolean beforeInfusion,
      String source,
      String text) {
    public DrugStep {
      days = List.copyOf(days);
    }
  }

  /**
   * The cell product's administration: its study days (0 for the first infusion; empty when the source
   * states none), a single dose or several dose levels (escalation alternatives), and a conditional repeat.
   */
  public record CellInfusion(
      String product,
      List<Integer> days,
      boolean dayStated,
      Dose dose,
      List<Dose> levels,
      String route,
      Duration duration,
      Repeat repeat,
      String text) {
    public CellInfusion {
      days = List.copyOf(days);
      levels = List.copyOf(levels);
    }
  }

  /** "may receive 2 or 3 additional doses" — a repeat whose count and condition the source states. */
  public record Repeat(int countLow, int countHigh, String condition) {}
}
