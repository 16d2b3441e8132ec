package org.trialfhir.corpus;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.trialfhir.corpus.SyntheticTrial.CellDose;
import org.trialfhir.corpus.SyntheticTrial.DrugDose;
import org.trialfhir.corpus.Treatment.DrugIntervention;

/**
 * Draws a trial's cell product, lymphodepletion regimen (drugs, doses in mg/m² per day, day ranges before the
 * first infusion), cell dose levels (per kg or flat, in the notations the samples use: {@code 1×10^6 cells/kg},
 * lost superscripts such as {@code 1×107 CAR-positive cells/kg}, {@code 1-5x10e6/kg}) and infusion days, and
 * writes them into the sentences the arms, interventions and description carry.
 */
final class TreatmentComposer {

  /** One lymphodepletion drug: its dose in mg/m² per day (null when unstated) and its days. */
  private record Step(String drug, String dose, int first, int last) {}

  /** A dose level as mantissa and power of ten; {@code high} is the mantissa of a range's top, else null. */
  private record Level(String mantissa, String high, int exponent) {
    BigDecimal cells() {
      return new BigDecimal(mantissa).scaleByPowerOfTen(exponent);
    }

    BigDecimal highCells() {
      return new BigDecimal(high == null ? mantissa : high).scaleByPowerOfTen(exponent);
    }
  }

  private static final List<List<String>> LADDERS = List.of(
      List.of("1", "3", "6"), List.of("1", "2", "4"), List.of("0.5", "1", "2"), List.of("1", "3", "5"),
      List.of("1", "2"), List.of("1", "2.5", "5", "7.5"));

  private TreatmentComposer() {}

  static Treatment compose(Dice dice, Pools.Condition condition, String target) {
    String kind = kind(dice, condition);
    String canonicalKind = kind.startsWith("CAR-NK") ? "CAR-NK" : kind.startsWith("TCR") ? "TCR-T" : "CAR-T";
    String product = product(dice, target, kind);
    String type = new String[] {"BIOLOGICAL", "DRUG", "GENETIC"}[dice.weighted(55, 30, 15)];
    boolean allogeneic = canonicalKind.equals("CAR-NK") || dice.chance(0.12);

    List<Step> steps = regimen(dice);
    List<Integer> days = List.of(List.of(0), List.of(0, 7), List.of(0, 14)).get(dice.weighted(80, 12, 8));
    boolean perKg = !canonicalKind.equals("TCR-T") && dice.chance(0.78);
    List<Level> levels = levels(dice, perKg, canonicalKind);
    String unit = perKg ? dice.pick("cells/kg", "cells/kg", "CAR-positive cells/kg", "CAR+ cells/kg", "/kg",
        canonicalKind.equals("CAR-T") ? "CAR-T cells/kg" : "cells/kg") : "cells";
    int notation = levels.get(0).high() != null ? 3 : dice.weighted(5, 2, 3, unit.equals("/kg") ? 2 : 0);

    String through = dice.pick(" to ", " through ");
    String lymphodepletion = lymphodepletionSentence(dice, steps, through);
    String doses = levelsText(levels, notation, unit);
    String infusion = infusionSentence(dice, product, days, levels.size(), doses, lymphodepletion == null);
    String regimen = (lymphodepletion == null ? "" : lymphodepletion + " ") + infusion;
    String laterArm = (steps.isEmpty() ? "Patients will receive " : "Patients will receive the same lymphodepleting"
        + " chemotherapy, followed by ") + product + " at the recommended phase 2 dose " + dayPhrase(days) + ".";

    List<DrugIntervention> drugInterventions = new ArrayList<>();
    if (!steps.isEmpty() && dice.chance(0.5)) {
      for (Step step : steps) {
        String name = Character.toUpperCase(step.drug().charAt(0)) + step.drug().substring(1);
        drugInterventions.add(new DrugIntervention(name, step.dose() == null
            ? name + " as part of the lymphodepleting chemotherapy before the cell infusion."
            : name + " " + step.dose() + " mg/m²/day intravenously " + days(step, through) + " as lymphodepleting"
                + " chemotherapy."));
      }
    }

    String description = "An " + (allogeneic ? "allogeneic" : "autologous") + " " + canonicalKind
        + " cell product targeting " + target + "." + (allogeneic ? ""
        : " The cells are manufactured from the patient's own lymphocytes collected by leukapheresis.");
    String design = levels.size() > 1
        ? "The study uses a 3+3 dose-escalation design with " + levels.size() + " dose levels: "
            + levelsText(levels, notation == 0 && dice.chance(0.5) ? 2 : notation, unit)
            + ". Three to six subjects will be treated at each dose level."
        : "All participants receive a single dose of " + doses + ".";

    List<DrugDose> truthSteps = steps.stream().map(s -> new DrugDose(s.drug(),
        s.dose() == null ? null : new BigDecimal(s.dose()), s.dose() == null ? List.of() : range(s))).toList();
    String ucum = unit.equals("cells") ? "{cells}" : "{cells}/kg";
    List<CellDose> truthDoses = levels.stream().map(l -> new CellDose(l.cells(), l.highCells(), ucum)).toList();
    return new Treatment(product, type, kind, target, description, regimen, laterArm, drugInterventions, design,
        truthSteps, truthDoses, days);
  }

  private static String kind(Dice dice, Pools.Condition condition) {
    int pick = condition.solid() ? dice.weighted(70, 5, 10, 15) : dice.weighted(80, 8, 12, 0);
    return new String[] {"CAR-T", "CAR T", "CAR-NK", "TCR-T"}[pick];
  }

  private static String product(Dice dice, String target, String kind) {
    String code = "" + (char) ('A' + dice.between(0, 25)) + (char) ('A' + dice.between(0, 25))
        + (dice.chance(0.4) ? String.valueOf((char) ('A' + dice.between(0, 25))) : "") + dice.between(10, 999);
    return switch (dice.weighted(4, 2, 2, 1)) {
      case 0 -> target + " " + kind + " cells";
      case 1 -> "Anti-" + target + " " + kind + " cells";
      case 2 -> code + " " + kind + " cells";
      default -> target + "-targeted " + kind + " cells";
    };
  }

  /** Fludarabine and cyclophosphamide mostly; bendamustine or cyclophosphamide alone; now and then no doses. */
  private static List<Step> regimen(Dice dice) {
    int start = dice.pick(-5, -5, -4, -6);
    int length = dice.pick(3, 3, 2);
    int last = start + length - 1;
    return switch (dice.weighted(72, 7, 6, 8, 7)) {
      case 0 -> {
        boolean cyOneDay = dice.chance(0.25);
        int cyDay = dice.pick(start, last);
        yield List.of(
            new Step(dice.chance(0.1) ? "fludarabine phosphate" : "fludarabine", dice.pick("25", "30", "30"), start,
                last),
            cyOneDay ? new Step("cyclophosphamide", dice.pick("500", "750", "1000"), cyDay, cyDay)
                : new Step("cyclophosphamide", dice.pick("250", "300", "500"), start, last));
      }
      case 1 -> List.of(new Step("bendamustine", "90", -5, -4));
      case 2 -> List.of(new Step("cyclophosphamide", dice.pick("500", "1000"), -3, -3));
      case 3 -> List.of(new Step("fludarabine", null, 0, 0), new Step("cyclophosphamide", null, 0, 0));
      default -> List.of();
    };
  }

  private static List<Level> levels(Dice dice, boolean perKg, String kind) {
    if (!perKg) {
      return dice.chance(0.5)
          ? List.of(new Level("5", null, 8), new Level("1", null, 9), new Level("2", null, 9))
          : List.of(new Level(dice.pick("1", "2", "5"), null, dice.pick(8, 9)));
    }
    int exponent = kind.equals("CAR-NK") ? 7 : dice.pick(5, 6, 6, 6, 7);
    if (dice.chance(0.35)) {
      // One dose, now and then a range such as "1-5x10e6/kg".
      return List.of(dice.chance(0.3)
          ? new Level("1", "5", exponent) : new Level(dice.pick("1", "2", "0.5"), null, exponent));
    }
    return dice.pick(LADDERS).stream().map(m -> new Level(m, null, exponent)).toList();
  }

  /**
   * The levels in one notation: 0 "1×10^6 cells/kg", 1 "1 x 10^6 cells/kg", 2 the lost superscript
   * "1×106 cells/kg", 3 "1x10e6/kg" (ranges: "1-5x10e6/kg").
   */
  private static String levelsText(List<Level> levels, int notation, String unit) {
    List<String> parts = new ArrayList<>();
    for (Level level : levels) {
      String number = level.high() == null ? level.mantissa() : level.mantissa() + "-" + level.high();
      String unitText = unit.startsWith("/") ? unit : " " + unit;
      parts.add(switch (notation) {
        case 0 -> number + "×10^" + level.exponent() + unitText;
        case 1 -> number + " x 10^" + level.exponent() + unitText;
        case 2 -> number + "×10" + level.exponent() + unitText;
        default -> number + "x10e" + level.exponent() + unitText;
      });
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
  }

  private static String lymphodepletionSentence(Dice dice, List<Step> steps, String through) {
    if (steps.isEmpty()) {
      return null;
    }
    if (steps.get(0).dose() == null) {
      return "Patients will receive lymphodepleting chemotherapy with " + steps.get(0).drug() + " and "
          + steps.get(1).drug() + " before the cell infusion.";
    }
    boolean dForm = dice.chance(0.2);
    String unit = dice.pick("mg/m²/day", "mg/m2/day", "mg/m²", "mg/m^2");
    String route = dice.pick("", " intravenously", " IV");
    List<String> clauses = new ArrayList<>();
    for (Step step : steps) {
      clauses.add(step.drug() + " " + step.dose() + " " + unit + route
          + (dForm ? " (" + dForm(step) + ")" : " " + days(step, through)));
    }
    String list = clauses.size() == 1 ? clauses.get(0) : clauses.get(0) + " and " + clauses.get(1);
    return switch (dice.between(0, 2)) {
      case 0 -> "Patients will receive lymphodepleting chemotherapy with " + list + ".";
      case 1 -> "Lymphodepletion: " + list + ".";
      default -> "Preconditioning chemotherapy consists of " + list + ".";
    };
  }

  /** "on day -2", "on days -5 to -3" ({@code through} is " to " or " through "). */
  private static String days(Step step, String through) {
    return step.first() == step.last() ? "on day " + step.first() : "on days " + step.first() + through + step.last();
  }

  private static String dForm(Step step) {
    return step.first() == step.last() ? "D" + step.first() : "D" + step.first() + "~D" + step.last();
  }

  private static List<Integer> range(Step step) {
    List<Integer> days = new ArrayList<>();
    for (int d = step.first(); d <= step.last(); d++) {
      days.add(d);
    }
    return days;
  }

  private static String dayPhrase(List<Integer> days) {
    if (days.size() == 1) {
      return "on day 0";
    }
    return days.get(1) == 7 ? "on D0 and D7" : "on day 0 and day " + days.get(1);
  }

  /**
   * The infusion sentence. When it opens the arm's description it does not start with the product's name: MedPath
   * glues the description to the intervention cell, and a name written twice reads as part of the group label.
   */
  private static String infusionSentence(Dice dice, String product, List<Integer> days, int levels, String doses,
      boolean opens) {
    String when = dayPhrase(days);
    if (opens && days.size() == 1) {
      return "Patients will receive " + product + " intravenously " + when
          + (levels > 1 ? " at one of " + levels + " dose levels: " : " at a dose of ") + doses + ".";
    }
    if (days.size() > 1) {
      return "Each patient will receive two infusions of " + product + " " + when + ". "
          + (levels > 1 ? "The dose levels are " + doses + "." : "Each infusion delivers " + doses + ".");
    }
    if (levels > 1) {
      return capitalise(product) + " will be infused intravenously " + when + " at one of " + levels
          + " dose levels: " + doses + ".";
    }
    return dice.chance(0.5)
        ? capitalise(product) + " will be infused intravenously " + when + " at a dose of " + doses + "."
        : "A single infusion of " + product + " at " + doses + " will be given " + when + ".";
  }

  private static String capitalise(String text) {
    return text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
  }
}
