package org.trialfhir.matching;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a patient has one of a study's conditions: a SNOMED CT code in common (the patient's own, or one its
 * ICD-10-CM code or its name maps to through our ConceptMaps), or a name that is the study's or a kind of it
 * ({@link ConditionNames}). The same test serves the candidate index, so that index and evaluation never disagree.
 */
final class DiagnosisMatcher {
  /** The patient's condition that matched and how. */
  record Match(PatientData.PatientCondition condition, String how) {}

  private DiagnosisMatcher() {}

  static Optional<Match> match(Set<String> snomed, List<Set<String>> forms, List<String> labels,
      List<PatientData.PatientCondition> conditions) {
    for (PatientData.PatientCondition condition : conditions) {
      for (String code : condition.snomed()) {
        if (snomed.contains(code)) {
          return Optional.of(new Match(condition, "SNOMED CT " + code + " (" + condition.label() + ")"));
        }
      }
    }
    for (PatientData.PatientCondition condition : conditions) {
      for (int i = 0; i < condition.stems().size(); i++) {
        for (Set<String> form : forms) {
          if (ConditionNames.covers(condition.stems().get(i), form)) {
            return Optional.of(new Match(condition, "\"" + condition.label() + "\" matches by name ("
                + String.join("; ", labels) + ")"));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Whether the patient has the disease a criterion's heading names. */
  static Optional<Match> has(Criterion.HeadingCondition heading, List<PatientData.PatientCondition> conditions) {
    return match(Set.of(heading.snomed()), List.of(heading.stems()), List.of(heading.name()), conditions);
  }
}
