package org.trialfhir.corpus;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.trialfhir.corpus.Criteria.Item;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Criterion;
import org.trialfhir.source.TrialRecord.Design;
import org.trialfhir.source.TrialRecord.Enrollment;
import org.trialfhir.source.TrialRecord.Intervention;
import org.trialfhir.source.TrialRecord.Outcome;

/**
 * Draws one synthetic trial — registry id, titles, status and dates, phases, enrollment, conditions (Zipf-ranked),
 * design, arms and interventions, outcomes, eligibility, sponsors and sites — and states it as the {@link
 * TrialRecord} its format carries: what a MedPath page cannot show (dates, structured ages, sponsor class, ...)
 * is left out of that record, as the reader leaves it out.
 */
final class TrialComposer {
  /** "Today" for the corpus: fixed, so that statuses and dates agree without depending on the clock. */
  private static final LocalDate REFERENCE = LocalDate.of(2025, 7, 1);
  private static final Zipf CONDITIONS = new Zipf(Pools.get().conditions.size(), 1.07);
  private static final String[] STATUSES = {"RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING",
      "COMPLETED", "UNKNOWN", "TERMINATED", "WITHDRAWN", "SUSPENDED", "ENROLLING_BY_INVITATION"};
  private static final int[] STATUS_WEIGHTS = {33, 10, 8, 14, 22, 5, 4, 1, 3};
  private static final List<List<String>> PHASES = List.of(List.of("EARLY_PHASE1"), List.of("PHASE1"),
      List.of("PHASE1", "PHASE2"), List.of("PHASE2"), List.of("PHASE3"), List.of("NA"));
  private static final int[] PHASE_WEIGHTS = {10, 50, 20, 12, 2, 6};
  private static final Set<String> PEDIATRIC = Set.of("Neuroblastoma", "Diffuse Intrinsic Pontine Glioma",
      "Medulloblastoma", "Atypical Teratoid Rhabdoid Tumor", "Wilms Tumor", "Hepatoblastoma", "Osteosarcoma",
      "Ewing Sarcoma", "Rhabdomyosarcoma", "Desmoplastic Small Round Cell Tumor", "Juvenile Myelomonocytic Leukemia",
      "Juvenile Idiopathic Arthritis");

  /** An outcome measure with the time frames it is given with and an optional description. */
  private record OutcomeKind(String measure, List<String> timeFrames, String description) {}

  private static final List<OutcomeKind> PRIMARY = List.of(
      new OutcomeKind("Incidence of dose-limiting toxicities",
          List.of("28 days", "up to 28 days after infusion", "Day 28"),
          "Dose-limiting toxicities are assessed according to CTCAE version 5.0."),
      new OutcomeKind("Incidence of treatment-emergent adverse events",
          List.of("up to 2 years", "24 months", "up to 1 years"),
          "Adverse events are graded according to CTCAE version 5.0; cytokine release syndrome and neurotoxicity"
              + " according to the ASTCT consensus criteria."),
      new OutcomeKind("Maximum tolerated dose", List.of("28 days"), null),
      new OutcomeKind("Overall response rate", List.of("3 months", "up to 12 weeks", "Month 3"),
          "The proportion of participants with a complete or partial response."));
  private static final List<OutcomeKind> SECONDARY = List.of(
      new OutcomeKind("Progression-free survival", List.of("up to 2 years", "24 months"), null),
      new OutcomeKind("Overall survival", List.of("up to 2 years", "up to 5 years"), null),
      new OutcomeKind("Duration of response", List.of("up to 2 years"), null),
      new OutcomeKind("Complete remission rate", List.of("3 months"), null),
      new OutcomeKind("Minimal residual disease negativity rate", List.of("28 days"),
          "Measured in bone marrow by flow cytometry."),
      new OutcomeKind("Peak expansion of CAR-positive cells in peripheral blood", List.of("up to 1 years", "90 days"),
          "Copies of the CAR transgene per microgram of genomic DNA, measured by quantitative PCR."),
      new OutcomeKind("Incidence of cytokine release syndrome", List.of("28 days"), null),
      new OutcomeKind("Change in disease activity score from baseline", List.of("6 months"), null),
      new OutcomeKind("Time to response", List.of("up to 12 weeks"), null));

  private TrialComposer() {}

  static SyntheticTrial compose(long index, CorpusFormat format, String registryId, Dice dice) {
    Pools pools = Pools.get();
    Pools.Condition condition = pools.conditions.get(CONDITIONS.draw(dice));
    List<String> conditions = conditions(dice, condition);
    String target = dice.chance(0.5) ? condition.targets().get(0) : dice.pick(condition.targets());
    String status = STATUSES[dice.weighted(STATUS_WEIGHTS)];
    List<String> phases = PHASES.get(dice.weighted(PHASE_WEIGHTS));
    LocalDate[] dates = dates(dice, status);
    boolean monthOnly = dice.chance(0.15);
    String start = date(dates[0], monthOnly);
    String completion = date(dates[1], monthOnly);
    String lastUpdated = dates[2].toString();
    int enrollment = status.equals("WITHDRAWN") ? 0 : enrollment(dice, phases);
    String enrollmentType = List.of("COMPLETED", "TERMINATED", "ACTIVE_NOT_RECRUITING", "WITHDRAWN").contains(status)
        ? "ACTUAL" : "ESTIMATED";

    boolean pediatric = PEDIATRIC.contains(condition.name()) || dice.chance(0.06);
    int minAge = pediatric ? dice.pick(1, 1, 2, 3, 6) : dice.pick(18, 18, 18, 18, 18, 18, 16, 14, 12, 21);
    Integer maxAge = pediatric ? Integer.valueOf(dice.pick(18, 21, 25, 30))
        : dice.chance(0.4) ? null : Integer.valueOf(dice.pick(65, 70, 75, 80));
    String sex = sex(dice, condition);

    Treatment treatment = TreatmentComposer.compose(dice, condition, target);
    Criteria criteria = EligibilityComposer.compose(dice, condition, target, minAge, maxAge, sex, dice.chance(0.6));
    Parties parties = PartyComposer.compose(dice, status);

    String title = title(dice, condition, treatment);
    String officialTitle = format == CorpusFormat.CTGOV_JSON && dice.chance(0.6)
        ? officialTitle(dice, phases, condition, treatment) : null;
    String summary = summary(dice, phases, condition, treatment, enrollment);
    String description = String.join("\n\n", treatment.design(), treatment.regimen(), followUp(dice));
    List<String> keywords = dice.chance(0.5) ? keywords(dice, treatment, condition) : List.of();

    boolean twoArms = dice.chance(0.25);
    Design design = design(dice, twoArms);
    List<String> labels = twoArms
        ? dice.pick(List.of("Dose escalation", "Dose expansion"), List.of("Cohort A", "Cohort B"))
        : List.of(dice.pick("Experimental arm", "Treatment group", "Single arm", "Dose escalation"));
    List<String> interventionNames = new ArrayList<>();
    interventionNames.add(treatment.product());
    treatment.drugInterventions().forEach(d -> interventionNames.add(d.name()));
    List<Arm> arms = new ArrayList<>();
    for (int k = 0; k < labels.size(); k++) {
      arms.add(new Arm(labels.get(k), "EXPERIMENTAL", k == 0 ? treatment.regimen() : treatment.laterArm(),
          interventionNames));
    }
    List<Intervention> interventions = new ArrayList<>();
    List<String> otherNames = dice.chance(0.3) ? List.of(productCode(dice)) : List.of();
    interventions.add(new Intervention(treatment.product(), treatment.interventionType(),
        treatment.productDescription(), labels, otherNames));
    treatment.drugInterventions().forEach(d -> interventions.add(new Intervention(d.name(), "DRUG", d.description(),
        labels, List.of())));
    List<Outcome> outcomes = outcomes(dice);

    CriteriaStyle style = CriteriaStyle.draw(dice, format);
    TrialRecord.Eligibility eligibility = new TrialRecord.Eligibility(style.label(criteria.inclusion()),
        style.label(criteria.exclusion()), new TrialRecord.AgeLimit(minAge, "YEARS"),
        maxAge == null ? null : new TrialRecord.AgeLimit(maxAge, "YEARS"), sex, false);

    TrialRecord full = new TrialRecord(registryId,
        List.of(new TrialRecord.OtherId(orgStudyId(dice), null, "org_study_id")),
        title, officialTitle, lastUpdated, status, phases, new Enrollment(enrollment, enrollmentType), start,
        completion, "INTERVENTIONAL", summary, description, conditions, keywords, design, arms, interventions,
        outcomes, eligibility, parties.lead(), parties.collaborators(), null, List.of(), List.of(), List.of(),
        List.of(), List.of());
    TrialRecord record = FormatCoverage.project(full, parties, format, dice);
    return new SyntheticTrial(index, format, record, criteria.limits(), treatment.lymphodepletion(),
        treatment.cellDoses(), treatment.infusionDays());
  }

  private static List<String> conditions(Dice dice, Pools.Condition condition) {
    Set<String> terms = new LinkedHashSet<>();
    terms.add(condition.abbreviation() != null && dice.chance(0.35)
        ? condition.name() + " (" + condition.abbreviation() + ")" : condition.name());
    if (dice.chance(0.35)) {
      String qualifier = condition.autoimmune() ? "Refractory"
          : condition.solid() ? dice.pick("Recurrent", "Metastatic", "Refractory")
          : dice.pick("Relapsed", "Refractory", "Relapsed/Refractory");
      terms.add(qualifier + " " + condition.name());
    }
    if (dice.chance(0.2)) {
      for (int tries = 0; tries < 5; tries++) {
        Pools.Condition other = Pools.get().conditions.get(CONDITIONS.draw(dice));
        if (other.group().equals(condition.group())) {
          terms.add(other.name());
          break;
        }
      }
    }
    return List.copyOf(terms);
  }

  /** Start, completion and last-update dates that agree with the status as of {@link #REFERENCE}. */
  private static LocalDate[] dates(Dice dice, String status) {
    LocalDate start;
    LocalDate end;
    switch (status) {
      case "NOT_YET_RECRUITING" -> {
        start = REFERENCE.plusDays(dice.between(15, 300));
        end = start.plusDays(dice.between(730, 1800));
      }
      case "RECRUITING", "ENROLLING_BY_INVITATION" -> {
        start = REFERENCE.minusDays(dice.between(30, 1500));
        LocalDate planned = start.plusDays(dice.between(730, 2200));
        end = planned.isAfter(REFERENCE) ? planned : REFERENCE.plusDays(dice.between(60, 700));
      }
      case "ACTIVE_NOT_RECRUITING" -> {
        start = REFERENCE.minusDays(dice.between(365, 2200));
        end = REFERENCE.plusDays(dice.between(-100, 900));
      }
      case "COMPLETED" -> {
        start = REFERENCE.minusDays(dice.between(730, 4000));
        LocalDate planned = start.plusDays(dice.between(365, 1800));
        end = planned.isBefore(REFERENCE) ? planned : REFERENCE.minusDays(dice.between(10, 300));
      }
      case "UNKNOWN" -> {
        start = REFERENCE.minusDays(dice.between(1500, 3600));
        end = start.plusDays(dice.between(365, 2000));
      }
      default -> {
        start = REFERENCE.minusDays(dice.between(180, 3000));
        end = start.plusDays(dice.between(180, 1500));
      }
    }
    LocalDate updated = start.plusDays(dice.between(-90, 1500));
    if (updated.isAfter(REFERENCE)) {
      updated = REFERENCE.minusDays(dice.between(0, 200));
    }
    return new LocalDate[] {start, end, updated};
  }

  private static String date(LocalDate date, boolean monthOnly) {
    return monthOnly ? date.toString().substring(0, 7) : date.toString();
  }

  private static int enrollment(Dice dice, List<String> phases) {
    return switch (phases.get(phases.size() - 1)) {
      case "EARLY_PHASE1" -> dice.between(3, 30);
      case "PHASE1" -> dice.between(6, 60);
      case "PHASE2" -> phases.size() > 1 ? dice.between(20, 150) : dice.between(30, 200);
      case "PHASE3" -> dice.between(150, 600);
      default -> dice.between(10, 100);
    };
  }

  private static String sex(Dice dice, Pools.Condition condition) {
    return switch (condition.name()) {
      case "Ovarian Cancer", "Cervical Cancer", "Endometrial Cancer" -> "FEMALE";
      case "Prostate Cancer" -> "MALE";
      default -> new String[] {"ALL", "FEMALE", "MALE"}[dice.weighted(98, 1, 1)];
    };
  }

  private static String title(Dice dice, Pools.Condition condition, Treatment treatment) {
    String relapsed = condition.autoimmune() ? "Refractory" : "Relapsed or Refractory";
    String product = treatment.product().replace(" cells", " Cells");
    return switch (dice.between(0, 4)) {
      case 0 -> product + " in Patients With " + relapsed + " " + condition.name();
      case 1 -> "A Study of " + product + " for " + condition.name();
      case 2 -> "Safety and Efficacy of " + treatment.target() + "-targeted " + treatment.kind() + " Cells in "
          + condition.name();
      case 3 -> "Clinical Study of " + treatment.kind() + " Cell Therapy in Patients With " + relapsed + " "
          + condition.name();
      default -> treatment.target() + " " + treatment.kind() + " Cells for Relapsed/Refractory " + condition.name();
    };
  }

  private static String officialTitle(Dice dice, List<String> phases, Pools.Condition condition, Treatment treatment) {
    return "A " + phaseWords(phases, true) + ", Open-label, " + dice.pick("Single-arm", "Multicenter", "Single-center")
        + " Study to Evaluate the Safety and Efficacy of " + treatment.product() + " in Patients With "
        + condition.name();
  }

  private static String phaseWords(List<String> phases, boolean capital) {
    String words = switch (String.join("/", phases)) {
      case "EARLY_PHASE1" -> "early phase 1";
      case "PHASE1" -> "phase 1";
      case "PHASE1/PHASE2" -> "phase 1/2";
      case "PHASE2" -> "phase 2";
      case "PHASE3" -> "phase 3";
      default -> "pilot";
    };
    return capital ? Character.toUpperCase(words.charAt(0)) + words.substring(1) : words;
  }

  private static String summary(Dice dice, List<String> phases, Pools.Condition condition, Treatment treatment,
      int enrollment) {
    String what = "This is a " + dice.pick("single-center", "multicenter") + ", open-label, "
        + phaseWords(phases, false) + " study to evaluate the safety and efficacy of " + treatment.product()
        + " in patients with " + (condition.autoimmune() ? "refractory " : "relapsed or refractory ")
        + condition.name() + ".";
    if (enrollment == 0 || dice.chance(0.3)) {
      return what;
    }
    return what + (dice.chance(0.5) ? " Approximately " + enrollment + " participants will be enrolled."
        : "\n\nThe study plans to enroll " + enrollment + " participants.");
  }

  private static String followUp(Dice dice) {
    return dice.pick("Participants will be followed for safety and efficacy for up to 2 years after the infusion, and"
        + " for long-term safety for up to 15 years.", "After the infusion, participants are monitored for cytokine"
        + " release syndrome and neurotoxicity, and followed up for response and survival.");
  }

  private static List<String> keywords(Dice dice, Treatment treatment, Pools.Condition condition) {
    Set<String> keywords = new LinkedHashSet<>();
    keywords.add(treatment.kind().startsWith("CAR-NK") ? "CAR-NK" : treatment.kind().startsWith("TCR") ? "TCR-T"
        : "CAR-T");
    keywords.add(treatment.target());
    if (condition.abbreviation() != null && dice.chance(0.5)) {
      keywords.add(condition.abbreviation());
    }
    if (dice.chance(0.4)) {
      keywords.add(dice.pick("Cell therapy", "Immunotherapy", "Adoptive cellular immunotherapy"));
    }
    return List.copyOf(keywords);
  }

  private static Design design(Dice dice, boolean twoArms) {
    if (!twoArms) {
      return new Design("NA", "SINGLE_GROUP", dice.chance(0.2) ? "Single-arm, open-label study." : null, "TREATMENT",
          "NONE", dice.chance(0.2) ? "Open label" : null);
    }
    return new Design(dice.chance(0.85) ? "NON_RANDOMIZED" : "RANDOMIZED", dice.pick("SEQUENTIAL", "PARALLEL"),
        dice.chance(0.3) ? "Dose escalation followed by dose expansion at the recommended dose." : null, "TREATMENT",
        "NONE", null);
  }

  private static List<Outcome> outcomes(Dice dice) {
    List<Outcome> outcomes = new ArrayList<>();
    for (OutcomeKind kind : PRIMARY) {
      if (outcomes.isEmpty() ? dice.chance(0.6) : dice.chance(0.25)) {
        outcomes.add(outcome(dice, "PRIMARY", kind));
      }
    }
    if (outcomes.isEmpty()) {
      outcomes.add(outcome(dice, "PRIMARY", PRIMARY.get(1)));
    }
    for (OutcomeKind kind : SECONDARY) {
      if (dice.chance(0.3)) {
        outcomes.add(outcome(dice, "SECONDARY", kind));
      }
    }
    return outcomes;
  }

  private static Outcome outcome(Dice dice, String type, OutcomeKind kind) {
    return new Outcome(type, kind.measure(), dice.pick(kind.timeFrames()),
        kind.description() != null && dice.chance(0.6) ? kind.description() : null);
  }

  private static String productCode(Dice dice) {
    return "" + (char) ('A' + dice.between(0, 25)) + (char) ('A' + dice.between(0, 25)) + "-" + dice.between(100, 999);
  }

  private static String orgStudyId(Dice dice) {
    StringBuilder id = new StringBuilder();
    for (int k = dice.between(2, 4); k > 0; k--) {
      id.append((char) ('A' + dice.between(0, 25)));
    }
    id.append(dice.between(10, 9999));
    if (dice.chance(0.5)) {
      id.append('-').append(String.format(Locale.ROOT, "%03d", dice.between(1, 999)));
    }
    return id.toString();
  }

  /** How one format numbers its criteria lists; {@link #label} gives the reader's labels. */
  record CriteriaStyle(String root, String child) {
    static CriteriaStyle draw(Dice dice, CorpusFormat format) {
      return switch (format) {
        case CTGOV_PAGE -> dice.chance(0.75) ? new CriteriaStyle("1.", "1)") : new CriteriaStyle("*", "1.");
        case MEDPATH_PAGE -> dice.chance(0.7) ? new CriteriaStyle("1.", "1)") : new CriteriaStyle("(1)", "1)");
        case CTGOV_JSON -> dice.chance(0.85) ? new CriteriaStyle("*", "1.") : new CriteriaStyle("1.", "1)");
      };
    }

    List<Criterion> label(List<Item> items) {
      List<Criterion> criteria = new ArrayList<>();
      for (int k = 0; k < items.size(); k++) {
        List<Criterion> children = new ArrayList<>();
        List<String> texts = items.get(k).children();
        for (int c = 0; c < texts.size(); c++) {
          children.add(new Criterion(label(child, c + 1), texts.get(c), List.of()));
        }
        criteria.add(new Criterion(label(root, k + 1), items.get(k).text(), children));
      }
      return criteria;
    }

    private static String label(String pattern, int number) {
      return pattern.equals("*") ? "*" : pattern.replace("1", String.valueOf(number));
    }
  }
}
