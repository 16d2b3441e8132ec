package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trialfhir.mapping.Threshold.Comparator;

class ThresholdExtractorTest {
  private static final ThresholdExtractor EXTRACTOR = ThresholdExtractor.from(ConceptMaps.load(FhirContext.forR4()));

  private static List<Threshold> find(String text) {
    return EXTRACTOR.find(text);
  }

  private static Threshold only(String text) {
    List<Threshold> found = find(text);
    assertEquals(1, found.size(), () -> "thresholds in \"" + text + "\": " + found);
    return found.get(0);
  }

  private static void assertLimit(Threshold t, String analyte, Comparator comparator, String value, String unit) {
    assertEquals(analyte, t.analyte(), () -> "analyte of " + t);
    assertEquals(comparator, t.comparator(), () -> "comparator of " + t);
    // exactly as written: BigDecimal.equals compares the scale too, so "1.0" is not "1"
    assertEquals(new BigDecimal(value), t.value(), () -> "value of " + t);
    assertEquals(unit, t.unit(), () -> "unit of " + t);
  }

  @Test
  void readsLabLimitWithSpacedScientificUnit() {
    // NCT06412458 inclusion 8.4): "Platelets ≥75 x 10^9/L;"
    Threshold t = only("Platelets ≥75 x 10^9/L;");
    assertLimit(t, "platelets", Comparator.AT_LEAST, "75", "x 10^9/L");
    assertEquals("Platelets", t.analyteText());
    assertFalse(t.relativeToUpperNormal());
    assertNull(t.condition());
  }

  @Test
  void readsEveryLimitOfABloodCountWithLostSuperscripts() {
    // NCT06690827 inclusion 7.1: four analytes, each with its own limit; "×109/L" is ×10^9/L
    List<Threshold> found = find("Blood routine: white blood cells >1.0×109/L, neutrophils >0.5×109/L, "
        + "lymphocytes >0.5×109/L, platelets >50×109/L;");
    assertEquals(4, found.size(), found::toString);
    assertLimit(found.get(0), "white blood cells", Comparator.MORE_THAN, "1.0", "×109/L");
    assertEquals("neutrophils", found.get(1).analyteText());
    assertLimit(found.get(2), "lymphocytes", Comparator.MORE_THAN, "0.5", "×109/L");
    assertLimit(found.get(3), "platelets", Comparator.MORE_THAN, "50", "×109/L");
    assertTrue(found.stream().noneMatch(t -> t.value().compareTo(new BigDecimal("109")) == 0),
        "the glued exponent is not a value");
  }

  @Test
  void keepsAnAbbreviationInParenthesesAsTheSameAnalyte() {
    // NCT06412458 inclusion 8.1): "(ANC)" names the same analyte, not a second limit
    Threshold t = only("Absolute neutrophil count (ANC) ≥ 1.5 x 10^9/L;");
    assertLimit(t, "absolute neutrophil count", Comparator.AT_LEAST, "1.5", "x 10^9/L");
    // NCT07052565 inclusion (4): "CrCl" right after its full name
    assertLimit(only("Renal function satisfaction: creatinine clearance CrCl≥30mL/min."), "creatinine clearance",
        Comparator.AT_LEAST, "30", "mL/min");
  }

  @Test
  void readsUnitsGluedOrSpaced() {
    // NCT06412458 inclusion 8.5) and 8.6)
    assertLimit(only("Hemoglobin ≥ 90 g/L;"), "hemoglobin", Comparator.AT_LEAST, "90", "g/L");
    assertLimit(only("Creatinine clearance ≥60 ml/min;"), "creatinine clearance", Comparator.AT_LEAST, "60",
        "ml/min");
    // NCT07052565 inclusion (2): "≥ 60g/L", glued
    assertEquals("g/L", find("Hemoglobin ≥ 60g/L.").get(0).unit());
  }

  @Test
  void marksMultiplesOfTheUpperLimitOfNormal() {
    // NCT07052565 inclusion (3): three limits, one per analyte
    List<Threshold> found = find("ALT≤3×ULN; AST≤3×ULN; TBIL≤3×ULN。");
    assertEquals(List.of("alt", "ast", "tbil"), found.stream().map(Threshold::analyte).toList());
    assertTrue(found.stream().allMatch(Threshold::relativeToUpperNormal));
    assertLimit(found.get(0), "alt", Comparator.AT_MOST, "3", "×ULN");
    // NCT07066982 inclusion "Organ Function": "AST/ALT ≤2.5× ULN" is two limits
    List<Threshold> pair = find("hepatic function (e.g. bilirubin ≤1.5× ULN, AST/ALT ≤2.5× ULN)");
    assertEquals(List.of("bilirubin", "ast", "alt"), pair.stream().map(Threshold::analyte).toList());
    assertEquals("× ULN", pair.get(1).unit());
    assertTrue(pair.stream().allMatch(Threshold::relativeToUpperNormal));
    // NCT06412458 inclusion 8.7): the spelled-out form
    Threshold spelled = find("Serum bilirubin ≤ 1.5 times the upper limit of normal;").get(0);
    assertEquals("times the upper limit of normal", spelled.unit());
    assertTrue(spelled.relativeToUpperNormal());
  }

  @Test
  void keepsAConditionalLimitWithItsCondition() {
    // NCT06412458 inclusion 8.7): the second limit holds only with liver metastases
    List<Threshold> found = find("Serum bilirubin ≤ 1.5 times the upper limit of normal; if liver metastases are "
        + "present, serum bilirubin ≤ 3.0 times the upper limit of normal;");
    assertEquals(2, found.size(), found::toString);
    assertLimit(found.get(0), "serum bilirubin", Comparator.AT_MOST, "1.5", "times the upper limit of normal");
    assertNull(found.get(0).condition(), "the first limit is unconditional");
    assertLimit(found.get(1), "serum bilirubin", Comparator.AT_MOST, "3.0", "times the upper limit of normal");
    assertEquals("if liver metastases are present", found.get(1).condition());
  }

  @Test
  void readsALimitWrittenBeforeItsAnalytesAndAConditionalList() {
    // NCT06412458 inclusion 8.9): "≤ 2.5 times ... for ... (AST) and ... (ALT); if ..., ALT and/or AST ≤ 5.0 ..."
    List<Threshold> found = find("≤ 2.5 times the upper limit of normal for albumin transaminase (AST) and albumin "
        + "transaminase (ALT); if liver metastases are present, ALT and/or AST ≤ 5.0 times the upper limit of "
        + "normal;");
    assertEquals(4, found.size(), found::toString);
    assertEquals(List.of("ast", "alt", "alt", "ast"), found.stream().map(Threshold::analyte).toList());
    assertEquals(new BigDecimal("2.5"), found.get(1).value());
    assertNull(found.get(1).condition());
    assertEquals(new BigDecimal("5.0"), found.get(2).value());
    assertEquals("if liver metastases are present", found.get(3).condition());
  }

  @Test
  void carriesAParenthesisedConditionalLimitToTheAnalyteBeforeIt() {
    // NCT06690827 inclusion 7.5: "(for patients with Gilbert's syndrome ≤3.0×ULN)" is total bilirubin's
    List<Threshold> found = find("Total bilirubin ≤2.0×ULN (for patients with Gilbert's syndrome ≤3.0×ULN);");
    assertEquals(2, found.size(), found::toString);
    assertLimit(found.get(0), "total bilirubin", Comparator.AT_MOST, "2.0", "×ULN");
    assertLimit(found.get(1), "total bilirubin", Comparator.AT_MOST, "3.0", "×ULN");
    assertEquals("for patients with Gilbert's syndrome", found.get(1).condition());
  }

  @Test
  void doesNotInventAComparatorTheTextLost() {
    // NCT06690827 inclusion 7.4: "* 5.0×ULN" lost its comparator; only the two 3.0×ULN limits are read
    List<Threshold> found =
        find("Liver function: ALT and AST ≤3.0×ULN (for patients with liver invasion * 5.0×ULN);");
    assertEquals(List.of("alt", "ast"), found.stream().map(Threshold::analyte).toList());
    assertTrue(found.stream().noneMatch(t -> t.value().compareTo(new BigDecimal("5.0")) == 0), found::toString);
    assertTrue(found.stream().allMatch(t -> t.condition() == null));
  }

  @Test
  void readsPerformanceStatusAsRangesAndScores() {
    // NCT06690827 inclusion 5: "ECOG score of 0-2 (Appendix 2)"; the appendix number is no limit
    Threshold ecog = only("ECOG score of 0-2 (Appendix 2);");
    assertTrue(ecog.isRange());
    assertEquals(new BigDecimal("0"), ecog.value());
    assertEquals(new BigDecimal("2"), ecog.high());
    assertNull(ecog.unit());
    // NCT03754764 inclusion 4: "(ECOG) performance status ≤ 1"
    Threshold atMost = only("Eastern Cooperative Oncology Group (ECOG) performance status ≤ 1");
    assertEquals(Comparator.AT_MOST, atMost.comparator());
    assertEquals(new BigDecimal("1"), atMost.value());
    // NCT06412458 inclusion 6.: "Karnofsky functional status score ≥60"
    Threshold karnofsky = only("Karnofsky functional status score ≥60;");
    assertEquals(Comparator.AT_LEAST, karnofsky.comparator());
    assertEquals(new BigDecimal("60"), karnofsky.value());
    assertNull(karnofsky.unit());
  }

  @Test
  void readsAListOfConsecutiveScoresAsARange() {
    // a common ECOG phrasing: "0, 1 or 2" is the range 0..2; "0, 2 or 3" is no range
    Threshold list = only("ECOG performance status of 0, 1 or 2");
    assertTrue(list.isRange());
    assertEquals(new BigDecimal("2"), list.high());
    assertTrue(find("ECOG 0, 2 or 3").isEmpty());
  }

  @Test
  void keepsAConditionNamedBeforeAParenthesisedLimit() {
    // "except patients with Gilbert's syndrome (≤ 3 × ULN)": the alternative limit and whom it is for
    List<Threshold> found =
        find("Total bilirubin ≤ 1.5 × ULN, except patients with Gilbert's syndrome (≤ 3 × ULN)");
    assertEquals(2, found.size(), found::toString);
    assertEquals("except patients with Gilbert's syndrome", found.get(1).condition());
  }

  @Test
  void readsUnitsTheUnitMapDoesNotSpellAsUnknownNotAsAbsent() {
    // "/μL" and a superscript power are units as written; the mapper decides whether UCUM knows them
    Threshold perMicrolitre = only("platelets ≥ 100,000/μL");
    assertEquals(new BigDecimal("100000"), perMicrolitre.value());
    assertEquals("/μL", perMicrolitre.unit());
    assertEquals("× 10⁹/L", only("Absolute neutrophil count (ANC) ≥ 1.0 × 10⁹/L").unit());
    // thousands grouped by a space: 75 000, not 75
    assertEquals(new BigDecimal("75000"), only("Platelets > 75 000/mm3").value());
  }

  @Test
  void keepsATrailingConditionOfAnAlternativeScore() {
    // NCT07066982 inclusion "Age and Performance Status": ECOG 0-1, or Karnofsky ≥70% for pediatric patients
    List<Threshold> found = find("ECOG performance status 0-1 (or Karnofsky ≥70% for pediatric patients), "
        + "indicating subjects are ambulatory");
    assertEquals(2, found.size(), found::toString);
    assertTrue(found.get(0).isRange());
    assertEquals(new BigDecimal("1"), found.get(0).high());
    assertEquals("%", found.get(1).unit());
    assertEquals("for pediatric patients", found.get(1).condition());
  }

  @Test
  void readsOrganFunctionPercentages() {
    // NCT06412458 inclusion 9.: "Left ventricular ejection fraction was >50%"
    assertLimit(only("Left ventricular ejection fraction was >50%;"), "left ventricular ejection fraction",
        Comparator.MORE_THAN, "50", "%");
    // a markdown escape left in the text ("\>50%") does not hide the limit
    assertLimit(only("LVEF \\>50%"), "lvef", Comparator.MORE_THAN, "50", "%");
    // NCT06690827 inclusion 7.6: "Blood oxygen saturation >92%."
    assertLimit(only("Blood oxygen saturation >92%."), "blood oxygen saturation", Comparator.MORE_THAN, "92",
        "%");
    // NCT06412458 exclusion 15.: an exclusion's limit in words
    Threshold ef = find("history of chronic congestive heart failure with NYHA class ≥3 (refer to Appendix 3) "
        + "cardiac "
        + "ejection fraction less than 50% in the 6 months prior to screening").get(0);
    assertLimit(ef, "cardiac ejection fraction", Comparator.LESS_THAN, "50", "%");
  }

  @Test
  void readsLifeExpectancyInWeeksAndMonths() {
    // NCT06412458 inclusion 7.: "Expected survival ≥ 12 weeks"
    Threshold weeks = only("Expected survival ≥ 12 weeks;");
    assertEquals(Comparator.AT_LEAST, weeks.comparator());
    assertEquals("weeks", weeks.unit());
    // NCT06690827 inclusion 4.: "more than 12 weeks"
    assertEquals(Comparator.MORE_THAN, only("Expected survival time of more than 12 weeks;").comparator());
    // NCT07066982 inclusion 1: "≥3 months"
    assertEquals("months", only("Expected survival time ≥3 months;").unit());
    // NCT03754764 inclusion 4.
    assertEquals(new BigDecimal("12"), only("Estimated life expectancy ≥ 12 weeks (according to investigator's "
        + "judgement)").value());
  }

  @Test
  void readsAgesStatedInText() {
    // NCT06690827 inclusion 1.
    Threshold between = only("Patients of any gender, aged between 18 and 75 years (inclusive);");
    assertEquals(ThresholdExtractor.AGE, between.analyte());
    assertTrue(between.isRange());
    assertEquals(new BigDecimal("18"), between.value());
    assertEquals(new BigDecimal("75"), between.high());
    assertEquals("years", between.unit());
    // NCT03754764 inclusion 2. (MedPath): no "age" word, the CT.gov phrasing of an age range
    Threshold medpath = only("12 Years to 70 Years (Child, Adult, Senior)");
    assertEquals(ThresholdExtractor.AGE, medpath.analyte());
    assertEquals(new BigDecimal("70"), medpath.high());
    // NCT07052565 inclusion (1)
    Threshold atLeast = only("At the time of signing the informed consent form, be at least 18 years of age, both "
        + "male and female.");
    assertEquals(ThresholdExtractor.AGE, atLeast.analyte());
    assertEquals(Comparator.AT_LEAST, atLeast.comparator());
    // NCT06412458 inclusion 1.
    assertEquals(Comparator.AT_LEAST, only("Age ≥ 16 years, both male and female;").comparator());
  }

  @Test
  void readsOnlyTheExactAgeOfAMixedCriterion() {
    // NCT07066982 "Age and Performance Status": "age 12 years and older" is a limit, "~75 years" is not
    List<Threshold> ages = find("Participants age 12 years and older (both adolescent and adult patients are "
        + "eligible; for minors, legal guardian consent is required). Upper age limit of ~75 years, or as determined "
        + "by medical fitness.").stream().filter(t -> ThresholdExtractor.AGE.equals(t.analyte())).toList();
    assertEquals(1, ages.size(), ages::toString);
    assertEquals(Comparator.AT_LEAST, ages.get(0).comparator());
    assertEquals(new BigDecimal("12"), ages.get(0).value());
    // "age-appropriate normal" names no age
    assertTrue(find("creatinine clearance ≥50 mL/min or age-appropriate normal").stream()
        .noneMatch(t -> ThresholdExtractor.AGE.equals(t.analyte())));
  }

  @Test
  void findsNothingWhereNothingIsComputable() {
    // NCT03754764 inclusion 6.: a judgement, not a limit
    assertTrue(find("Adequate organ function").isEmpty());
    // NCT06412458 inclusion 8.3): a proportion of another count is not the lymphocyte count
    assertTrue(find("Lymphocytes make up ≥10% of white blood cells;").isEmpty());
    // NCT06412458 exclusion 13.: a monitoring interval after an analyte is no limit on it
    assertTrue(find("monitoring of HBV DNA, HBsAg, and ALT levels every 1-3 months").isEmpty());
    // grades and classes without an analyte the map knows
    assertTrue(find("Toxicity due to prior therapy not stabilized or recovered to ≤ grade 1").isEmpty());
    assertTrue(find("heart failure with NYHA class ≥3").isEmpty());
  }

  @Test
  void reportsLimitsWithoutAKnownAnalyte() {
    // "Absolute eosinophil count" is no phrase of the analyte map: its limit is reported, not attributed
    ThresholdExtractor.Reading reading = EXTRACTOR.read("Absolute eosinophil count ≥ 0.6 x 10^9/L;");
    assertTrue(reading.thresholds().isEmpty(), reading::toString);
    assertEquals(1, reading.unattributed().size());
    assertEquals("≥ 0.6 x 10^9/L", reading.unattributed().get(0).text());
    assertNull(reading.unattributed().get(0).analyte());
  }
}
