package org.trialfhir.corpus;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Intervention;
import org.trialfhir.source.TrialRecord.Outcome;
import org.trialfhir.source.TrialRecord.Site;

/**
 * Writes a {@link TrialRecord} as a MedPath trial page: the logo line, title and badges, headed sections, the
 * tables whose cells arrive glued together ("Adverse eventsup to 1 years"), and sites under their flag emoji.
 */
final class MedPathPageWriter {
  private static final Map<String, String> FLAGS = Pools.get().countries.stream().collect(Collectors.toMap(
      Pools.Country::name, c -> new StringBuilder().appendCodePoint(0x1F1E6 + c.iso2().charAt(0) - 'A')
          .appendCodePoint(0x1F1E6 + c.iso2().charAt(1) - 'A').toString()));

  private final StringBuilder out = new StringBuilder(10_240);
  private final Dice dice;
  private final Rendering rendering;

  private MedPathPageWriter(Dice dice) {
    this.dice = dice;
    this.rendering = new Rendering(dice, dice.chance(0.3));
  }

  static String write(TrialRecord r, Dice dice) {
    return new MedPathPageWriter(dice).page(r);
  }

  private String page(TrialRecord r) {
    out.append("MedPath\n\n").append(r.briefTitle()).append("\n\n");
    line(phaseBadge(r.phases()));
    if (dice.chance(0.5)) {
      line(Rendering.sentenceCase(r.overallStatus()));
    }
    line("Conditions");
    r.conditions().forEach(this::line);
    if (!r.interventions().isEmpty()) {
      line("Interventions");
      r.interventions().forEach(i -> line(typed(i)));
    }
    line("Registration Number");
    line(r.registryId());
    line("Lead Sponsor");
    line(r.leadSponsor().name());
    line("Brief Summary");
    markdown(r.briefSummary());
    line("Detailed Description");
    markdown(r.detailedDescription());
    line("Recruitment & Eligibility");
    out.append('\n');
    line("Status");
    line(dice.chance(0.7) ? r.overallStatus() : Rendering.sentenceCase(r.overallStatus()));
    line("Sex");
    line(Rendering.sentenceCase(r.eligibility().sex()));
    line("Target Recruitment");
    line(String.valueOf(r.enrollment().count()));
    line("Inclusion Criteria");
    rendering.criteria(r.eligibility().inclusion(), "  ", true, false).forEach(this::line);
    line("Exclusion Criteria");
    rendering.criteria(r.eligibility().exclusion(), "  ", true, false).forEach(this::line);
    out.append('\n');
    line("Study & Design");
    out.append('\n');
    line("Study Type");
    line(r.studyType());
    line("Study Design");
    line(r.design().interventionModel());
    if (!r.arms().isEmpty()) {
      line("Arm && Interventions");
      line("GroupInterventionDescription");
      r.arms().forEach(arm -> line(row(arm, r.interventions())));
    }
    outcomes("Primary Outcome Measures", "PRIMARY", r.outcomes());
    outcomes("Secondary Outcome Measures", "SECONDARY", r.outcomes());
    locations(r.sites());
    out.append(dice.chance(0.5)
        ? "MedPath\n\nEmpowering clinical research with data-driven insights and AI-powered tools.\n\n"
            + "© 2025 MedPath, Inc. All rights reserved."
        : "© Copyright 2025. All Rights Reserved by MedPath");
    return out.toString();
  }

  /** "Phase 1", "Phase 1/Phase 2", "Early Phase 1", "Not Applicable". */
  private static String phaseBadge(List<String> phases) {
    return String.join("/", phases.stream().map(p -> switch (p) {
      case "NA" -> "Not Applicable";
      case "EARLY_PHASE1" -> "Early Phase 1";
      default -> "Phase " + p.substring("PHASE".length());
    }).toList());
  }

  /** "Drug: Fludarabine", with the type as MedPath capitalises it. */
  private static String typed(Intervention intervention) {
    return Rendering.sentenceCase(intervention.type()) + ": " + intervention.name();
  }

  /** One row of the arms table, its cells glued: group, intervention(s), description. */
  private String row(Arm arm, List<Intervention> interventions) {
    StringBuilder row = new StringBuilder(arm.label());
    boolean spaced = dice.chance(0.3);
    for (int k = 0; k < arm.interventionNames().size(); k++) {
      String name = arm.interventionNames().get(k);
      Intervention intervention = interventions.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
      row.append(k == 0 ? (spaced ? " " : "") : spaced ? ", " : "");
      row.append(dice.chance(0.3) ? typed(intervention) : name);
    }
    return row.append(spaced ? " " : "").append(rendering.text(arm.description())).toString();
  }

  private void outcomes(String heading, String kind, List<Outcome> outcomes) {
    List<Outcome> ofKind = outcomes.stream().filter(o -> o.kind().equals(kind)).toList();
    if (ofKind.isEmpty()) {
      return;
    }
    line(heading);
    line("NameTimeMethod");
    for (Outcome outcome : ofKind) {
      line(outcome.measure() + outcome.timeFrame());
      if (outcome.description() != null) {
        out.append('\n');
        line(rendering.text(outcome.description()));
        out.append('\n');
      }
    }
  }

  /** "Locations (N)", a block per site (facility, flag, place), then contact blocks (facility, flag+place, person). */
  private void locations(List<Site> sites) {
    out.append('\n');
    line("Trial Locations");
    out.append('\n');
    line("Locations (" + sites.size() + ")");
    out.append('\n');
    for (Site site : sites) {
      line(site.facility());
      out.append('\n');
      line(flag(site.country()));
      out.append('\n');
      line(place(site));
      out.append('\n');
    }
    for (Site site : sites) {
      for (Contact contact : site.contacts()) {
        line(site.facility());
        line(flag(site.country()) + place(site));
        line(contact.name());
        line("Contact");
        line(contact.phone() + (contact.phoneExt() == null ? "" : " ext. " + contact.phoneExt()));
        if (contact.email() != null) {
          line(contact.email());
        }
        out.append('\n');
      }
    }
  }

  private static String place(Site site) {
    return site.city() + (site.state() == null ? "" : ", " + site.state()) + ", " + site.country();
  }

  /** The country's flag emoji: its ISO 3166 code as two regional indicator symbols. */
  private static String flag(String country) {
    return FLAGS.get(country);
  }

  private void markdown(String text) {
    out.append('\n');
    for (String paragraph : Rendering.paragraphs(text)) {
      out.append(rendering.text(paragraph)).append("\n\n");
    }
  }

  private void line(String text) {
    out.append(text).append('\n');
  }
}
