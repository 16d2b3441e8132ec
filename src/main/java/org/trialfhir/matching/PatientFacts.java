package org.trialfhir.matching;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One patient on one evaluation day, with what has been found about them so far: the outcome of each threshold,
 * topic mention and limit condition, the outcome of each criterion rule (with its evidence and explanation), and the
 * result of each study condition set, age range and sex. Studies repeat these (the same "ANC ≥ 1.0 ×10^9/L", the
 * same age range, the same conditions, often the same criterion across thousands of them), so one match works each
 * out once and every study after the first looks it up. Lookups are by identity: equal parts of different studies are
 * one instance when the studies were read with one {@link Interner}; others are worked out again, with the same
 * result.
 *
 * <p>Not thread-safe: one per match and thread.
 */
final class PatientFacts {
  private final EligibilityEvaluator evaluator;
  private final PatientData patient;
  private final LocalDate on;
  private final Map<Threshold, LimitEvaluator.Outcome> thresholds = new IdentityHashMap<>();
  private final Map<TopicMention, TopicEvaluator.Outcome> mentions = new IdentityHashMap<>();
  private final Map<Applicability.Terms, Applicability> applicability = new IdentityHashMap<>();
  private final Map<StudyCriteria.Conditions, CriterionResult> conditions = new IdentityHashMap<>();
  private final Map<StudyCriteria.AgeRange, CriterionResult> ages = new IdentityHashMap<>();
  private final Map<String, CriterionResult> sexes = new HashMap<>();
  private final Map<Criterion.HeadingCondition, Boolean> headingConditions = new IdentityHashMap<>();
  private final Map<CriterionRule, EligibilityEvaluator.RuleOutcome> rules = new IdentityHashMap<>();

  PatientFacts(EligibilityEvaluator evaluator, PatientData patient, LocalDate on) {
    this.evaluator = evaluator;
    this.patient = patient;
    this.on = on;
  }

  PatientData patient() {
    return patient;
  }

  LocalDate on() {
    return on;
  }

  /** A criterion rule's status, evidence and explanation: what an answer shows of each criterion with that rule. */
  EligibilityEvaluator.RuleOutcome outcome(CriterionRule rule) {
    return rules.computeIfAbsent(rule, r -> evaluator.outcome(r, this));
  }

  LimitEvaluator.Outcome threshold(Threshold threshold) {
    return thresholds.computeIfAbsent(threshold, t -> evaluator.limits().evaluate(t, patient, on));
  }

  TopicEvaluator.Outcome mention(TopicMention mention) {
    return mentions.computeIfAbsent(mention, m -> evaluator.topics().evaluate(m, patient, on));
  }

  Applicability applicability(Applicability.Terms condition) {
    return applicability.computeIfAbsent(condition, c -> Applicability.of(c, patient, on));
  }

  CriterionResult conditions(StudyCriteria.Conditions study) {
    return conditions.computeIfAbsent(study, c -> evaluator.condition(c, patient));
  }

  CriterionResult age(StudyCriteria.AgeRange range) {
    return ages.computeIfAbsent(range, r -> evaluator.age(r, patient, on));
  }

  CriterionResult sex(String sex) {
    return sexes.computeIfAbsent(sex, s -> evaluator.sex(s, patient));
  }

  /** Whether the patient has the disease a criterion's heading names. */
  boolean has(Criterion.HeadingCondition heading) {
    return headingConditions.computeIfAbsent(heading,
        h -> DiagnosisMatcher.has(h, patient.conditions()).isPresent());
  }
}
