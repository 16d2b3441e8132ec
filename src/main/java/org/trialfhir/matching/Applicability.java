package org.trialfhir.matching;

import java.time.LocalDate;
import java.util.Set;

/**
 * Whether the condition a limit is stated under ("for pediatric patients", "if liver metastases are present")
 * holds for the patient: YES, NO, or UNKNOWN, with the reason. Age groups are decided from the birth date (under 18
 * is pediatric, a child, a minor or an adolescent; 18 and over an adult). A disease is YES when one of the patient's
 * diagnoses names it, and otherwise UNKNOWN, never NO: a record that does not mention liver metastases does not show
 * their absence.
 */
record Applicability(Answer answer, String reason) {

  enum Answer { YES, NO, UNKNOWN }

  private static final Set<String> MINORS = Set.of("pediatric", "child", "children", "minor", "minors",
      "adolescent", "adolescents");
  private static final Set<String> ADULTS = Set.of("adult", "adults");
  /** The words around the disease in a condition ("if ... are present", "for patients with ..."). */
  private static final Set<String> FRAME = Set.of("if", "when", "for", "in", "patients", "patient", "subjects",
      "participants", "those", "with", "who", "have", "has", "are", "is", "present", "presence", "of", "the", "a",
      "case", "cases", "known");
  private static final int ADULT_YEARS = 18;

  /** A condition read once: as written, whether it names minors or adults, and the stems of the disease it names. */
  record Terms(String condition, boolean minors, boolean adults, Set<String> disease) {}

  static Terms terms(String condition) {
    String normalized = MatchText.normalize(condition);
    Set<String> words = Set.copyOf(MatchText.words(normalized));
    StringBuilder disease = new StringBuilder();
    for (String word : MatchText.words(normalized)) {
      if (!FRAME.contains(word)) {
        disease.append(disease.length() == 0 ? "" : " ").append(word);
      }
    }
    return new Terms(condition, words.stream().anyMatch(MINORS::contains), words.stream().anyMatch(ADULTS::contains),
        ConditionNames.stems(disease.toString()));
  }

  static Applicability of(Terms terms, PatientData patient, LocalDate on) {
    String condition = terms.condition();
    boolean minors = terms.minors();
    boolean adults = terms.adults();
    if (minors || adults) {
      PatientAge age = PatientAge.of(patient.birthDate(), on, "a");
      if (age == null) {
        return new Applicability(Answer.UNKNOWN, "\"" + condition + "\": the patient's birth date is not given");
      }
      boolean young = age.oldest() < ADULT_YEARS;
      boolean grown = age.youngest() >= ADULT_YEARS;
      if (!young && !grown) {
        return new Applicability(Answer.UNKNOWN, "\"" + condition + "\": age " + age.describe() + " is ambiguous");
      }
      boolean holds = minors ? young : grown;
      return new Applicability(holds ? Answer.YES : Answer.NO,
          "\"" + condition + "\" " + (holds ? "applies" : "does not apply") + " (age " + age.describe() + ")");
    }
    Set<String> stems = terms.disease();
    if (!stems.isEmpty()) {
      for (PatientData.PatientCondition c : patient.conditions()) {
        for (Set<String> name : c.stems()) {
          if (ConditionNames.covers(name, stems)) {
            return new Applicability(Answer.YES, "\"" + condition + "\" applies (" + c.reference() + ": "
                + c.label() + ")");
          }
        }
      }
    }
    return new Applicability(Answer.UNKNOWN, "\"" + condition + "\": the patient data do not show it");
  }
}
