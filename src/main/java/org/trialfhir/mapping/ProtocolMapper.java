package org.trialfhir.mapping;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Dosage.DosageDoseAndRateComponent;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.ActionRelationshipType;
import org.hl7.fhir.r4.model.PlanDefinition.ActionSelectionBehavior;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionRelatedActionComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Timing;
import org.hl7.fhir.r4.model.Timing.UnitsOfTime;
import org.trialfhir.mapping.Schedule.CellInfusion;
import org.trialfhir.mapping.Schedule.Dose;
import org.trialfhir.mapping.Schedule.DrugStep;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.Diagnostic.Severity;
import org.trialfhir.source.TrialRecord;

/**
 * Turns a record's {@link Schedule} into the protocol PlanDefinition and its ActivityDefinitions: one action
 * per lymphodepletion drug and per cell infusion, each timed by {@code study-day} extensions and by a
 * {@code relatedAction} offset from the day-0 infusion, dose-escalation levels as {@code exactly-one}
 * alternatives. What the schedule lacks stays absent.
 */
public final class ProtocolMapper {
  public static final String BASE = "https://trialfhir.org/fhir";
  public static final String PROFILE = BASE + "/StructureDefinition/cell-therapy-protocol";
  public static final String ACTIVITY_PROFILE = BASE + "/StructureDefinition/cell-therapy-activity";
  public static final String STUDY_DAY = BASE + "/StructureDefinition/study-day";
  private static final String UCUM = "http://unitsofmeasure.org";
  private static final String FIRST_INFUSION = "infusion-1";
  private static final Pattern NOT_SLUG = Pattern.compile("[^a-z0-9]+");
  private static final Pattern EDGE_DASHES = Pattern.compile("^-+|-+$");

  private final ConceptMaps maps;
  private final ScheduleExtractor extractor;

  public ProtocolMapper(ConceptMaps maps) {
    this.maps = maps;
    this.extractor = new ScheduleExtractor(new ScheduleExtractor.Vocabulary(
        maps.sourceCodes("drug-rxnorm"),
        maps.sourceCodes("route-snomed"),
        unit -> maps.translate("unit-ucum", unit).map(Coding::getCode)));
  }

  /** The protocol and its activity definitions for one record. */
  public record Protocol(PlanDefinition plan, List<ActivityDefinition> activities) {}

  public Protocol map(TrialRecord record, List<Diagnostic> diagnostics) {
    String nct = record.registryId();
    Schedule schedule = extractor.extract(record);
    PlanDefinition plan = new PlanDefinition();
    plan.setId(ResourceIds.protocol(nct));
    plan.getMeta().addProfile(PROFILE);
    plan.setUrl(BASE + "/PlanDefinition/" + ResourceIds.protocol(nct));
    plan.setName("Protocol_" + nct);
    plan.setTitle("Treatment protocol of " + nct);
    plan.setStatus(PublicationStatus.ACTIVE);
    plan.setType(new CodeableConcept(new Coding(
        "http://terminology.hl7.org/CodeSystem/plan-definition-type", "clinical-protocol", "Clinical Protocol")));
    plan.setDescription(description(record, schedule));
    List<ActivityDefinition> activities = new ArrayList<>();
    CellInfusion infusion = schedule.infusion();
    boolean anchored = infusion != null && !infusion.days().isEmpty();
    if (!schedule.lymphodepletion().isEmpty()) {
      PlanDefinitionActionComponent group = plan.addAction()
          .setTitle("Lymphodepletion")
          .setDescription("Lymphodepleting chemotherapy before the cell infusion.");
      group.setId("lymphodepletion");
      for (DrugStep step : schedule.lymphodepletion()) {
        ActivityDefinition activity = drugActivity(nct, step, diagnostics);
        activities.add(activity);
        PlanDefinitionActionComponent action = group.addAction()
            .setTitle(capitalise(step.drug()))
            .setTextEquivalent(step.text())
            .setDefinition(new org.hl7.fhir.r4.model.CanonicalType(activity.getUrl()));
        action.setId("lymphodepletion-" + slug(step.drug()));
        studyDays(action, step.days());
        if (anchored && (!step.days().isEmpty() || step.beforeInfusion())) {
          action.addRelatedAction(beforeInfusion(step.days()));
        }
      }
    }
    if (infusion != null) {
      infusionActions(plan, nct, infusion, activities, diagnostics);
    }
    return new Protocol(plan, activities);
  }

  private static String description(TrialRecord record, Schedule schedule) {
    StringBuilder text = new StringBuilder("Treatment schedule of " + record.registryId()
        + " as the registry record states it. Study days are counted from the first cell infusion (day 0).");
    if (schedule.lymphodepletion().isEmpty()) {
      text.append(" The record names no lymphodepletion.");
    }
    if (schedule.infusion() == null) {
      text.append(" The record states no cell infusion schedule.");
    }
    if (!schedule.notes().isEmpty()) {
      text.append("\n\n### Notes on the source\n");
      for (String note : schedule.notes()) {
        text.append("\n- ").append(note);
      }
    }
    return text.toString();
  }

  private ActivityDefinition drugActivity(String nct, DrugStep step, List<Diagnostic> diagnostics) {
    ActivityDefinition activity = activity(nct, step.drug(), capitalise(step.drug()));
    activity.setKind(ActivityDefinition.ActivityDefinitionKind.MEDICATIONREQUEST);
    CodeableConcept product = new CodeableConcept().setText(step.drug());
    Optional<Coding> rxnorm = maps.translate("drug-rxnorm", step.drug());
    if (rxnorm.isPresent()) {
      product.addCoding(rxnorm.get());
    } else {
      diagnostics.add(new Diagnostic(Severity.WARNING, "PlanDefinition", 0, step.drug(),
          "no RxNorm code for this drug in mappings/ConceptMap-drug-rxnorm.json; kept as text"));
    }
    activity.setProduct(product);
    Dosage dosage = dosage(step.text(), step.route(), step.duration(), step.dose(), diagnostics);
    if (dosage != null) {
      activity.addDosage(dosage);
    }
    return activity;
  }

  private ActivityDefinition activity(String nct, String slug, String title) {
    ActivityDefinition activity = new ActivityDefinition();
    String id = ResourceIds.activity(nct, slug);
    activity.setId(id);
    activity.getMeta().addProfile(ACTIVITY_PROFILE);
    activity.setUrl(BASE + "/ActivityDefinition/" + id);
    activity.setName(ResourceIds.name(id));
    activity.setTitle(title);
    activity.setStatus(PublicationStatus.ACTIVE);
    return activity;
  }

  /** The dosage the source states, or null when it states none of route, duration and dose. */
  private Dosage dosage(String text, String route, Schedule.Duration duration, Dose dose,
      List<Diagnostic> diagnostics) {
    if (route == null && duration == null && dose == null) {
      return null;
    }
    Dosage dosage = new Dosage().setText(text);
    if (route != null) {
      CodeableConcept concept = new CodeableConcept().setText(route);
      maps.translate("route-snomed", route).ifPresentOrElse(concept::addCoding, () -> diagnostics.add(
          new Diagnostic(Severity.WARNING, "PlanDefinition", 0, route, "no SNOMED CT route for this word; kept as text")));
      dosage.setRoute(concept);
    }
    if (duration != null) {
      Timing.TimingRepeatComponent repeat = dosage.getTiming().getRepeat();
      repeat.setDuration(duration.low());
      if (duration.high().compareTo(duration.low()) != 0) {
        repeat.setDurationMax(duration.high());
      }
      repeat.setDurationUnit(UnitsOfTime.fromCode(duration.ucum()));
    }
    if (dose != null) {
      DosageDoseAndRateComponent doseAndRate = dosage.addDoseAndRate();
      if (dose.isRange()) {
        doseAndRate.setDose(new Range().setLow(quantity(dose.low(), dose)).setHigh(quantity(dose.high(), dose)));
      } else {
        doseAndRate.setDose(quantity(dose.low(), dose));
      }
    }
    return dosage;
  }

  private static Quantity quantity(BigDecimal value, Dose dose) {
    return new Quantity().setValue(value).setUnit(dose.ucum()).setSystem(UCUM).setCode(dose.ucum());
  }

  private void infusionActions(PlanDefinition plan, String nct, CellInfusion infusion,
      List<ActivityDefinition> activities, List<Diagnostic> diagnostics) {
    String product = infusion.product() == null ? "Cell product" : infusion.product();
    ActivityDefinition cells = activity(nct, "cell-product", product);
    cells.setKind(ActivityDefinition.ActivityDefinitionKind.MEDICATIONREQUEST);
    cells.setProduct(new CodeableConcept().setText(product));
    Dosage dosage = dosage(infusion.text(), infusion.route(), infusion.duration(), infusion.dose(), diagnostics);
    if (dosage != null) {
      cells.addDosage(dosage);
    }
    activities.add(cells);
    List<ActivityDefinition> levels = new ArrayList<>();
    for (int i = 0; i < infusion.levels().size(); i++) {
      Dose level = infusion.levels().get(i);
      ActivityDefinition activity = activity(nct, "cell-dose-level-" + (i + 1),
          product + ", dose level " + (i + 1) + ": " + doseText(level));
      activity.setKind(ActivityDefinition.ActivityDefinitionKind.MEDICATIONREQUEST);
      activity.setProduct(new CodeableConcept().setText(product));
      activity.addDosage(dosage(infusion.text(), infusion.route(), infusion.duration(), level, diagnostics));
      levels.add(activity);
    }
    activities.addAll(levels);
    List<Integer> days = infusion.days().isEmpty() ? java.util.Collections.singletonList(null) : infusion.days();
    for (int n = 0; n < days.size(); n++) {
      Integer day = days.get(n);
      PlanDefinitionActionComponent action = plan.addAction()
          .setTitle(product + (days.size() > 1 ? " infusion " + (n + 1) : " infusion"))
          .setTextEquivalent(infusion.text());
      action.setId("infusion-" + (n + 1));
      if (day != null) {
        studyDays(action, List.of(day));
      }
      if (n > 0 && day != null && days.get(0) != null) {
        action.addRelatedAction(new PlanDefinitionActionRelatedActionComponent()
            .setActionId(FIRST_INFUSION)
            .setRelationship(ActionRelationshipType.AFTERSTART)
            .setOffset(days(day - days.get(0))));
      }
      if (levels.isEmpty()) {
        action.setDefinition(new org.hl7.fhir.r4.model.CanonicalType(cells.getUrl()));
      } else {
        action.setSelectionBehavior(ActionSelectionBehavior.EXACTLYONE);
        for (int i = 0; i < levels.size(); i++) {
          PlanDefinitionActionComponent alternative = action.addAction()
              .setTitle("Dose level " + (i + 1) + ": " + doseText(infusion.levels().get(i)))
              .setDefinition(new org.hl7.fhir.r4.model.CanonicalType(levels.get(i).getUrl()));
          alternative.setId(action.getId() + "-dose-level-" + (i + 1));
        }
      }
    }
    if (infusion.repeat() != null) {
      Schedule.Repeat repeat = infusion.repeat();
      PlanDefinitionActionComponent more = plan.addAction()
          .setTitle(repeat.countLow() == repeat.countHigh()
              ? repeat.countLow() + " additional doses"
              : repeat.countLow() + " or " + repeat.countHigh() + " additional doses")
          .setDescription("Conditional: " + repeat.condition())
          .setTextEquivalent(repeat.condition())
          .setDefinition(new org.hl7.fhir.r4.model.CanonicalType(cells.getUrl()));
      more.setId("additional-doses");
      Timing.TimingRepeatComponent timing = new Timing().getRepeat().setCount(repeat.countLow());
      if (repeat.countHigh() != repeat.countLow()) {
        timing.setCountMax(repeat.countHigh());
      }
      more.setTiming(new Timing().setRepeat(timing));
      if (days.get(0) != null) {
        more.addRelatedAction(new PlanDefinitionActionRelatedActionComponent()
            .setActionId(FIRST_INFUSION).setRelationship(ActionRelationshipType.AFTEREND));
      }
    }
  }

  private static void studyDays(PlanDefinitionActionComponent action, List<Integer> days) {
    for (int day : days) {
      action.addExtension(STUDY_DAY, new IntegerType(day));
    }
  }

  /** Days -4..-2 are 2 to 4 days before the start of the first infusion; a single day is an exact offset. */
  private static PlanDefinitionActionRelatedActionComponent beforeInfusion(List<Integer> days) {
    PlanDefinitionActionRelatedActionComponent related = new PlanDefinitionActionRelatedActionComponent()
        .setActionId(FIRST_INFUSION).setRelationship(ActionRelationshipType.BEFORESTART);
    if (days.isEmpty()) {
      return related;
    }
    int nearest = -days.get(days.size() - 1);
    int farthest = -days.get(0);
    if (nearest == farthest) {
      related.setOffset(days(nearest));
    } else {
      related.setOffset(new Range().setLow(daysQuantity(nearest)).setHigh(daysQuantity(farthest)));
    }
    return related;
  }

  private static Duration days(int value) {
    Duration duration = new Duration();
    duration.setValue(value).setUnit("d").setSystem(UCUM).setCode("d");
    return duration;
  }

  private static Quantity daysQuantity(int value) {
    return new Quantity().setValue(value).setUnit("d").setSystem(UCUM).setCode("d");
  }

  private static String doseText(Dose dose) {
    String value = scientific(dose.low()) + (dose.isRange() ? "-" + scientific(dose.high()) : "");
    return value + " " + dose.ucum();
  }

  /** 10000000 reads as 1×10^7, as registries write cell doses. */
  private static String scientific(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    int exponent = stripped.precision() - stripped.scale() - 1;
    if (exponent < 4) {
      return stripped.toPlainString();
    }
    return stripped.movePointLeft(exponent).toPlainString() + "×10^" + exponent;
  }

  private static String slug(String text) {
    return EDGE_DASHES.matcher(NOT_SLUG.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("-")).replaceAll("");
  }

  private static String capitalise(String text) {
    return text.isEmpty() ? text : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
  }
}
