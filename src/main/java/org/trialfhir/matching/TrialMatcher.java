package org.trialfhir.matching;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.ResearchStudy;

/**
 * Matches one patient against many studies, with no server: reads every study's eligibility once, and keeps a small
 * index of their conditions (SNOMED CT codes, and the rarest word stem of each condition name) so that a patient is
 * evaluated only against the studies one of whose conditions it could have, the studies that state no condition,
 * and only those whose age range it could be in. The index narrows with the same tests the evaluation applies
 * ({@link DiagnosisMatcher}), so it never drops a study the evaluation would keep. With {@code includeIneligible}
 * every study that passes the filters is evaluated.
 *
 * <p>Immutable and thread-safe once built; build a new one when the studies change.
 */
public final class TrialMatcher {
  private static final String REGISTRY_STATUS = "https://trialfhir.org/fhir/StructureDefinition/registry-status";

  /** One study as the matcher holds it. */
  private record Indexed(StudyCandidate candidate, StudyCriteria criteria, Set<String> phases, Set<String> statuses,
      Set<String> countries) {}

  private final EligibilityEvaluator evaluator;
  private final List<Indexed> studies;
  private final Map<String, BitSet> bySnomed = new HashMap<>();
  private final Map<String, BitSet> byStem = new HashMap<>();
  private final BitSet withoutConditions = new BitSet();

  private TrialMatcher(EligibilityEvaluator evaluator, List<Indexed> studies) {
    this.evaluator = evaluator;
    this.studies = studies;
    Map<String, Integer> stemCounts = new HashMap<>();
    for (Indexed study : studies) {
      for (Set<String> form : study.criteria().conditionForms()) {
        form.forEach(stem -> stemCounts.merge(stem, 1, Integer::sum));
      }
    }
    for (int i = 0; i < studies.size(); i++) {
      StudyCriteria criteria = studies.get(i).criteria();
      if (criteria.conditionLabels().isEmpty()) {
        withoutConditions.set(i);
        continue;
      }
      for (String code : criteria.conditionSnomed()) {
        bySnomed.computeIfAbsent(code, c -> new BitSet()).set(i);
      }
      for (Set<String> form : criteria.conditionForms()) {
        // A patient's name covers the form only if it has all its stems, so any one of them finds it: the rarest
        // keeps the candidate sets small.
        String rarest = form.stream().min(Comparator.comparingInt(stemCounts::get)).orElseThrow();
        byStem.computeIfAbsent(rarest, s -> new BitSet()).set(i);
      }
    }
  }

  /** Reads every candidate's eligibility and indexes it. */
  public static TrialMatcher of(List<StudyCandidate> candidates, EligibilityEvaluator evaluator) {
    List<Indexed> studies = new ArrayList<>(candidates.size());
    for (StudyCandidate candidate : candidates) {
      ResearchStudy study = candidate.study();
      studies.add(new Indexed(candidate, evaluator.read(study, candidate.eligibility()), phases(study),
          statuses(study), Set.copyOf(candidate.countries().stream().map(MatchText::normalize).toList())));
    }
    return new TrialMatcher(evaluator, List.copyOf(studies));
  }

  /** How many studies the matcher holds. */
  public int size() {
    return studies.size();
  }

  /**
   * The studies the patient may be eligible for on the day, best first (score, then id); with
   * {@code includeIneligible}, the certainly-not ones too, after the others.
   */
  public List<StudyMatch> match(PatientData patient, MatchFilters filters, LocalDate on) {
    List<StudyMatch> matches = new ArrayList<>();
    BitSet candidates = candidates(patient, filters);
    for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
      Indexed study = studies.get(i);
      if (!passes(study, filters)) {
        continue;
      }
      if (!filters.includeIneligible() && certainlyNot(study.criteria(), patient, on)) {
        continue;
      }
      StudyEvaluation evaluation = evaluator.evaluate(study.criteria(), patient, on);
      if (filters.includeIneligible() || evaluation.grade() != MatchGrade.CERTAINLY_NOT) {
        matches.add(new StudyMatch(study.candidate().study(), evaluation));
      }
    }
    matches.sort(Comparator.comparing((StudyMatch m) -> m.evaluation().score()).reversed()
        .thenComparing(m -> m.evaluation().studyId()));
    return matches;
  }

  /**
   * Whether the study's age or conditions already exclude the patient, as its evaluation would find: the index only
   * narrows by one word stem, so most candidates of a patient with a diagnosis fail here, for far less than a full
   * evaluation.
   */
  private boolean certainlyNot(StudyCriteria criteria, PatientData patient, LocalDate on) {
    return criteria.age() != null && patient.birthDate() != null
        && evaluator.age(criteria.age(), patient, on).status() == CriterionStatus.NOT_MET
        || !criteria.conditionLabels().isEmpty() && !patient.conditions().isEmpty()
        && evaluator.condition(criteria, patient).status() == CriterionStatus.NOT_MET;
  }

  private BitSet candidates(PatientData patient, MatchFilters filters) {
    BitSet all = new BitSet();
    if (filters.includeIneligible() || patient.conditions().isEmpty()) {
      all.set(0, studies.size());
      return all;
    }
    all.or(withoutConditions);
    for (PatientData.PatientCondition condition : patient.conditions()) {
      for (String code : condition.snomed()) {
        BitSet found = bySnomed.get(code);
        if (found != null) {
          all.or(found);
        }
      }
      Set<String> stems = new HashSet<>();
      condition.stems().forEach(name -> name.forEach(stem -> stems.addAll(ConditionNames.standsFor(stem))));
      for (String stem : stems) {
        BitSet found = byStem.get(stem);
        if (found != null) {
          all.or(found);
        }
      }
    }
    return all;
  }

  private static boolean passes(Indexed study, MatchFilters filters) {
    return (filters.phases().isEmpty() || study.phases().stream().anyMatch(filters.phases()::contains))
        && (filters.statuses().isEmpty() || study.statuses().stream().anyMatch(filters.statuses()::contains))
        && (filters.countries().isEmpty() || study.countries().stream().anyMatch(filters.countries()::contains));
  }

  private static Set<String> phases(ResearchStudy study) {
    Set<String> codes = new HashSet<>();
    CodeableConcept phase = study.getPhase();
    for (Coding coding : phase.getCoding()) {
      if (coding.hasCode()) {
        codes.add(MatchText.normalize(coding.getCode()));
      }
    }
    return Set.copyOf(codes);
  }

  private static Set<String> statuses(ResearchStudy study) {
    Set<String> codes = new HashSet<>();
    if (study.hasStatus()) {
      codes.add(MatchText.normalize(study.getStatus().toCode()));
    }
    Extension registry = study.getExtensionByUrl(REGISTRY_STATUS);
    if (registry != null && registry.getValue() instanceof Coding coding && coding.hasCode()) {
      codes.add(MatchText.normalize(coding.getCode()));
    }
    return Set.copyOf(codes);
  }
}
