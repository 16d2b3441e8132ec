package org.trialfhir.matching;

import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether the patient data show a topic an exclusion names present or absent. Present: a diagnosis, procedure,
 * medication or positive test of the topic that satisfies the criterion's wording (current when it says "active",
 * repeating "investigational" or "allogeneic" when it does, dated within its "within N weeks" window). Absent: a
 * refuted diagnosis, a negative test (of the last {@code lookBack} days; a pregnancy test of the last 30), or, for
 * pregnancy and breastfeeding, a male patient. Anything else is unknown: a record that does not mention a prior
 * CAR-T does not show there was none.
 */
final class TopicEvaluator {
  /** How long a negative pregnancy test shows the patient is not pregnant. */
  static final Period PREGNANCY_TEST_VALIDITY = Period.ofDays(30);
  private static final Set<String> FEMALE_ONLY = Set.of("pregnancy", "lactation");

  enum State { PRESENT, PRESENT_BUT_INSUFFICIENT, ABSENT, UNKNOWN }

  record Outcome(State state, List<Evidence> evidence, String explanation) {}

  private final MatchVocabulary vocabulary;
  private final Period lookBack;

  TopicEvaluator(MatchVocabulary vocabulary, Period lookBack) {
    this.vocabulary = vocabulary;
    this.lookBack = lookBack;
  }

  Outcome evaluate(TopicMention mention, PatientData patient, LocalDate on) {
    String topic = vocabulary.topicDisplay(mention.topic());
    List<Evidence> present = new ArrayList<>();
    List<String> notCounted = new ArrayList<>();
    for (PatientData.Finding f : patient.findings()) {
      if (!f.present() || !f.topic().equals(mention.topic())) {
        continue;
      }
      String why = notCountedBecause(mention, f, on);
      if (why == null) {
        present.add(new Evidence(f.reference(), f.label() + (f.date() == null ? "" : " (" + f.date() + ")")));
      } else {
        notCounted.add(f.reference() + " " + why);
      }
    }
    if (!present.isEmpty()) {
      if (mention.insufficientBecause() != null) {
        return new Outcome(State.PRESENT_BUT_INSUFFICIENT, present, topic + " is recorded, but "
            + mention.insufficientBecause());
      }
      return new Outcome(State.PRESENT, present, topic + " is present");
    }
    if (FEMALE_ONLY.contains(mention.topic()) && "male".equals(patient.gender())) {
      return new Outcome(State.ABSENT, List.of(new Evidence(patient.patientReference(), "gender male")),
          topic + " does not apply to a male patient (Patient.gender)");
    }
    List<Evidence> absent = new ArrayList<>();
    for (PatientData.Finding f : patient.findings()) {
      if (!f.present() && f.topic().equals(mention.topic()) && recentEnough(f, on)) {
        absent.add(new Evidence(f.reference(), f.label() + (f.date() == null ? "" : " (" + f.date() + ")")));
      }
    }
    if (!absent.isEmpty()) {
      return new Outcome(State.ABSENT, absent, topic + " is shown absent");
    }
    String explanation = "no record shows " + topic.toLowerCase(Locale.ROOT) + " present or absent";
    if (!notCounted.isEmpty()) {
      explanation += "; not counted: " + String.join("; ", notCounted);
    }
    return new Outcome(State.UNKNOWN, List.of(), explanation);
  }

  /** Why a finding of the topic does not count for this mention, or null when it does. */
  private String notCountedBecause(TopicMention mention, PatientData.Finding f, LocalDate on) {
    if (f.date() != null && f.date().isAfter(on)) {
      return "is dated after the evaluation day";
    }
    if (mention.mustBeCurrent()) {
      if (f.source() == PatientData.Source.TEST ? !within(f.date(), on, lookBack) : !f.current()) {
        return "is not current (the criterion says \"active\")";
      }
    }
    for (String word : mention.mustSay()) {
      if (!MatchText.contains(f.text(), word)) {
        return "does not say \"" + word + "\", which the criterion asks for";
      }
    }
    if (mention.window() != null && !within(f.date(), on, mention.window())) {
      return f.date() == null ? "has no date, and the criterion counts only records within its time window"
          : "(" + f.date() + ") is outside the criterion's time window";
    }
    return null;
  }

  private boolean recentEnough(PatientData.Finding f, LocalDate on) {
    if (f.source() != PatientData.Source.TEST) {
      return true;
    }
    Period validity = "pregnancy".equals(f.topic()) ? PREGNANCY_TEST_VALIDITY : lookBack;
    return within(f.date(), on, validity);
  }

  private static boolean within(LocalDate date, LocalDate on, Period window) {
    return date != null && !date.isAfter(on) && !date.isBefore(on.minus(window));
  }
}
