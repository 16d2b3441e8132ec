package org.trialfhir.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The matcher over the seed trials: its condition/age index returns exactly what evaluating every study would,
 * results are ordered by score, certainly-not studies are left out unless asked for, and the filters work.
 */
class TrialMatcherTest {
  private static MatchVocabulary vocabulary;
  private static EligibilityEvaluator evaluator;
  private static List<StudyCandidate> seeds;
  private static TrialMatcher matcher;

  @BeforeAll
  static void build() {
    vocabulary = MatchVocabulary.standard();
    evaluator = new EligibilityEvaluator(vocabulary);
    seeds = List.copyOf(SeedTrials.candidates().values());
    matcher = TrialMatcher.of(seeds, evaluator);
  }

  static List<SyntheticPatient> patients() {
    return List.of(
        EligibilityEvaluatorTest.amlPatient("a").lab("777-3", "Platelets", "120", "10*9/L", "2025-05-20"),
        EligibilityEvaluatorTest.ballPatient("b"),
        EligibilityEvaluatorTest.osteosarcomaPatient("c"),
        SyntheticPatient.female("d", "1950-05-05").condition(SyntheticPatient.SNOMED, "85828009", "Autoimmune disease"),
        SyntheticPatient.male("e", "2015-05-05").conditionText("Ewing sarcoma"),
        SyntheticPatient.male("f", "1960-01-01").condition(SyntheticPatient.SNOMED, "109989006", "Multiple myeloma"),
        SyntheticPatient.unknown("g"));
  }

  @Test
  void theIndexReturnsExactlyWhatEvaluatingEveryStudyWould() {
    for (SyntheticPatient synthetic : patients()) {
      PatientData patient = PatientData.from(synthetic.bundle(), vocabulary);
      List<String> expected = new ArrayList<>();
      for (StudyCandidate seed : seeds) {
        StudyEvaluation e = evaluator.evaluate(seed.study(), seed.eligibility(), patient, EligibilityEvaluatorTest.ON);
        if (e.grade() != MatchGrade.CERTAINLY_NOT) {
          expected.add(e.studyId());
        }
      }
      List<String> actual = matcher.match(patient, MatchFilters.NONE, EligibilityEvaluatorTest.ON).stream()
          .map(m -> m.evaluation().studyId()).sorted().toList();
      assertEquals(expected.stream().sorted().toList(), actual, patient.patientReference());
    }
  }

  @Test
  void resultsAreOrderedByScoreAndIneligibleStudiesComeOnlyWhenAsked() {
    PatientData patient = PatientData.from(EligibilityEvaluatorTest.osteosarcomaPatient("c").bundle(), vocabulary);
    List<StudyMatch> matches = matcher.match(patient, MatchFilters.NONE, EligibilityEvaluatorTest.ON);
    assertEquals(List.of("NCT06412458", "NCT07066982"), matches.stream().map(m -> m.evaluation().studyId()).toList());
    assertEquals(MatchGrade.PROBABLE, matches.get(0).evaluation().grade());
    List<StudyMatch> all = matcher.match(patient, new MatchFilters(Set.of(), Set.of(), Set.of(), true),
        EligibilityEvaluatorTest.ON);
    assertEquals(SeedTrials.IDS.size(), all.size());
    assertEquals(all.stream().sorted(Comparator.comparing((StudyMatch m) -> m.evaluation().score()).reversed()).toList(),
        all);
    assertTrue(all.subList(2, all.size()).stream().allMatch(m -> m.evaluation().grade() == MatchGrade.CERTAINLY_NOT));
  }

  @Test
  void phaseStatusAndCountryFilterTheStudies() {
    PatientData nobody = PatientData.from(SyntheticPatient.unknown("g").bundle(), vocabulary);
    assertEquals(List.of("NCT07066982"), ids(nobody, new MatchFilters(Set.of("phase-1-phase-2"), Set.of(), Set.of(),
        false)));
    // the registry's own words, any case; a study of phases 1 and 2 is neither a phase 1 nor a phase 2 study
    assertEquals(List.of("NCT07066982"), ids(nobody, new MatchFilters(Set.of("phase1/phase2"), Set.of("RECRUITING"),
        Set.of("CHINA"), false)));
    assertEquals(List.of("NCT03754764", "NCT06412458", "NCT06690827"), ids(nobody,
        new MatchFilters(Set.of("phase-1"), Set.of(), Set.of(), false)));
    assertEquals(List.of("NCT07052565"), ids(nobody, new MatchFilters(Set.of("n-a"), Set.of("active"), Set.of(),
        false)));
    assertEquals(List.of(), ids(nobody, new MatchFilters(Set.of(), Set.of(), Set.of("Atlantis"), false)));
  }

  private static List<String> ids(PatientData patient, MatchFilters filters) {
    return matcher.match(patient, filters, EligibilityEvaluatorTest.ON).stream().map(m -> m.evaluation().studyId())
        .sorted().toList();
  }
}
