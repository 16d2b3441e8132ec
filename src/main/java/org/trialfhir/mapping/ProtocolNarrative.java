package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Dosage.DosageDoseAndRateComponent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.ActionSelectionBehavior;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionRelatedActionComponent;
import org.hl7.fhir.r4.model.Timing.TimingRepeatComponent;

/**
 * Writes the narrative of a protocol PlanDefinition — its schedule as a table by study day, the actions without a
 * stated day, and the notes on the source — and of an ActivityDefinition (product, dose, route, duration).
 * Doses, routes and durations come from the ActivityDefinitions the actions point to.
 */
final class ProtocolNarrative {
  private static final String NOTES_HEADING = "### Notes on the source";
  // Compiled once: String.split compiles a pattern of more than one character on every call.
  private static final Pattern BLANK_LINE = Pattern.compile("\\n\\s*\\n");
  private static final Pattern NEWLINE = Pattern.compile("\\n");

  private final Map<String, ActivityDefinition> activitiesByUrl;

  ProtocolNarrative(Map<String, ActivityDefinition> activitiesByUrl) {
    this.activitiesByUrl = activitiesByUrl;
  }

  /** What one action does, as a schedule table shows it. */
  private record Step(String what, String when, String dose, String route, String duration) {}

  void plan(PlanDefinition plan, XhtmlBuilder out) {
    Xhtml.heading(out, plan.hasTitle() ? plan.getTitle() : plan.getIdElement().getIdPart());
    String description = plan.hasDescription() ? plan.getDescription() : "";
    int notesAt = description.indexOf(NOTES_HEADING);
    String intro = (notesAt < 0 ? description : description.substring(0, notesAt)).strip();
    for (String paragraph : BLANK_LINE.split(intro)) {
      if (Xhtml.has(paragraph)) {
        Xhtml.paragraph(out, paragraph.strip());
      }
    }
    Map<String, String> titles = new HashMap<>();
    collectTitles(plan.getAction(), titles);
    TreeMap<Integer, List<Step>> byDay = new TreeMap<>();
    List<Step> undated = new ArrayList<>();
    collect(plan.getAction(), titles, byDay, undated);

    Xhtml.heading(out, "Schedule by study day");
    if (byDay.isEmpty()) {
      Xhtml.paragraph(out, "No action has a stated study day.");
    } else {
      Xhtml.table(out, "Day", "What", "Dose", "Route", "Duration");
      for (Map.Entry<Integer, List<Step>> day : byDay.entrySet()) {
        List<Step> steps = day.getValue();
        out.open("tr").element("td", String.valueOf(day.getKey()));
        Xhtml.lines(out, steps.stream().map(Step::what).toList());
        Xhtml.lines(out, steps.stream().map(Step::dose).toList());
        Xhtml.lines(out, steps.stream().map(Step::route).toList());
        Xhtml.lines(out, steps.stream().map(Step::duration).toList());
        out.close();
      }
      Xhtml.endTable(out);
    }
    if (!undated.isEmpty()) {
      Xhtml.heading(out, "Without a stated day");
      Xhtml.table(out, "What", "When", "Dose", "Route", "Duration");
      for (Step step : undated) {
        Xhtml.row(out, step.what(), step.when(), step.dose(), step.route(), step.duration());
      }
      Xhtml.endTable(out);
    }
    List<String> notes = notes(description, notesAt);
    if (!notes.isEmpty()) {
      Xhtml.heading(out, "Notes on the source");
      Xhtml.list(out, notes);
    }
  }

  void activity(ActivityDefinition activity, XhtmlBuilder out) {
    Xhtml.heading(out, activity.hasTitle() ? activity.getTitle() : activity.getIdElement().getIdPart());
    Xhtml.Facts facts = new Xhtml.Facts();
    facts.add("Product",
        activity.hasProductCodeableConcept() ? Xhtml.coded(activity.getProductCodeableConcept()) : null);
    facts.add("Dose", dose(activity));
    for (Dosage dosage : activity.getDosage()) {
      facts.add("Route", dosage.hasRoute() ? Xhtml.coded(dosage.getRoute()) : null);
      facts.add("Duration", dosage.hasTiming() ? duration(dosage.getTiming().getRepeat()) : null);
      facts.add("Dosage as stated", dosage.getText());
    }
    if (facts.isEmpty()) {
      Xhtml.paragraph(out, "The record states no product, dose, route or duration for this activity.");
    }
    facts.writeTo(out);
  }

  // ---- schedule ------------------------------------------------------------------------------------------

  /**
   * Actions at any depth with study days go under each of their days; an action without days that points to a
   * definition (or has no sub-actions) is undated; sub-actions with a definition but no days of a dated action
   * without one are its alternatives (dose levels), shown in its Dose cell; any other action is a group whose
   * sub-actions are looked at in turn.
   */
  private void collect(List<PlanDefinitionActionComponent> actions, Map<String, String> titles,
      TreeMap<Integer, List<Step>> byDay, List<Step> undated) {
    for (PlanDefinitionActionComponent action : actions) {
      List<Integer> days = studyDays(action);
      if (!days.isEmpty()) {
        Step step = step(action, titles);
        for (int day : new LinkedHashSet<>(days)) {
          byDay.computeIfAbsent(day, d -> new ArrayList<>()).add(step);
        }
        List<PlanDefinitionActionComponent> others = action.hasDefinitionCanonicalType() ? action.getAction()
            : action.getAction().stream().filter(child -> !isAlternative(child)).toList();
        collect(others, titles, byDay, undated);
      } else if (action.hasDefinitionCanonicalType() || !action.hasAction()) {
        undated.add(step(action, titles));
      } else {
        collect(action.getAction(), titles, byDay, undated);
      }
    }
  }

  /** A sub-action without days that points to a definition: one of the choices its dated parent offers. */
  private static boolean isAlternative(PlanDefinitionActionComponent child) {
    return studyDays(child).isEmpty() && child.hasDefinitionCanonicalType();
  }

  private Step step(PlanDefinitionActionComponent action, Map<String, String> titles) {
    String what = action.hasTitle() ? action.getTitle()
        : action.hasTextEquivalent() ? action.getTextEquivalent() : action.getId();
    List<ActivityDefinition> activities = new ArrayList<>();
    String dose;
    if (action.hasDefinitionCanonicalType()) {
      activity(action.getDefinitionCanonicalType().getValue(), activities);
      dose = activities.isEmpty() ? null : dose(activities.get(0));
    } else {
      for (PlanDefinitionActionComponent alternative : action.getAction()) {
        if (isAlternative(alternative)) {
          activity(alternative.getDefinitionCanonicalType().getValue(), activities);
        }
      }
      List<String> doses = activities.stream().map(ProtocolNarrative::dose).filter(Xhtml::has).toList();
      boolean oneOf = action.getSelectionBehavior() == ActionSelectionBehavior.EXACTLYONE
          || action.getSelectionBehavior() == ActionSelectionBehavior.ATMOSTONE;
      dose = doses.isEmpty() ? null
          : doses.size() > 1 && oneOf ? "one of: " + String.join(", ", doses) : String.join("; ", doses);
    }
    Set<String> routes = new LinkedHashSet<>();
    Set<String> durations = new LinkedHashSet<>();
    for (ActivityDefinition activity : activities) {
      for (Dosage dosage : activity.getDosage()) {
        if (dosage.hasRoute()) {
          routes.add(route(dosage));
        }
        if (dosage.hasTiming() && dosage.getTiming().hasRepeat()) {
          durations.add(duration(dosage.getTiming().getRepeat()));
        }
      }
    }
    routes.remove(null);
    durations.remove(null);
    return new Step(what, when(action, titles), dose, String.join(" / ", routes), String.join(" / ", durations));
  }

  private void activity(String url, List<ActivityDefinition> into) {
    ActivityDefinition activity = activitiesByUrl.get(url);
    if (activity != null) {
      into.add(activity);
    }
  }

  /** For an action without a day: how it relates to other actions, and its description. */
  private static String when(PlanDefinitionActionComponent action, Map<String, String> titles) {
    List<String> parts = new ArrayList<>();
    for (PlanDefinitionActionRelatedActionComponent related : action.getRelatedAction()) {
      if (!related.hasRelationship()) {
        continue;
      }
      String offset = related.hasOffsetDuration() ? Xhtml.quantity(related.getOffsetDuration())
          : related.hasOffsetRange() ? Xhtml.range(related.getOffsetRange()) : null;
      parts.add((offset == null ? "" : offset + " ")
          + related.getRelationship().getDisplay().toLowerCase(Locale.ROOT) + " of "
          + titles.getOrDefault(related.getActionId(), related.getActionId()));
    }
    if (action.hasDescription()) {
      parts.add(action.getDescription());
    }
    return String.join("; ", parts);
  }

  private static void collectTitles(List<PlanDefinitionActionComponent> actions, Map<String, String> titles) {
    for (PlanDefinitionActionComponent action : actions) {
      if (action.getId() != null && action.hasTitle()) {
        titles.put(action.getId(), action.getTitle());
      }
      collectTitles(action.getAction(), titles);
    }
  }

  private static List<Integer> studyDays(PlanDefinitionActionComponent action) {
    List<Integer> days = new ArrayList<>();
    for (Extension extension : action.getExtensionsByUrl(ProtocolMapper.STUDY_DAY)) {
      if (extension.getValue() instanceof IntegerType day && day.getValue() != null) {
        days.add(day.getValue());
      }
    }
    return days;
  }

  /** The bullet items under the description's "Notes on the source" heading. */
  private static List<String> notes(String description, int notesAt) {
    List<String> notes = new ArrayList<>();
    if (notesAt < 0) {
      return notes;
    }
    String[] lines = NEWLINE.split(description.substring(notesAt + NOTES_HEADING.length()));
    for (String line : lines) {
      String text = line.strip();
      if (text.startsWith("- ")) {
        notes.add(text.substring(2).strip());
      } else if (!text.isEmpty() && !notes.isEmpty()) {
        notes.set(notes.size() - 1, notes.get(notes.size() - 1) + " " + text);
      }
    }
    return notes;
  }

  // ---- dosage --------------------------------------------------------------------------------------------

  /** Every dose the activity's dosages state ("30 mg/m2", "1×10^6–5×10^6 cells/kg"), or null. */
  private static String dose(ActivityDefinition activity) {
    List<String> doses = new ArrayList<>();
    for (Dosage dosage : activity.getDosage()) {
      for (DosageDoseAndRateComponent doseAndRate : dosage.getDoseAndRate()) {
        if (doseAndRate.hasDoseQuantity()) {
          doses.add(Xhtml.quantity(doseAndRate.getDoseQuantity()));
        } else if (doseAndRate.hasDoseRange()) {
          doses.add(Xhtml.range(doseAndRate.getDoseRange()));
        }
      }
    }
    doses.removeIf(dose -> !Xhtml.has(dose));
    return doses.isEmpty() ? null : String.join("; ", doses);
  }

  /** The route's coded display where there is one ("Intravenous route"), else the words of the source. */
  private static String route(Dosage dosage) {
    return dosage.getRoute().getCoding().stream().filter(Coding::hasDisplay).map(Coding::getDisplay)
        .findFirst().orElse(Xhtml.concept(dosage.getRoute()));
  }

  /** "30 min", "20–30 min"; null when no duration is stated. */
  private static String duration(TimingRepeatComponent repeat) {
    if (!repeat.hasDuration()) {
      return null;
    }
    String unit = repeat.hasDurationUnit() ? " " + repeat.getDurationUnit().toCode() : "";
    String low = Xhtml.number(repeat.getDuration());
    return (repeat.hasDurationMax() ? low + "–" + Xhtml.number(repeat.getDurationMax()) : low) + unit;
  }
}
