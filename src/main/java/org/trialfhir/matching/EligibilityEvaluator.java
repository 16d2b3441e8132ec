package org.trialfhir.matching;

import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.ResearchStudy;

/**
 * Evaluates one study (a ResearchStudy and its eligibility Group) for one patient on a given day: the study's
 * conditions, the Group's age range and sex, and each inclusion and exclusion criterion, each met, not met or
 * unknown with the patient data used; then grades the study ({@link StudyEvaluation}).
 *
 * <p>A criterion with computable limits is not met as soon as one limit fails; it is met when every limit holds and
 * the limits cover its whole text, and unknown otherwise (its other requirements need review). An exclusion naming
 * topics is not met when the data show one present, and met only when they show every one absent and the topics
 * (and limits) cover its whole text. A limit stated under a condition replaces the criterion's other limits of the
 * same analyte when the condition holds; when it is not known whether it holds, the criterion is decided only if
 * both readings agree. A criterion headed by a disease ("Sjögren's syndrome: ...") is never not met for a patient
 * not shown to have it. Measurements count for {@link #DEFAULT_LOOK_BACK} (or the look-back given) before the day.
 */
public final class EligibilityEvaluator {
  /** How far back a measurement counts for a limit (and a negative infection test for an exclusion). */
  public static final Period DEFAULT_LOOK_BACK = Period.ofDays(90);

  private final MatchVocabulary vocabulary;
  private final LimitEvaluator limits;
  private final TopicEvaluator topics;

  public EligibilityEvaluator(MatchVocabulary vocabulary) {
    this(vocabulary, DEFAULT_LOOK_BACK);
  }

  /** An evaluator whose look-back is {@code lookBack} (given in days). */
  public EligibilityEvaluator(MatchVocabulary vocabulary, Period lookBack) {
    this.vocabulary = vocabulary;
    this.limits = new LimitEvaluator(vocabulary, lookBack);
    this.topics = new TopicEvaluator(vocabulary, lookBack);
  }

  /** Evaluates a study (its Group may be null) for a patient on a day. */
  public StudyEvaluation evaluate(ResearchStudy study, Group eligibility, PatientData patient, LocalDate on) {
    return evaluate(read(study, eligibility), patient, on);
  }

  /** Reads a study's eligibility once, for evaluating many patients (see {@link TrialMatcher}). */
  StudyCriteria read(ResearchStudy study, Group eligibility) {
    return StudyCriteria.of(study, eligibility, vocabulary);
  }

  StudyEvaluation evaluate(StudyCriteria study, PatientData patient, LocalDate on) {
    List<CriterionResult> results = new ArrayList<>();
    if (!study.conditionLabels().isEmpty()) {
      results.add(condition(study, patient));
    }
    if (study.age() != null) {
      results.add(age(study.age(), patient, on));
    }
    if (study.sex() != null) {
      results.add(sex(study.sex(), patient));
    }
    Map<String, CriterionResult> byId = new LinkedHashMap<>();
    for (Criterion criterion : study.criteria()) {
      byId.put(criterion.id(), criterion.isHeader() ? null
          : criterion.computable() ? criterion(criterion, patient, on) : criterion.notComputable());
    }
    // Headings take their sub-criteria's status; the deepest first, so nested headings see their children's.
    for (Criterion header : study.headersDeepestFirst()) {
      byId.put(header.id(), heading(header, byId));
    }
    results.addAll(byId.values());
    return StudyEvaluation.of(study.id(), results);
  }

  CriterionResult condition(StudyCriteria study, PatientData patient) {
    String text = "Has one of the study's conditions: " + String.join("; ", study.conditionLabels());
    if (patient.conditions().isEmpty()) {
      return result("condition", text, false, CriterionStatus.UNKNOWN, List.of(), List.of(),
          "the patient data hold no diagnosis", true);
    }
    Optional<DiagnosisMatcher.Match> match = DiagnosisMatcher.match(study.conditionSnomed(), study.conditionForms(),
        study.conditionLabels(), patient.conditions());
    if (match.isPresent()) {
      return result("condition", text, false, CriterionStatus.MET, List.of(),
          List.of(new Evidence(match.get().condition().reference(), match.get().condition().label())),
          "diagnosis " + match.get().how(), true);
    }
    List<Evidence> evidence = patient.conditions().stream()
        .map(c -> new Evidence(c.reference(), c.label())).toList();
    return result("condition", text, false, CriterionStatus.NOT_MET, List.of(), evidence,
        "none of the patient's diagnoses is one of the study's conditions (by SNOMED CT code, ICD-10-CM through"
            + " icd10cm-snomed, or name)", true);
  }

  CriterionResult age(StudyCriteria.AgeRange range, PatientData patient, LocalDate on) {
    String text = "Age " + ageText(range);
    if (patient.birthDate() == null) {
      return result("age", text, false, CriterionStatus.UNKNOWN, List.of(), List.of(),
          "the Patient gives no birth date", true);
    }
    CriterionStatus low = CriterionStatus.MET;
    CriterionStatus high = CriterionStatus.MET;
    PatientAge lowAge = PatientAge.of(patient.birthDate(), on, range.lowUnit());
    PatientAge highAge = PatientAge.of(patient.birthDate(), on, range.highUnit());
    if (range.low() != null) {
      low = lowAge == null ? CriterionStatus.UNKNOWN
          : lowAge.youngest() >= range.low().doubleValue() ? CriterionStatus.MET
          : lowAge.oldest() < range.low().doubleValue() ? CriterionStatus.NOT_MET : CriterionStatus.UNKNOWN;
    }
    if (range.high() != null) {
      high = highAge == null ? CriterionStatus.UNKNOWN
          : highAge.oldest() <= range.high().doubleValue() ? CriterionStatus.MET
          : highAge.youngest() > range.high().doubleValue() ? CriterionStatus.NOT_MET : CriterionStatus.UNKNOWN;
    }
    CriterionStatus status = CriterionStatus.all(List.of(low, high));
    PatientAge shown = lowAge != null ? lowAge : highAge;
    String age = shown == null ? "" : "age " + shown.describe() + " on " + on;
    return result("age", text, false, status, List.of(),
        List.of(new Evidence(patient.patientReference(), "birthDate " + patient.birthDate().written() + "; " + age)),
        age + (status == CriterionStatus.MET ? " is within " : status == CriterionStatus.NOT_MET ? " is outside "
            : " may or may not be within ") + ageText(range), true);
  }

  private static String ageText(StudyCriteria.AgeRange range) {
    String low = range.low() == null ? null : Limit.plain(range.low()) + " " + unitName(range.lowUnit());
    String high = range.high() == null ? null : Limit.plain(range.high()) + " " + unitName(range.highUnit());
    return low != null && high != null ? low + " to " + high : low != null ? "at least " + low : "at most " + high;
  }

  private static String unitName(String ucum) {
    return switch (ucum == null ? "" : ucum) {
      case "a" -> "years";
      case "mo" -> "months";
      case "wk" -> "weeks";
      case "d" -> "days";
      default -> ucum;
    };
  }

  private CriterionResult sex(String sex, PatientData patient) {
    String text = "Sex: " + sex;
    String gender = patient.gender();
    if (gender == null || !(gender.equals("male") || gender.equals("female"))) {
      return result("sex", text, false, CriterionStatus.UNKNOWN, List.of(), List.of(),
          gender == null ? "the Patient gives no gender" : "Patient.gender is " + gender, true);
    }
    boolean same = gender.equals(sex);
    return result("sex", text, false, same ? CriterionStatus.MET : CriterionStatus.NOT_MET, List.of(),
        List.of(new Evidence(patient.patientReference(), "gender " + gender)),
        "Patient.gender is " + gender + (same ? "" : "; the study enrolls " + sex + " patients only"), true);
  }

  private CriterionResult criterion(Criterion c, PatientData patient, LocalDate on) {
    List<Evidence> evidence = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    List<CriterionStatus> statuses = new ArrayList<>();
    if (!c.limits().isEmpty()) {
      statuses.add(limits(c, patient, on, evidence, reasons));
    }
    // A topic may be named several times ("cellular therapy ..., such as TCR-T therapy, CAR-T therapy"): it is
    // present if any naming finds it, absent if every one shows it absent.
    Map<String, TopicEvaluator.Outcome> byTopic = new LinkedHashMap<>();
    for (TopicMention mention : c.topics()) {
      TopicEvaluator.Outcome outcome = topics.evaluate(mention, patient, on);
      byTopic.merge(mention.topic(), outcome, (a, b) -> b.state().ordinal() < a.state().ordinal() ? b : a);
    }
    boolean anyPresent = false;
    boolean allAbsent = true;
    for (TopicEvaluator.Outcome outcome : byTopic.values()) {
      outcome.evidence().stream().filter(e -> !evidence.contains(e)).forEach(evidence::add);
      reasons.add(outcome.explanation());
      anyPresent |= outcome.state() == TopicEvaluator.State.PRESENT;
      allAbsent &= outcome.state() == TopicEvaluator.State.ABSENT;
    }
    List<String> topicCodes = List.copyOf(byTopic.keySet());
    if (!byTopic.isEmpty()) {
      statuses.add(anyPresent ? CriterionStatus.NOT_MET : allAbsent ? CriterionStatus.MET : CriterionStatus.UNKNOWN);
    }
    CriterionStatus status = CriterionStatus.all(statuses);
    if (status == CriterionStatus.MET && !c.covered()) {
      status = CriterionStatus.UNKNOWN;
      reasons.add("the rest of the criterion is not computable: review its text");
    }
    if (c.heading() != null && status == CriterionStatus.NOT_MET) {
      Optional<DiagnosisMatcher.Match> has = DiagnosisMatcher.has(c.heading(), patient.conditions());
      if (has.isEmpty()) {
        status = CriterionStatus.UNKNOWN;
        reasons.add("it applies to patients with " + c.heading().name() + ", which the patient data do not show");
      }
    }
    return result(c.id(), c.text(), c.exclude(), status, topicCodes, evidence, String.join("; ", reasons),
        c.limits().stream().anyMatch(l -> l.loinc() != null) || !c.topics().isEmpty());
  }

  /**
   * The criterion's limits, grouped by analyte: a conditional limit replaces the unconditional ones of its analyte
   * when its condition holds, and is dropped when it does not; when that is unknown, both readings must agree.
   */
  private CriterionStatus limits(Criterion c, PatientData patient, LocalDate on, List<Evidence> evidence,
      List<String> reasons) {
    Map<String, List<Limit>> unconditional = new LinkedHashMap<>();
    Map<String, Map<String, List<Limit>>> conditional = new LinkedHashMap<>();
    for (Limit limit : c.limits()) {
      if (limit.condition() == null) {
        unconditional.computeIfAbsent(limit.analyteKey(), k -> new ArrayList<>()).add(limit);
      } else {
        conditional.computeIfAbsent(limit.analyteKey(), k -> new LinkedHashMap<>())
            .computeIfAbsent(limit.condition(), k -> new ArrayList<>()).add(limit);
      }
    }
    Map<Limit, LimitEvaluator.Outcome> outcomes = new HashMap<>();
    for (Limit limit : c.limits()) {
      LimitEvaluator.Outcome outcome = limits.evaluate(limit, patient, on);
      outcomes.put(limit, outcome);
      if (outcome.evidence() != null && !evidence.contains(outcome.evidence())) {
        evidence.add(outcome.evidence());
      }
    }
    List<CriterionStatus> groups = new ArrayList<>();
    List<String> keys = new ArrayList<>(unconditional.keySet());
    conditional.keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
    for (String key : keys) {
      List<Limit> base = unconditional.getOrDefault(key, List.of());
      CriterionStatus plain = base.isEmpty() ? CriterionStatus.MET : statusOf(base, outcomes, reasons);
      List<CriterionStatus> readings = new ArrayList<>();
      List<CriterionStatus> applying = new ArrayList<>();
      for (Map.Entry<String, List<Limit>> entry : conditional.getOrDefault(key, Map.of()).entrySet()) {
        Applicability applies = Applicability.of(entry.getValue().get(0).conditionTerms(), patient, on);
        reasons.add(applies.reason());
        CriterionStatus under = statusOf(entry.getValue(), outcomes, reasons);
        if (applies.answer() == Applicability.Answer.YES) {
          applying.add(under);
        } else if (applies.answer() == Applicability.Answer.UNKNOWN) {
          readings.add(under);
        }
      }
      if (!applying.isEmpty()) {
        groups.add(CriterionStatus.all(applying));
        continue;
      }
      readings.add(plain);
      groups.add(readings.stream().distinct().count() == 1 ? plain : CriterionStatus.UNKNOWN);
    }
    return CriterionStatus.all(groups);
  }

  private static CriterionStatus statusOf(List<Limit> group, Map<Limit, LimitEvaluator.Outcome> outcomes,
      List<String> reasons) {
    List<CriterionStatus> statuses = new ArrayList<>();
    for (Limit limit : group) {
      LimitEvaluator.Outcome outcome = outcomes.get(limit);
      statuses.add(outcome.status());
      if (!reasons.contains(outcome.explanation())) {
        reasons.add(outcome.explanation());
      }
    }
    return CriterionStatus.all(statuses);
  }

  private static CriterionResult heading(Criterion header, Map<String, CriterionResult> byId) {
    List<CriterionStatus> statuses = new ArrayList<>();
    List<String> open = new ArrayList<>();
    for (String child : header.children()) {
      CriterionResult result = byId.get(child);
      if (result != null) {
        statuses.add(result.status());
        if (result.status() != CriterionStatus.MET) {
          open.add(child + " " + result.status().code());
        }
      }
    }
    CriterionStatus status = CriterionStatus.all(statuses);
    String explanation = "follows its sub-criteria " + String.join(", ", header.children())
        + (open.isEmpty() ? "" : " (" + String.join(", ", open) + ")");
    return new CriterionResult(header.id(), header.text(), header.exclude(), status, List.of(), List.of(),
        explanation, false, false);
  }

  private static CriterionResult result(String id, String text, boolean exclude, CriterionStatus status,
      List<String> topics, List<Evidence> evidence, String explanation, boolean computable) {
    return new CriterionResult(id, text, exclude, status, topics, evidence, explanation, true, computable);
  }
}
