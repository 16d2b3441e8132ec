package org.trialfhir.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trialfhir.matching.SyntheticPatient.ICD10CM;
import static org.trialfhir.matching.SyntheticPatient.SNOMED;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fast road of a match gives what a one-off evaluation of each study gives: the ranking pass (statuses only, each
 * limit, topic, condition set and age range worked out once per patient and shared by every study that repeats it)
 * grades and scores every seed trial as the full evaluation does, the detail pass returns the very same criteria
 * (texts, evidence, explanations), pages put together are the whole ranking, and a matcher rebuilt from a previous
 * one answers as one built afresh. The seeds are also matched with renamed copies of themselves, so that every
 * threshold and mention is shared between two studies and found again by identity.
 */
class MatchPassesTest {
  private static final MatchFilters EVERY_STUDY = new MatchFilters(Set.of(), Set.of(), Set.of(), true);

  private static MatchVocabulary vocabulary;
  private static EligibilityEvaluator evaluator;
  private static List<StudyCandidate> studies;

  @BeforeAll
  static void build() {
    vocabulary = MatchVocabulary.standard();
    evaluator = new EligibilityEvaluator(vocabulary);
    studies = SeedTrials.withRenamedCopies(StudyCandidate::countries);
  }

  /** Patients who meet, fail and leave unknown each kind of requirement of the seed trials. */
  static List<SyntheticPatient> patients() {
    List<SyntheticPatient> patients = new ArrayList<>(TrialMatcherTest.patients());
    patients.add(EligibilityEvaluatorTest.amlPatient("aml").lab("777-3", "Platelets", "120000", "/uL", "2025-05-20"));
    patients.add(EligibilityEvaluatorTest.amlPatient("aml-stale").lab("777-3", "Platelets", "120", "10*9/L",
        "2024-12-01"));
    patients.add(EligibilityEvaluatorTest.amlPatient("aml-pregnant").pregnancyStatus(true, "2025-05-28"));
    patients.add(SyntheticPatient.female("aml-old", "1945-01-15")
        .condition(SNOMED, "91861009", "Acute myeloid leukemia").ecog(1, "2025-05-20"));
    patients.add(SyntheticPatient.female("aml-ecog3", "1980-03-02")
        .condition(SNOMED, "91861009", "Acute myeloid leukemia").ecog(3, "2025-05-25"));
    patients.add(SyntheticPatient.female("aml-kps", "1980-03-02")
        .condition(SNOMED, "91861009", "Acute myeloid leukemia").karnofsky(80, "2025-05-25"));
    patients.add(SyntheticPatient.male("aml-icd", "1970-07-07")
        .condition(ICD10CM, "C92.00", "Acute myeloblastic leukemia, not having achieved remission"));
    patients.add(SyntheticPatient.male("aml-text", "1970-07-07").conditionText("Acute Myeloid Leukaemia, relapsed"));
    patients.add(SyntheticPatient.female("teen", "2009-02-01").condition(SNOMED, "85828009", "Autoimmune disease"));
    patients.add(SyntheticPatient.female("transplant", "1970-01-01")
        .condition(SNOMED, "85828009", "Autoimmune disease")
        .condition(ICD10CM, "Z94.0", "Kidney transplant status"));
    patients.add(SyntheticPatient.male("cart", "1985-04-04").conditionText("Ewing sarcoma of the pelvis")
        .ecog(0, "2025-05-15").medication("Tisagenlecleucel (Kymriah) infusion", "2024-01-10"));
    patients.add(EligibilityEvaluatorTest.ballPatient("ball-cart").procedure("CD19 CAR-T cell infusion", "2024-09-01"));
    patients.add(EligibilityEvaluatorTest.ballPatient("ball-hiv")
        .test("56888-1", "HIV 1+2 Ab+HIV1 p24 Ag", true, "2025-05-01"));
    patients.add(EligibilityEvaluatorTest.osteosarcomaPatient("cns")
        .condition(ICD10CM, "C79.31", "Secondary malignant neoplasm of brain"));
    patients.add(SyntheticPatient.female("partial-birth", "1990"));
    return patients;
  }

  @Test
  void theRankingAndTheDetailPassGiveWhatEvaluatingEachStudyAloneGives() {
    TrialMatcher matcher = TrialMatcher.of(studies, evaluator);
    for (SyntheticPatient synthetic : patients()) {
      PatientData patient = PatientData.from(synthetic.bundle(), vocabulary);
      // One PatientFacts for every study, as in a match; studies in reverse order, so that what the copies work out
      // first serves the seeds.
      PatientFacts shared = evaluator.facts(patient, EligibilityEvaluatorTest.ON);
      List<StudyEvaluation> expected = new ArrayList<>();
      for (int i = studies.size() - 1; i >= 0; i--) {
        StudyCandidate study = studies.get(i);
        StudyEvaluation alone = evaluator.evaluate(study.study(), study.eligibility(), patient,
            EligibilityEvaluatorTest.ON);
        StudyCriteria criteria = matcher.criteria(alone.studyId());
        String where = synthetic.bundle().getEntryFirstRep().getResource().getIdElement().getIdPart() + " × "
            + alone.studyId();
        StudyEvaluation.Grader grader = evaluator.grader(criteria, shared);
        criteria.decidable().forEach(c -> grader.add(evaluator.status(c.rule(), shared), c.rule().coded()));
        StudyEvaluation.Standing standing = grader.standing();
        assertEquals(alone.grade(), standing.grade(), where);
        assertEquals(alone.score(), standing.score(), where);
        assertEquals(alone, evaluator.evaluate(criteria, shared), where);
        expected.add(alone);
      }
      // The matcher's answer, in detail, is those evaluations ranked best first (and, assertions on, it checks that
      // the grade and score of every study it details are those its ranking pass gave).
      expected.sort((a, b) -> b.score().compareTo(a.score()) != 0 ? b.score().compareTo(a.score())
          : a.studyId().compareTo(b.studyId()));
      List<StudyEvaluation> matched = matcher.match(patient, EVERY_STUDY, EligibilityEvaluatorTest.ON).stream()
          .map(StudyMatch::evaluation).toList();
      assertEquals(expected, matched, patient.patientReference());
    }
  }

  @Test
  void pagesPutTogetherAreTheWholeRanking() {
    TrialMatcher matcher = TrialMatcher.of(studies, evaluator);
    for (SyntheticPatient synthetic : patients()) {
      PatientData patient = PatientData.from(synthetic.bundle(), vocabulary);
      for (MatchFilters filters : List.of(MatchFilters.NONE, EVERY_STUDY)) {
        List<StudyMatch> whole = matcher.match(patient, filters, EligibilityEvaluatorTest.ON);
        List<StudyMatch> paged = new ArrayList<>();
        for (int offset = 0; offset <= whole.size(); offset += 3) {
          MatchPage page = matcher.match(patient, filters, EligibilityEvaluatorTest.ON, offset, 3);
          assertEquals(whole.size(), page.total());
          paged.addAll(page.matches());
        }
        assertEquals(whole, paged, patient.patientReference());
        MatchPage none = matcher.match(patient, filters, EligibilityEvaluatorTest.ON, 0, 0);
        assertEquals(List.of(), none.matches());
        assertEquals(whole.size(), none.total());
      }
    }
  }

  @Test
  void aRebuiltMatcherReadsOnlyWhatChangedAndAnswersAsANewOne() {
    TrialMatcher before = TrialMatcher.of(studies, evaluator);
    // One study's Group changes (its age range now ends at 30), one study goes, one comes: the others are the same
    // instances, as a store hands them out again.
    List<StudyCandidate> changed = new ArrayList<>(studies);
    StudyCandidate aml = changed.stream().filter(c -> c.study().getIdElement().getIdPart().equals("NCT06690827"))
        .findFirst().orElseThrow();
    Group younger = aml.eligibility().copy();
    younger.getCharacteristic().stream().filter(c -> "age".equals(c.getId())).findFirst().orElseThrow()
        .setValue(new Range().setLow(new Quantity(18).setCode("a")).setHigh(new Quantity(30).setCode("a")));
    changed.set(changed.indexOf(aml), new StudyCandidate(aml.study(), younger, aml.countries()));
    StudyCandidate gone = changed.remove(changed.size() - 1);
    ResearchStudy added = gone.study().copy();
    added.setId("NEW-1");
    changed.add(new StudyCandidate(added, gone.eligibility(), gone.countries()));

    TrialMatcher rebuilt = TrialMatcher.of(changed, evaluator, before);
    TrialMatcher fresh = TrialMatcher.of(changed, evaluator);
    for (StudyCandidate study : changed) {
      String id = study.study().getIdElement().getIdPart();
      if (!id.equals("NCT06690827") && !id.equals("NEW-1")) {
        assertSame(before.criteria(id), rebuilt.criteria(id), id + " is not read again");
      }
    }
    assertTrue(rebuilt.criteria("NCT06690827") != before.criteria("NCT06690827"), "a changed Group is read again");
    assertEquals("30", Limit.plain(rebuilt.criteria("NCT06690827").age().high()));
    for (SyntheticPatient synthetic : patients()) {
      PatientData patient = PatientData.from(synthetic.bundle(), vocabulary);
      for (MatchFilters filters : List.of(MatchFilters.NONE, EVERY_STUDY)) {
        assertEquals(fresh.match(patient, filters, EligibilityEvaluatorTest.ON),
            rebuilt.match(patient, filters, EligibilityEvaluatorTest.ON), patient.patientReference());
      }
    }
  }
}
