package org.trialfhir.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trialfhir.matching.CriterionStatus.MET;
import static org.trialfhir.matching.CriterionStatus.NOT_MET;
import static org.trialfhir.matching.CriterionStatus.UNKNOWN;
import static org.trialfhir.matching.SyntheticPatient.ICD10CM;
import static org.trialfhir.matching.SyntheticPatient.SNOMED;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.testing.Cases;
import org.trialfhir.testing.Conversions;

/**
 * Synthetic patients against the seed trials, evaluated on 2025-06-01: each patient is built to match a trial or to
 * fail it on one requirement (age, sex, diagnosis, a laboratory limit after unit conversion, ECOG, a prior therapy,
 * an infection, pregnancy), and each test asserts the grade and the status of every criterion that decides it, and
 * that the others stay unknown rather than met.
 */
class EligibilityEvaluatorTest {
  static final LocalDate ON = LocalDate.of(2025, 6, 1);
  private static final String AML = "NCT06690827";
  private static final String BALL = "NCT03754764";
  private static final String OSTEOSARCOMA = "NCT06412458";
  private static final String SARCOMA = "NCT07066982";
  private static final String AUTOIMMUNE = "NCT07052565";

  private static MatchVocabulary vocabulary;
  private static EligibilityEvaluator evaluator;
  private static Map<String, StudyCandidate> seeds;

  @BeforeAll
  static void load() {
    vocabulary = MatchVocabulary.standard();
    evaluator = new EligibilityEvaluator(vocabulary);
    seeds = SeedTrials.candidates();
  }

  /** A 45-year-old woman with AML whose recent results meet every limit of NCT06690827. */
  static SyntheticPatient amlPatient(String id) {
    return SyntheticPatient.female(id, "1980-03-02")
        .condition(SNOMED, "91861009", "Acute myeloid leukemia")
        .ecog(1, "2025-05-20")
        .lab("6690-2", "Leukocytes", "4.1", "10*3/uL", "2025-05-20")
        .lab("751-8", "Neutrophils", "2.0", "10*3/uL", "2025-05-20")
        .lab("731-0", "Lymphocytes", "1.1", "10*3/uL", "2025-05-20")
        .lab("10230-1", "Left ventricular ejection fraction", "60", "%", "2025-05-10")
        .lab("2160-0", "Creatinine", "0.9", "mg/dL", "2025-05-20", "1.1")
        .lab("1742-6", "ALT", "40", "U/L", "2025-05-20", "35")
        .lab("1920-8", "AST", "30", "U/L", "2025-05-20", "35")
        .lab("1975-2", "Total bilirubin", "0.8", "mg/dL", "2025-05-20", "1.2")
        .lab("59408-5", "Oxygen saturation by pulse oximetry", "97", "%", "2025-05-20");
  }

  @Test
  void amlPatientWithRecentLabsIsAProbableMatchForTheAmlTrial() {
    StudyEvaluation e = evaluate(AML, amlPatient("p-aml").lab("777-3", "Platelets", "120000", "/uL", "2025-05-20"));
    assertEquals(MatchGrade.PROBABLE, e.grade());
    assertStatuses(e, Map.of("condition", MET, "age", MET, "inc-5", MET, "inc-7.1", MET, "inc-7.3", MET,
        "inc-7.5", MET, "inc-7.6", MET));
    // met limits, but text the limits do not cover ("no significant abnormalities on electrocardiogram")
    assertStatuses(e, Map.of("inc-7.2", UNKNOWN, "inc-7.4", UNKNOWN, "inc-7", UNKNOWN));
    // no data: unknown, never met
    assertStatuses(e, Map.of("inc-1", UNKNOWN, "inc-4", UNKNOWN, "exc-1", UNKNOWN, "exc-9", UNKNOWN));
    assertEvidence(e, "inc-7.1", "Platelets 120000 /uL on 2025-05-20 = 120 10*9/L");
    assertEvidence(e, "inc-7.3", "= 0.8182 × ULN (upper limit 1.1)");
    assertFalse(result(e, "inc-7").counted(), "a heading repeats its sub-criteria and is not counted again");
    assertTrue(e.score().doubleValue() >= 0.5 && e.score().doubleValue() < 1, e.score().toString());
  }

  @Test
  void platelets40000PerMicrolitreFailTheLimitOf50GigaPerLitre() {
    StudyEvaluation e = evaluate(AML, amlPatient("p-low-plt").lab("777-3", "Platelets", "40000", "/uL", "2025-05-20"));
    assertEquals(MatchGrade.CERTAINLY_NOT, e.grade());
    assertStatuses(e, Map.of("inc-7.1", NOT_MET, "inc-7", NOT_MET, "condition", MET, "age", MET));
    assertEvidence(e, "inc-7.1", "Platelets 40000 /uL on 2025-05-20 = 40 10*9/L; limit > 50 ×109/L (fails the limit)");
    assertTrue(e.score().doubleValue() < 0.1);
  }

  @Test
  void eightyYearOldFailsOnAge() {
    StudyEvaluation e = evaluate(AML, SyntheticPatient.female("p-old", "1945-01-15")
        .condition(SNOMED, "91861009", "Acute myeloid leukemia").ecog(1, "2025-05-20"));
    assertEquals(MatchGrade.CERTAINLY_NOT, e.grade());
    assertStatuses(e, Map.of("age", NOT_MET, "condition", MET, "inc-5", MET));
    assertTrue(result(e, "age").explanation().contains("age 80 years on 2025-06-01 is outside 18 years to 75 years"),
        result(e, "age").explanation());
  }

  @Test
  void teenagerFailsTheAdultAutoimmuneTrialOnAge() {
    StudyEvaluation e = evaluate(AUTOIMMUNE, SyntheticPatient.female("p-teen", "2009-02-01")
        .condition(SNOMED, "85828009", "Autoimmune disease"));
    assertStatuses(e, Map.of("age", NOT_MET, "condition", MET));
    assertEquals(MatchGrade.CERTAINLY_NOT, e.grade());
  }

  @Test
  void ecog3FailsEcog0To2() {
    StudyEvaluation e = evaluate(AML, SyntheticPatient.female("p-ecog3", "1980-03-02")
        .condition(SNOMED, "91861009", "Acute myeloid leukemia").ecog(3, "2025-05-25"));
    assertStatuses(e, Map.of("inc-5", NOT_MET, "condition", MET));
    assertEquals(MatchGrade.CERTAINLY_NOT, e.grade());
  }

  @Test
  void karnofskyAloneIsConvertedToEcogAndTheEvidenceSaysSo() {
    StudyEvaluation e = evaluate(AML, SyntheticPatient.female("p-kps", "1980-03-02")
        .condition(SNOMED, "91861009", "Acute myeloid leukemia").karnofsky(80, "2025-05-25"));
    assertStatuses(e, Map.of("inc-5", MET));
    assertEvidence(e, "inc-5", "Karnofsky Performance Status score 80 on 2025-05-25 = ECOG 1 (converted;");
    // and the other way: ECOG 0 is Karnofsky 90-100, which meets Karnofsky >= 60
    StudyEvaluation o = evaluate(OSTEOSARCOMA, osteosarcomaPatient("p-os-kps"));
    assertStatuses(o, Map.of("inc-4.6", MET));
    assertEvidence(o, "inc-4.6", "= Karnofsky 90–100 (converted;");
  }

  @Test
  void pregnantPatientIsExcluded() {
    StudyEvaluation e = evaluate(AML, amlPatient("p-preg").pregnancyStatus(true, "2025-05-28"));
    assertStatuses(e, Map.of("exc-9", NOT_MET, "condition", MET));
    assertTrue(result(e, "exc-9").topics().contains("pregnancy"));
    assertEquals(MatchGrade.CERTAINLY_NOT, e.grade());
  }

  @Test
  void icd10CodedDiagnosisMatchesThroughTheConceptMap() {
    StudyEvaluation e = evaluate(AML, SyntheticPatient.male("p-icd", "1970-07-07")
        .condition(ICD10CM, "C92.00", "Acute myeloblastic leukemia, not having achieved remission"));
    assertStatuses(e, Map.of("condition", MET));
    assertTrue(result(e, "condition").explanation().contains("SNOMED CT 91861009"), result(e, "condition").explanation());
  }

  @Test
  void textDiagnosisMatchesTheAbbreviationInParentheses() {
    StudyEvaluation e = evaluate(AML, SyntheticPatient.male("p-text", "1970-07-07")
        .conditionText("Acute Myeloid Leukaemia, relapsed"));
    assertStatuses(e, Map.of("condition", MET));
  }

  @Test
  void myelomaPatientFailsOnDiagnosis() {
    StudyEvaluation e = evaluate(AML, SyntheticPatient.male("p-mm", "1970-07-07")
        .condition(SNOMED, "109989006", "Multiple myeloma").ecog(0, "2025-05-30"));
    assertStatuses(e, Map.of("condition", NOT_MET, "age", MET, "inc-5", MET));
    assertEquals(MatchGrade.CERTAINLY_NOT, e.grade());
  }

  @Test
  void womanFailsAMaleOnlyStudyAndAManMeetsIt() {
    StudyCandidate maleOnly = maleOnlyVariantOfTheAmlTrial();
    StudyEvaluation woman = evaluator.evaluate(maleOnly.study(), maleOnly.eligibility(),
        PatientData.from(amlPatient("p-f").bundle(), vocabulary), ON);
    assertStatuses(woman, Map.of("sex", NOT_MET, "condition", MET, "age", MET));
    assertEquals(MatchGrade.CERTAINLY_NOT, woman.grade());
    StudyEvaluation man = evaluator.evaluate(maleOnly.study(), maleOnly.eligibility(), PatientData.from(
        SyntheticPatient.male("p-m", "1980-03-02").condition(SNOMED, "91861009", "Acute myeloid leukemia").bundle(),
        vocabulary), ON);
    assertStatuses(man, Map.of("sex", MET, "condition", MET, "age", MET));
  }

  @Test
  void priorCarTExcludesFromTheSarcomaTrial() {
    StudyEvaluation e = evaluate(SARCOMA, SyntheticPatient.male("p-cart", "1985-04-04")
        .conditionText("Ewing sarcoma of the pelvis").ecog(0, "2025-05-15")
        .medication("Tisagenlecleucel (Kymriah) infusion", "2024-01-10"));
    assertStatuses(e, Map.of("condition", MET, "age", MET, "exc-1", NOT_MET));
    assertEvidence(e, "exc-1", "Tisagenlecleucel (Kymriah) infusion (2024-01-10)");
    assertTrue(result(e, "exc-1").topics().contains("cell-therapy"));
    assertEquals(MatchGrade.CERTAINLY_NOT, e.grade());
  }

  @Test
  void investigationalCellTherapyIsNotShownByAnApprovedOne() {
    // "Previous treatment with investigational gene or cell therapy": the record does not say investigational.
    StudyEvaluation e = evaluate(BALL, ballPatient("p-ball-cart").procedure("CD19 CAR-T cell infusion", "2024-09-01"));
    assertStatuses(e, Map.of("exc-9", UNKNOWN, "condition", MET));
    assertTrue(result(e, "exc-9").explanation().contains("investigational"), result(e, "exc-9").explanation());
  }

  @Test
  void negativeSerologyAndMaleSexSatisfyComputableExclusions() {
    StudyEvaluation e = evaluate(BALL, ballPatient("p-ball"));
    assertStatuses(e, Map.of("condition", MET, "age", MET, "inc-5", MET, "exc-7", MET, "exc-11", MET));
    assertStatuses(e, Map.of("exc-9", UNKNOWN, "exc-1", UNKNOWN));
    assertEquals(MatchGrade.PROBABLE, e.grade());
  }

  @Test
  void hivPositivePatientIsExcluded() {
    StudyEvaluation e = evaluate(BALL, ballPatient("p-hiv").test("56888-1", "HIV 1+2 Ab+HIV1 p24 Ag", true, "2025-05-01"));
    assertStatuses(e, Map.of("exc-7", NOT_MET));
    assertEquals(MatchGrade.CERTAINLY_NOT, e.grade());
  }

  @Test
  void organTransplantExcludesFromTheAutoimmuneTrial() {
    StudyEvaluation e = evaluate(AUTOIMMUNE, SyntheticPatient.female("p-tx", "1970-01-01")
        .condition(SNOMED, "85828009", "Autoimmune disease")
        .condition(ICD10CM, "Z94.0", "Kidney transplant status"));
    assertStatuses(e, Map.of("condition", MET, "age", MET, "exc-3", NOT_MET));
    assertEquals(MatchGrade.CERTAINLY_NOT, e.grade());
  }

  @Test
  void brainMetastasesExcludeFromTheOsteosarcomaTrial() {
    StudyEvaluation e = evaluate(OSTEOSARCOMA, osteosarcomaPatient("p-cns")
        .condition(ICD10CM, "C79.31", "Secondary malignant neoplasm of brain"));
    assertStatuses(e, Map.of("exc-1", NOT_MET, "condition", MET));
    assertEquals(MatchGrade.CERTAINLY_NOT, e.grade());
  }

  @Test
  void osteosarcomaPatientMeetsTheLimitsOfTheOsteosarcomaTrial() {
    StudyEvaluation e = evaluate(OSTEOSARCOMA, osteosarcomaPatient("p-os"));
    assertEquals(MatchGrade.PROBABLE, e.grade());
    assertStatuses(e, Map.of("condition", MET, "age", MET, "inc-4.6", MET, "inc-4.8.1", MET, "inc-4.8.4", MET,
        "inc-4.8.5", MET, "inc-4.8.6", MET, "inc-4.8.7", MET, "inc-4.9", MET));
    // hemoglobin 12 g/dL against a limit in g/L
    assertEvidence(e, "inc-4.8.5", "Hemoglobin 12 g/dL on 2025-05-26 = 120 g/L; limit ≥ 90 g/L (meets the limit)");
    // "in the non-oxygenated state" and the ALT/AST typo text are not computable
    assertStatuses(e, Map.of("inc-4.10", UNKNOWN, "inc-4.8.9", UNKNOWN, "inc-4.8", UNKNOWN, "exc-8", UNKNOWN));
  }

  @Test
  void resultsOlderThanTheLookBackAreNotUsed() {
    StudyEvaluation e = evaluate(AML, amlPatient("p-stale").lab("777-3", "Platelets", "120", "10*9/L", "2024-12-01"));
    assertStatuses(e, Map.of("inc-7.1", UNKNOWN));
    assertTrue(result(e, "inc-7.1").explanation().contains("older than the 90-day look-back"),
        result(e, "inc-7.1").explanation());
  }

  @Test
  void aPatientWithNoDataBeyondThePatientResourceIsUnknownEverywhere() {
    for (String id : SeedTrials.IDS) {
      StudyEvaluation e = evaluate(id, SyntheticPatient.unknown("p-empty"));
      assertEquals(MatchGrade.POSSIBLE, e.grade(), id);
      for (CriterionResult r : e.criteria()) {
        assertEquals(UNKNOWN, r.status(), id + " " + r.id() + ": " + r.explanation());
      }
      assertStatuses(e, Map.of("condition", UNKNOWN, "age", UNKNOWN));
      assertEquals("0.1000", e.score().toPlainString(), id);
    }
  }

  /** A 30-year-old man with B-ALL, ECOG 0, negative for HBV, HCV and HIV in May 2025. */
  static SyntheticPatient ballPatient(String id) {
    return SyntheticPatient.male(id, "1995-01-20")
        .condition(SNOMED, "277571004", "B-cell acute lymphoblastic leukemia")
        .ecog(0, "2025-05-15")
        .test("5196-1", "Hepatitis B virus surface Ag", false, "2025-05-01")
        .test("16128-1", "Hepatitis C virus Ab", false, "2025-05-01")
        .test("56888-1", "HIV 1+2 Ab+HIV1 p24 Ag", false, "2025-05-01");
  }

  /** A 25-year-old woman with osteosarcoma of the femur, ECOG 0, and recent labs. */
  static SyntheticPatient osteosarcomaPatient(String id) {
    return SyntheticPatient.female(id, "2000-02-10")
        .conditionText("Osteosarcoma of the femur")
        .ecog(0, "2025-05-26")
        .lab("751-8", "Neutrophils", "3.2", "10*9/L", "2025-05-26")
        .lab("777-3", "Platelets", "210", "10*3/uL", "2025-05-26")
        .lab("718-7", "Hemoglobin", "12", "g/dL", "2025-05-26")
        .lab("2164-2", "Creatinine clearance", "95", "mL/min", "2025-05-26")
        .lab("1975-2", "Total bilirubin", "0.6", "mg/dL", "2025-05-26", "1.2")
        .lab("1742-6", "ALT", "20", "U/L", "2025-05-26", "35")
        .lab("1920-8", "AST", "22", "U/L", "2025-05-26", "35")
        .lab("10230-1", "Left ventricular ejection fraction", "62", "%", "2025-05-20")
        .lab("59408-5", "Oxygen saturation by pulse oximetry", "98", "%", "2025-05-26");
  }

  /** NCT06690827 as ClinicalTrials.gov JSON with the sex field changed to MALE, converted as any record is. */
  static StudyCandidate maleOnlyVariantOfTheAmlTrial() {
    Path input = Cases.input("NCT06690827-json");
    String json = Cases.read(input).replace("\"sex\": \"ALL\"", "\"sex\": \"MALE\"");
    assertTrue(json.contains("\"sex\": \"MALE\""));
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(Conversions.FHIR));
    return SeedTrials.candidate(mapper.map(TrialReaders.standard().read(json).record()).resources());
  }

  private static StudyEvaluation evaluate(String trial, SyntheticPatient patient) {
    StudyCandidate candidate = seeds.get(trial);
    return evaluator.evaluate(candidate.study(), candidate.eligibility(),
        PatientData.from(patient.bundle(), vocabulary), ON);
  }

  static CriterionResult result(StudyEvaluation evaluation, String id) {
    return evaluation.criteria().stream().filter(r -> r.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError(evaluation.studyId() + " has no criterion " + id));
  }

  static void assertStatuses(StudyEvaluation evaluation, Map<String, CriterionStatus> expected) {
    expected.forEach((id, status) -> {
      CriterionResult r = result(evaluation, id);
      assertEquals(status, r.status(), evaluation.studyId() + " " + id + ": " + r.explanation());
    });
  }

  static void assertEvidence(StudyEvaluation evaluation, String id, String fragment) {
    List<Evidence> evidence = result(evaluation, id).evidence();
    assertTrue(evidence.stream().anyMatch(e -> e.value().contains(fragment)), id + ": " + evidence);
  }
}
