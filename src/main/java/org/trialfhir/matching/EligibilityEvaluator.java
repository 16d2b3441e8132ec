package org.trialfhir.matching;

import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    return evaluate(read(study, eligibility, new Interner()), facts(patient, on));
  }

  /**
   * Reads a study's eligibility once, for evaluating many patients (see {@link TrialMatcher}), sharing parts equal
   * to other studies' through the interner.
   */
  StudyCriteria read(ResearchStudy study, Group eligibility, Interner interner) {
    return StudyCriteria.of(study, eligibility, vocabulary, interner);
  }

  /** A patient on a day, to evaluate against many studies. */
  PatientFacts facts(PatientData patient, LocalDate on) {
    return new PatientFacts(this, patient, on);
  }

  LimitEvaluator limits() {
    return limits;
  }

  TopicEvaluator topics() {
    return topics;
  }

  /** Evaluates a study with every criterion's detail: texts, evidence and explanations. */
  StudyEvaluation evaluate(StudyCriteria study, PatientFacts facts) {
    List<CriterionResult> results = new ArrayList<>(core(study, facts));
    List<Criterion> criteria = study.criteria();
    CriterionResult[] byPosition = new CriterionResult[criteria.size()];
    for (int i = 0; i < byPosition.length; i++) {
      Criterion criterion = criteria.get(i);
      if (!criterion.isHeader()) {
        byPosition[i] = result(criterion, facts);
      }
    }
    // Headings take their sub-criteria's status; the deepest first, so nested headings see their children's.
    for (StudyCriteria.Heading heading : study.headingsDeepestFirst()) {
      byPosition[heading.position()] = heading(criteria.get(heading.position()), heading, byPosition);
    }
    results.addAll(Arrays.asList(byPosition));
    return StudyEvaluation.of(study.id(), results);
  }

  /**
   * A grader fed with all of the study but its decidable criteria: its conditions, age range and sex, and the criteria
   * no patient data can decide. With the statuses of the {@link StudyCriteria#decidable()} criteria added (those of
   * their rules, {@link #status(CriterionRule, PatientFacts)}), it gives the grade and score of {@link
   * #evaluate(StudyCriteria, PatientFacts)} without building any text: what ranking the studies needs. Headings are
   * not counted (their statuses repeat their sub-criteria's), so the grade needs none of them.
   */
  StudyEvaluation.Grader grader(StudyCriteria study, PatientFacts facts) {
    return grader(study.core(), facts);
  }

  /** {@link #grader(StudyCriteria, PatientFacts)} from what a matcher keeps of a study to rank it. */
  StudyEvaluation.Grader grader(StudyCriteria.Core study, PatientFacts facts) {
    StudyEvaluation.Grader grader = new StudyEvaluation.Grader();
    core(study, facts).forEach(grader::add);
    grader.addUndecidable(study.undecidable());
    return grader;
  }

  /** The results of the study's conditions, age range and sex, those it states. */
  private static List<CriterionResult> core(StudyCriteria study, PatientFacts facts) {
    return core(study.core(), facts);
  }

  private static List<CriterionResult> core(StudyCriteria.Core study, PatientFacts facts) {
    List<CriterionResult> core = new ArrayList<>(3);
    if (!study.conditions().labels().isEmpty()) {
      core.add(facts.conditions(study.conditions()));
    }
    if (study.age() != null) {
      core.add(facts.age(study.age()));
    }
    if (study.sex() != null) {
      core.add(facts.sex(study.sex()));
    }
    return core;
  }

  CriterionResult condition(StudyCriteria.Conditions study, PatientData patient) {
    String text = "Has one of the study's conditions: " + String.join("; ", study.labels());
    if (patient.conditions().isEmpty()) {
      return result("condition", text, false, CriterionStatus.UNKNOWN, List.of(), List.of(),
          "the patient data hold no diagnosis", true);
    }
    Optional<DiagnosisMatcher.Match> match = DiagnosisMatcher.match(study.snomed(), study.forms(), study.labels(),
        patient.conditions());
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

  CriterionResult sex(String sex, PatientData patient) {
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

  /** A criterion that is not a heading, with its evidence and the reasons for its status. */
  static CriterionResult result(Criterion c, PatientFacts facts) {
    if (!c.computable()) {
      return c.notComputable();
    }
    RuleOutcome outcome = facts.outcome(c.rule());
    return result(c.id(), c.text(), c.exclude(), outcome.status(), c.rule().topicCodes(), outcome.evidence(),
        outcome.explanation(), c.rule().coded());
  }

  /** What a rule gives for a patient: the status, the evidence, and the reasons in words. */
  record RuleOutcome(CriterionStatus status, List<Evidence> evidence, String explanation) {}

  /** A rule's status with its evidence and reasons (the same for every criterion with that rule). */
  RuleOutcome outcome(CriterionRule rule, PatientFacts facts) {
    Trace trace = new Trace();
    CriterionStatus status = status(rule, facts, trace);
    return new RuleOutcome(status, List.copyOf(trace.evidence), String.join("; ", trace.reasons));
  }

  /** The status of a computable criterion (not a heading) with this rule. */
  CriterionStatus status(CriterionRule rule, PatientFacts facts) {
    return status(rule, facts, Trace.OFF);
  }

  /**
   * A computable criterion's status, from its limits and topics; with the evidence and reasons written into the
   * trace when it is on. Both the ranking of every candidate ({@link #grader}) and the detail of the studies
   * answered ({@link #evaluate(StudyCriteria, PatientFacts)}) come from here, so they cannot disagree.
   */
  private CriterionStatus status(CriterionRule rule, PatientFacts facts, Trace trace) {
    CriterionStatus status = rule.thresholds().isEmpty() ? null : limits(rule, facts, trace);
    // A topic may be named several times ("cellular therapy ..., such as TCR-T therapy, CAR-T therapy"): it is
    // present if any naming finds it, absent if every one shows it absent.
    if (!rule.byTopic().isEmpty()) {
      boolean anyPresent = false;
      boolean allAbsent = true;
      for (CriterionRule.TopicMentions topic : rule.byTopic()) {
        TopicEvaluator.Outcome outcome = null;
        for (TopicMention mention : topic.mentions()) {
          TopicEvaluator.Outcome next = facts.mention(mention);
          outcome = outcome == null || next.state().ordinal() < outcome.state().ordinal() ? next : outcome;
        }
        outcome.evidence().forEach(trace::evidence);
        trace.reason(outcome.explanation());
        anyPresent |= outcome.state() == TopicEvaluator.State.PRESENT;
        allAbsent &= outcome.state() == TopicEvaluator.State.ABSENT;
      }
      status = CriterionStatus.and(status,
          anyPresent ? CriterionStatus.NOT_MET : allAbsent ? CriterionStatus.MET : CriterionStatus.UNKNOWN);
    }
    if (status == CriterionStatus.MET && !rule.covered()) {
      status = CriterionStatus.UNKNOWN;
      trace.reason("the rest of the criterion is not computable: review its text");
    }
    if (rule.heading() != null && status == CriterionStatus.NOT_MET && !facts.has(rule.heading())) {
      status = CriterionStatus.UNKNOWN;
      if (trace.on) {
        trace.reason("it applies to patients with " + rule.heading().name() + ", which the patient data do not show");
      }
    }
    return status;
  }

  /**
   * The criterion's thresholds, by analyte: a conditional one replaces the unconditional ones of its analyte when
   * its condition holds, and is dropped when it does not; when that is unknown, both readings must agree.
   */
  private static CriterionStatus limits(CriterionRule rule, PatientFacts facts, Trace trace) {
    if (trace.on) {
      for (Threshold threshold : rule.thresholds()) {
        Evidence evidence = facts.threshold(threshold).evidence();
        if (evidence != null) {
          trace.evidence(evidence);
        }
      }
    }
    CriterionStatus all = null;
    for (CriterionRule.AnalyteThresholds analyte : rule.byAnalyte()) {
      CriterionStatus plain = analyte.always().isEmpty() ? CriterionStatus.MET
          : statusOf(analyte.always(), facts, trace);
      CriterionStatus applying = null;
      boolean readingsAgree = true;
      for (CriterionRule.ConditionalThresholds under : analyte.conditional()) {
        Applicability applies = facts.applicability(under.condition());
        trace.reason(applies.reason());
        CriterionStatus status = statusOf(under.thresholds(), facts, trace);
        if (applies.answer() == Applicability.Answer.YES) {
          applying = CriterionStatus.and(applying, status);
        } else if (applies.answer() == Applicability.Answer.UNKNOWN) {
          readingsAgree &= status == plain;
        }
      }
      all = CriterionStatus.and(all, applying != null ? applying : readingsAgree ? plain : CriterionStatus.UNKNOWN);
    }
    return all;
  }

  private static CriterionStatus statusOf(List<Threshold> group, PatientFacts facts, Trace trace) {
    CriterionStatus all = null;
    for (Threshold threshold : group) {
      LimitEvaluator.Outcome outcome = facts.threshold(threshold);
      all = CriterionStatus.and(all, outcome.status());
      trace.reasonOnce(outcome.explanation());
    }
    return all;
  }

  private static CriterionResult heading(Criterion header, StudyCriteria.Heading heading,
      CriterionResult[] byPosition) {
    CriterionStatus status = null;
    List<String> open = new ArrayList<>();
    for (int child : heading.children()) {
      CriterionResult result = byPosition[child];
      status = CriterionStatus.and(status, result.status());
      if (result.status() != CriterionStatus.MET) {
        open.add(result.id() + " " + result.status().code());
      }
    }
    String explanation = "follows its sub-criteria " + String.join(", ", header.children())
        + (open.isEmpty() ? "" : " (" + String.join(", ", open) + ")");
    return new CriterionResult(header.id(), header.text(), header.exclude(),
        status == null ? CriterionStatus.UNKNOWN : status, List.of(), List.of(), explanation, false, false);
  }

  /**
   * The evidence and reasons behind a criterion's status, kept only for the studies answered ({@link #OFF} for the
   * others): each piece of evidence once, in the order found.
   */
  private static final class Trace {
    static final Trace OFF = new Trace(false);

    final boolean on;
    final List<Evidence> evidence;
    final List<String> reasons;

    Trace() {
      this(true);
    }

    private Trace(boolean on) {
      this.on = on;
      this.evidence = on ? new ArrayList<>() : List.of();
      this.reasons = on ? new ArrayList<>() : List.of();
    }

    void evidence(Evidence e) {
      if (on && !evidence.contains(e)) {
        evidence.add(e);
      }
    }

    void reason(String reason) {
      if (on) {
        reasons.add(reason);
      }
    }

    void reasonOnce(String reason) {
      if (on && !reasons.contains(reason)) {
        reasons.add(reason);
      }
    }
  }

  private static CriterionResult result(String id, String text, boolean exclude, CriterionStatus status,
      List<String> topics, List<Evidence> evidence, String explanation, boolean computable) {
    return new CriterionResult(id, text, exclude, status, topics, evidence, explanation, true, computable);
  }
}
