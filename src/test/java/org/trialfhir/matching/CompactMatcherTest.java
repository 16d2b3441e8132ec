package org.trialfhir.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A matcher that keeps only what ranking needs ({@link TrialMatcher#builder}) and reads the page's studies again
 * answers as one holding every study whole, pages and filters included, also when built from a previous one that
 * keeps the studies that did not change.
 */
class CompactMatcherTest {
  private static final MatchFilters EVERY_STUDY = new MatchFilters(Set.of(), Set.of(), Set.of(), true);
  private static final MatchFilters IN_FRANCE = new MatchFilters(Set.of(), Set.of(), Set.of("france"), false);

  private static MatchVocabulary vocabulary;
  private static EligibilityEvaluator evaluator;
  private static List<StudyCandidate> studies;

  @BeforeAll
  static void build() {
    vocabulary = MatchVocabulary.standard();
    evaluator = new EligibilityEvaluator(vocabulary);
    studies = SeedTrials.withRenamedCopies(seed -> Set.of("France"));
  }

  @Test
  void answersAsAMatcherHoldingEveryStudy() {
    Map<String, StudyCandidate> read = new HashMap<>();
    TrialMatcher compact = compact(studies, null, Set.of(), read);
    assertEquals(studies.size(), read.size());
    assertSameAnswers(TrialMatcher.of(studies, evaluator), compact);
  }

  @Test
  void aMatcherBuiltFromAnotherKeepsTheUnchangedStudiesAndAnswersAsANewOne() {
    TrialMatcher before = compact(studies, null, Set.of(), new HashMap<>());
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

    Map<String, StudyCandidate> read = new HashMap<>();
    TrialMatcher after = compact(changed, before, Set.of("NCT06690827", "NEW-1"), read);
    assertEquals(Set.of("NCT06690827", "NEW-1"), read.keySet(), "only the changed studies are read");
    assertEquals("30", Limit.plain(after.criteria("NCT06690827").age().high()));
    assertEquals(changed.size(), after.size(), "the study gone is gone");
    assertSameAnswers(TrialMatcher.of(changed, evaluator), after);
  }

  @Test
  void readingEligibilityOnSeveralThreadsBuildsTheSameMatcher() throws InterruptedException {
    ExecutorService readers = Executors.newFixedThreadPool(3);
    try {
      TrialMatcher.Builder builder = TrialMatcher.builder(evaluator, null);
      // Uneven batches, one smaller than the threads, as a store hands them over.
      builder.addAll(studies.subList(0, 2), readers, 4);
      builder.addAll(studies.subList(2, studies.size()), readers, 4);
      Map<String, StudyCandidate> byId = new HashMap<>();
      studies.forEach(candidate -> byId.put(candidate.study().getIdElement().getIdPart(), candidate));
      TrialMatcher parallel = builder.build(id -> new StudyCandidate(byId.get(id).study(), byId.get(id).eligibility(),
          Set.of()));
      assertSameAnswers(TrialMatcher.of(studies, evaluator), parallel);
    } finally {
      readers.shutdownNow();
    }
  }

  /**
   * A matcher over {@code candidates} built with a builder from {@code previous}: the candidates whose id is in
   * {@code changed} (all when there is no previous) read, the others kept; {@code read} gets those read.
   */
  private static TrialMatcher compact(List<StudyCandidate> candidates, TrialMatcher previous, Set<String> changed,
      Map<String, StudyCandidate> read) {
    TrialMatcher.Builder builder = TrialMatcher.builder(evaluator, previous);
    Map<String, StudyCandidate> byId = new HashMap<>();
    for (StudyCandidate candidate : candidates) {
      String id = candidate.study().getIdElement().getIdPart();
      byId.put(id, candidate);
      if (previous == null || changed.contains(id)) {
        builder.add(candidate);
        read.put(id, candidate);
      } else {
        assertTrue(builder.keep(id), id);
      }
    }
    // The detail pass finds the studies again as a store does: the same resources, no country (ranking used them).
    return builder.build(id -> new StudyCandidate(byId.get(id).study(), byId.get(id).eligibility(), Set.of()));
  }

  private static void assertSameAnswers(TrialMatcher whole, TrialMatcher compact) {
    assertEquals(whole.size(), compact.size());
    for (SyntheticPatient synthetic : MatchPassesTest.patients()) {
      PatientData patient = PatientData.from(synthetic.bundle(), vocabulary);
      for (MatchFilters filters : List.of(MatchFilters.NONE, EVERY_STUDY, IN_FRANCE)) {
        assertEquals(whole.match(patient, filters, EligibilityEvaluatorTest.ON),
            compact.match(patient, filters, EligibilityEvaluatorTest.ON), patient.patientReference());
        MatchPage page = compact.match(patient, filters, EligibilityEvaluatorTest.ON, 2, 3);
        assertEquals(whole.match(patient, filters, EligibilityEvaluatorTest.ON, 2, 3), page);
      }
    }
  }
}
