package org.trialfhir.corpus;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.trialfhir.corpus.Criteria.Item;
import org.trialfhir.corpus.SyntheticTrial.Limit;

/**
 * Draws a trial's inclusion and exclusion criteria in the registries' phrasing — age and sex, diagnosis, prior
 * therapy, performance status, life expectancy, organ function limits, and the usual exclusions — and records
 * every computable limit it writes. Analyte names, comparators and units are written in the spellings the
 * samples use (and the analyte and unit ConceptMaps know), several per limit.
 */
final class EligibilityComposer {

  /** An analyte as written and the analyte-loinc source code it reads as. */
  private record Name(String written, String code) {}

  /** A value with the unit spellings it may be written in ("" for none). */
  private record Scale(List<String> values, List<String> units) {}

  /** A comparator as written ("at least") and what it means (">="). */
  private record Comparison(String written, String meaning) {}

  /** A lab requirement: names to choose from, whether it is a lower or an upper limit, and its scales. */
  private record Lab(List<Name> names, boolean lower, List<Scale> scales, String suffix) {}

  private static final List<Comparison> LOWER = List.of(new Comparison("≥", ">="), new Comparison(">=", ">="),
      new Comparison("at least", ">="), new Comparison(">", ">"));
  private static final List<Comparison> UPPER = List.of(new Comparison("≤", "<="), new Comparison("<=", "<="),
      new Comparison("no more than", "<="), new Comparison("<", "<"));

  private static final List<String> PER_LITRE = List.of("×10^9/L", "× 10^9/L", "x 10^9/L", "x10^9/L", "×109/L");
  private static final List<String> ULN =
      List.of("× ULN", "×ULN", "x ULN", "times ULN", "times the upper limit of normal");
  private static final List<String> PERCENT = List.of("%");

  private static final List<Lab> LABS = List.of(
      new Lab(names("Absolute neutrophil count (ANC)", "absolute neutrophil count", "ANC", "anc",
          "Absolute neutrophil count", "absolute neutrophil count", "Neutrophil count", "neutrophil count"),
          true, List.of(new Scale(List.of("0.5", "0.75", "1.0", "1.5", "1"), PER_LITRE)), ""),
      new Lab(names("Platelets", "platelets", "Platelet count", "platelet count", "PLT", "plt"),
          true, List.of(new Scale(List.of("30", "50", "75", "100", "50"), PER_LITRE)),
          " (without transfusion within 7 days)"),
      new Lab(names("Hemoglobin", "hemoglobin", "Hb", "hb", "Haemoglobin", "haemoglobin"),
          true, List.of(new Scale(List.of("70", "80", "90"), List.of("g/L")),
              new Scale(List.of("7.0", "8.0", "9", "8"), List.of("g/dL"))), ""),
      new Lab(names("Absolute lymphocyte count (ALC)", "absolute lymphocyte count"),
          true, List.of(new Scale(List.of("0.1", "0.2", "0.3"), PER_LITRE)), ""),
      new Lab(names("Creatinine clearance", "creatinine clearance", "CrCl", "crcl"),
          true, List.of(new Scale(List.of("30", "40", "50", "60"), List.of("mL/min", "ml/min", "mL/min/1.73 m2"))),
          " (Cockcroft-Gault)"),
      new Lab(names("Total bilirubin", "total bilirubin", "Serum bilirubin", "serum bilirubin", "TBIL", "tbil"),
          false, List.of(new Scale(List.of("1.5", "2.0", "3.0", "2"), ULN),
              new Scale(List.of("1.5", "2.0"), List.of("mg/dL"))), ""),
      new Lab(names("Left ventricular ejection fraction (LVEF)", "left ventricular ejection fraction", "LVEF", "lvef",
          "Cardiac ejection fraction", "cardiac ejection fraction"),
          true, List.of(new Scale(List.of("40", "45", "50"), PERCENT)), " by echocardiography"),
      new Lab(names("Oxygen saturation", "oxygen saturation", "Blood oxygen saturation", "blood oxygen saturation",
          "SpO2", "spo2"),
          true, List.of(new Scale(List.of("90", "92", "94"), PERCENT)), " on room air"),
      new Lab(names("INR", "inr"), false, List.of(new Scale(List.of("1.5"), ULN)), ""));

  /** ALT and AST share one limit ("ALT and AST ≤ 3 × ULN"): two limits, one phrase. */
  private static final List<String> TRANSAMINASE_VALUES = List.of("2.5", "3", "3.0", "5.0");

  /** "ECOG performance status 0-1" and its other spellings, with what each states. */
  private static final List<Limit> PERFORMANCE = List.of(
      new Limit("ecog performance status", null, new BigDecimal("0"), new BigDecimal("1"), null),
      new Limit("ecog performance status", null, new BigDecimal("0"), new BigDecimal("2"), null),
      new Limit("ecog performance status", "<=", new BigDecimal("1"), null, null),
      new Limit("ecog", "<=", new BigDecimal("2"), null, null),
      new Limit("ecog score", null, new BigDecimal("0"), new BigDecimal("2"), null),
      new Limit("karnofsky performance status", ">=", new BigDecimal("60"), null, "%"),
      new Limit("kps", ">=", new BigDecimal("70"), null, null));
  private static final List<String> PERFORMANCE_TEXT = List.of(
      "ECOG performance status 0-1", "ECOG performance status 0 to 2", "ECOG performance status ≤ 1",
      "Eastern Cooperative Oncology Group (ECOG) performance status ≤ 2", "ECOG score of 0-2",
      "Karnofsky performance status ≥ 60%", "KPS ≥ 70");

  private static final List<Limit> SURVIVAL = List.of(
      new Limit("expected survival", ">=", new BigDecimal("12"), null, "weeks"),
      new Limit("life expectancy", ">=", new BigDecimal("3"), null, "months"),
      new Limit("expected survival time", ">", new BigDecimal("12"), null, "weeks"));
  private static final List<String> SURVIVAL_TEXT = List.of(
      "Expected survival ≥ 12 weeks", "Life expectancy of at least 3 months",
      "Expected survival time more than 12 weeks");

  private static final List<String> EXCLUSIONS = List.of(
      "Active central nervous system involvement by malignancy",
      "Active hepatitis B or hepatitis C infection, or HIV infection",
      "Uncontrolled active infection requiring systemic treatment within 1 week before enrollment",
      "Allogeneic hematopoietic stem cell transplantation within 6 months, or active graft-versus-host disease",
      "Prior treatment with any CAR-T cell therapy or other genetically modified T-cell therapy",
      "Pregnant or breastfeeding women",
      "Other malignancies within the past 5 years, except adequately treated carcinoma in situ of the cervix or basal"
          + " cell carcinoma of the skin",
      "Receipt of live attenuated vaccines within 4 weeks before screening",
      "Systemic corticosteroids above 10 mg/day of prednisone or equivalent within 7 days before leukapheresis",
      "History of epilepsy, stroke or other clinically significant central nervous system disorders",
      "Congestive heart failure of New York Heart Association (NYHA) class III or IV",
      "Uncontrolled hypertension (systolic blood pressure > 160 mmHg or diastolic blood pressure > 100 mmHg)",
      "Known allergy to any component of the study treatment, including cyclophosphamide, fludarabine or DMSO",
      "Participation in another interventional clinical trial within 4 weeks before enrollment",
      "Deep vein thrombosis or pulmonary embolism within 6 months before enrollment",
      "Active tuberculosis",
      "Major surgery within 4 weeks before leukapheresis",
      "Severe chronic obstructive pulmonary disease or interstitial lung disease",
      "Anticoagulation therapy that cannot be interrupted",
      "Psychiatric illness or social situation that would prevent compliance with the protocol",
      "Any condition that, in the judgement of the investigator, makes the patient unsuitable for the study");

  private static final List<String> WASHOUT = List.of(
      "Chemotherapy or radiotherapy within 2 weeks before leukapheresis",
      "Immune checkpoint inhibitors within 4 weeks before leukapheresis",
      "Investigational drugs within 4 weeks or 5 half-lives, whichever is shorter",
      "Rituximab or other anti-CD20 antibodies within 4 weeks before leukapheresis");

  private EligibilityComposer() {}

  /**
   * Draws the criteria of a trial for {@code condition}, targeting {@code target}, for the given structured ages
   * (null when the trial states none) and sex.
   */
  static Criteria compose(Dice dice, Pools.Condition condition, String target, int minAge, Integer maxAge,
      String sex, boolean nested) {
    List<Limit> limits = new ArrayList<>();
    String end = dice.pick(";", ".", "");
    List<Item> inclusion = new ArrayList<>();
    inclusion.add(new Item(ageAndSex(dice, minAge, maxAge, sex) + end));
    inclusion.add(new Item(diagnosis(dice, condition) + end));
    if (!condition.autoimmune()) {
      inclusion.add(new Item(target + " expression on tumor cells confirmed by "
          + dice.pick("flow cytometry", "immunohistochemistry", "flow cytometry or immunohistochemistry") + end));
    }
    int performance = dice.between(0, PERFORMANCE.size() - 1);
    inclusion.add(new Item(PERFORMANCE_TEXT.get(performance) + end));
    limits.add(PERFORMANCE.get(performance));
    if (dice.chance(0.7)) {
      int survival = dice.between(0, SURVIVAL.size() - 1);
      inclusion.add(new Item(SURVIVAL_TEXT.get(survival) + end));
      limits.add(SURVIVAL.get(survival));
    }
    inclusion.add(organFunction(dice, end, nested, limits));
    if (dice.chance(0.5)) {
      inclusion.add(new Item("Adequate venous access for apheresis, and no other contraindications for cell collection"
          + end));
    }
    if (!sex.equals("MALE")) {
      inclusion.add(new Item("Women of childbearing potential must have a negative serum pregnancy test and agree to"
          + " use effective contraception during the study" + end));
    }
    inclusion.add(new Item(dice.pick("Voluntarily sign the informed consent form",
        "The patient or legal guardian agrees to participate and signs the informed consent form") + end));
    return new Criteria(inclusion, exclusions(dice, condition, end, nested, limits), limits);
  }

  private static String ageAndSex(Dice dice, int minAge, Integer maxAge, String sex) {
    String who = switch (sex) {
      case "FEMALE" -> "Female patients";
      case "MALE" -> "Male patients";
      default -> dice.pick("Male or female patients", "Patients of any gender", "Both male and female patients");
    };
    if (maxAge != null) {
      return dice.pick(
          who + " aged " + minAge + " to " + maxAge + " years",
          "Age between " + minAge + " and " + maxAge + " years (inclusive); " + who.toLowerCase(java.util.Locale.ROOT)
              + " are eligible",
          who + " aged " + minAge + " to " + maxAge + " years at the time of signing the informed consent form");
    }
    return dice.pick(
        who + " aged " + minAge + " years and older",
        "Age ≥ " + minAge + " years; " + who.toLowerCase(java.util.Locale.ROOT) + " are eligible",
        who + " at least " + minAge + " years of age at the time of signing the informed consent form");
  }

  private static String diagnosis(Dice dice, Pools.Condition condition) {
    String name = condition.name();
    if (condition.autoimmune()) {
      return "Diagnosis of " + name + " according to the " + dice.pick("2019 EULAR/ACR", "2010 ACR/EULAR", "2017")
          + " classification criteria, with inadequate response to at least " + dice.pick("2", "two", "3")
          + " standard immunosuppressive therapies";
    }
    if (condition.solid()) {
      return "Histologically or cytologically confirmed " + name + ", relapsed or refractory to standard therapy, with"
          + " at least one measurable lesion according to RECIST 1.1";
    }
    return "Confirmed diagnosis of relapsed or refractory " + name + " according to the WHO classification, after at"
        + " least " + dice.pick("2", "two", "3") + " prior lines of therapy";
  }

  /** The organ function criterion: one item with a sub-item per lab, or all labs run together in one item. */
  private static Item organFunction(Dice dice, String end, boolean nested, List<Limit> limits) {
    List<String> parts = new ArrayList<>();
    for (int k = 0; k < LABS.size(); k++) {
      Lab lab = LABS.get(k);
      // Neutrophils, platelets and bilirubin are nearly always stated; the rest now and then.
      if (k == 0 || k == 1 || k == 5 || dice.chance(0.55)) {
        parts.add(lab(dice, lab, limits));
      }
      if (k == 5) {
        parts.add(transaminases(dice, limits));
      }
    }
    if (nested) {
      String lead = dice.pick("Adequate organ function, defined as:", "Laboratory tests should meet the following:",
          "Basic normal function of important organs:");
      return new Item(lead, parts.stream().map(part -> part + end).toList());
    }
    String lead = dice.pick("Adequate organ function: ", "Adequate bone marrow, liver and renal function (");
    String joined = String.join("; ", parts.stream().map(EligibilityComposer::lowerFirst).toList());
    return new Item(lead + joined + (lead.endsWith("(") ? ")" : "") + end);
  }

  private static String lab(Dice dice, Lab lab, List<Limit> limits) {
    Name name = dice.pick(lab.names());
    Scale scale = dice.pick(lab.scales());
    String value = dice.pick(scale.values());
    String unit = dice.pick(scale.units());
    Comparison comparison = comparison(dice, lab.lower());
    limits.add(new Limit(name.code(), comparison.meaning(), new BigDecimal(value), null, unit));
    String gap = comparison.written().length() == 1 && dice.chance(0.4) ? "" : " ";
    String unitGap = unit.equals("%") || (unit.startsWith("×") && dice.chance(0.5)) ? "" : " ";
    return name.written() + " " + comparison.written() + gap + value + unitGap + unit
        + (dice.chance(0.3) ? lab.suffix() : "");
  }

  private static String transaminases(Dice dice, List<Limit> limits) {
    boolean altFirst = dice.chance(0.7);
    String value = dice.pick(TRANSAMINASE_VALUES);
    String unit = dice.pick(ULN);
    Comparison comparison = comparison(dice, false);
    for (String code : altFirst ? List.of("alt", "ast") : List.of("ast", "alt")) {
      limits.add(new Limit(code, comparison.meaning(), new BigDecimal(value), null, unit));
    }
    return (altFirst ? "ALT and AST " : "AST and ALT ") + comparison.written() + " " + value + " " + unit;
  }

  /** A comparator: mostly inclusive, now and then strict, in symbols or words. */
  private static Comparison comparison(Dice dice, boolean lower) {
    return (lower ? LOWER : UPPER).get(dice.weighted(6, 2, 1, 1));
  }

  private static List<Item> exclusions(Dice dice, Pools.Condition condition, String end, boolean nested,
      List<Limit> limits) {
    List<Item> items = new ArrayList<>();
    for (String text : EXCLUSIONS) {
      boolean fits = !(condition.autoimmune() && text.startsWith("Active central nervous system"));
      if (fits && dice.chance(0.5)) {
        items.add(new Item(text + end));
      }
    }
    if (dice.chance(0.5)) {
      boolean interval = dice.chance(0.5);
      String comparator = dice.pick(">", "more than");
      String value = dice.pick("450", "470", "480");
      limits.add(new Limit(interval ? "qtc interval" : "qtc", ">", new BigDecimal(value), null, "ms"));
      items.add(Math.min(items.size(), 3), new Item("Cardiac abnormalities, including "
          + (interval ? "QTc interval " : "QTc ") + comparator + " " + value
          + " ms, unstable angina or myocardial infarction within 6 months" + end));
    }
    if (nested && dice.chance(0.4)) {
      List<String> children = WASHOUT.stream().filter(w -> dice.chance(0.7)).map(w -> w + end).toList();
      if (!children.isEmpty()) {
        items.add(Math.min(items.size(), 2), new Item("Any of the following treatments before enrollment:", children));
      }
    }
    if (items.isEmpty()) {
      items.add(new Item(EXCLUSIONS.get(EXCLUSIONS.size() - 1) + end));
    }
    return items;
  }

  /** "Platelets" becomes "platelets" inside a sentence; abbreviations ("ANC", "CrCl", "Hb") stay as they are. */
  private static String lowerFirst(String text) {
    int space = text.indexOf(' ');
    String word = space < 0 ? text : text.substring(0, space);
    boolean plain = word.length() > 3 && word.substring(1).chars().allMatch(Character::isLowerCase);
    return plain ? Character.toLowerCase(text.charAt(0)) + text.substring(1) : text;
  }

  private static List<Name> names(String... writtenAndCode) {
    List<Name> names = new ArrayList<>();
    for (int i = 0; i < writtenAndCode.length; i += 2) {
      names.add(new Name(writtenAndCode[i], writtenAndCode[i + 1]));
    }
    return names;
  }
}
