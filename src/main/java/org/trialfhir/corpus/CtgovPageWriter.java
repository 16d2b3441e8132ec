package org.trialfhir.corpus;

import java.util.List;
import java.util.Locale;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Intervention;
import org.trialfhir.source.TrialRecord.Investigator;
import org.trialfhir.source.TrialRecord.Site;
import org.trialfhir.source.TrialRecord.Sponsor;

/**
 * Writes a {@link TrialRecord} as the ClinicalTrials.gov-like page rendering the samples come in: the title, an
 * "NCT ID:" line, then headed sections each with the rendering's fixed subtitle, one value or block per paragraph.
 */
final class CtgovPageWriter {
  private static final String[] RELATED_KINDS = {"CAR-T", "CAR-NK", "CAR T"};

  private final StringBuilder out = new StringBuilder(12_288);
  private final Dice dice;
  private final Rendering rendering;

  private CtgovPageWriter(Dice dice) {
    this.dice = dice;
    this.rendering = new Rendering(dice, dice.chance(0.6));
  }

  static String write(TrialRecord r, Dice dice) {
    return new CtgovPageWriter(dice).page(r);
  }

  private String page(TrialRecord r) {
    para(r.briefTitle());
    para("NCT ID: " + r.registryId());
    para("Last Updated: " + rendering.date(r.lastUpdated()));
    para("Study Results");
    para("Results pending");
    para("The study team has not published outcome measurements, participant flow, or safety data for this trial"
        + " yet. Check back later for updates.");
    section("Basic Information", "Get a concise snapshot of the trial, including recruitment status, study phase,"
        + " enrollment targets, and key timeline milestones.");
    section("Recruitment Status", null);
    para(r.overallStatus());
    section("Clinical Phase", null);
    para(String.join("/", r.phases()));
    section("Total Enrollment", null);
    String type = r.enrollment().type();
    para(r.enrollment().count() + " participants"
        + (type == null ? "" : " (" + (type.equals("ACTUAL") ? "actual" : "estimated") + ")"));
    section("Study Classification", null);
    para(r.studyType());
    section("Study Start Date", null);
    para(rendering.date(r.startDate()));
    section("Study Completion Date", null);
    para(rendering.date(r.completionDate()));
    section("Brief Summary", "Review the sponsor-provided synopsis that highlights what the study is about and why"
        + " it is being conducted.");
    markdown(r.briefSummary());
    section("Detailed Description", "Dive into the extended narrative that explains the scientific background,"
        + " objectives, and procedures in greater depth.");
    markdown(r.detailedDescription());
    section("Conditions", "See the medical conditions and disease areas that this research is targeting or"
        + " investigating.");
    conditions(r.conditions());
    if (!r.keywords().isEmpty()) {
      section("Keywords", null);
      r.keywords().forEach(this::para);
    }
    design(r);
    arms(r);
    section("Interventions", "Learn about the drugs, procedures, or behavioral strategies being tested and how they"
        + " are applied within this trial.");
    for (Intervention intervention : r.interventions()) {
      para(intervention.name());
      markdown(intervention.description());
      para("Intervention Type " + intervention.type());
    }
    eligibility(r.eligibility());
    sponsors(r.leadSponsor(), r.collaborators());
    parties(r);
    locations(r.sites(), r.countries());
    contacts("Central Contacts", "Reach out to these primary contacts for questions about participation or study"
        + " logistics.", r.centralContacts(), "CONTACT");
    if (r.sites().size() == 1 && !r.sites().get(0).contacts().isEmpty()) {
      contacts("Facility Contacts", "Find local site contact details for specific facilities participating in the"
          + " trial.", r.sites().get(0).contacts(), "primary");
    }
    section("Other Identifiers", "Review additional registry numbers or institutional identifiers associated with"
        + " this trial.");
    for (TrialRecord.OtherId id : r.otherIds()) {
      para(id.id());
      para("Identifier Type: -");
      para("Identifier Source: " + id.source());
    }
    related();
    return out.toString();
  }

  private void design(TrialRecord r) {
    section("Study Design", "Understand how the trial is structured, including allocation methods, masking"
        + " strategies, primary purpose, and other design elements.");
    TrialRecord.Design d = r.design();
    section("Allocation Method", null);
    para(d.allocation());
    section("Intervention Model", null);
    para(d.interventionModel());
    if (d.interventionModelDescription() != null) {
      para(rendering.text(d.interventionModelDescription()));
    }
    section("Primary Study Purpose", null);
    para(d.primaryPurpose());
    section("Blinding Strategy", null);
    para(d.masking());
    if (d.maskingDescription() != null) {
      para(rendering.text(d.maskingDescription()));
    }
  }

  /** Each arm: label, description, "Group Type", then its interventions as the Interventions section shows them. */
  private void arms(TrialRecord r) {
    section("Study Groups", "Review each arm or cohort in the study, along with the interventions and objectives"
        + " associated with them.");
    for (Arm arm : r.arms()) {
      para(arm.label());
      para(rendering.text(arm.description()));
      para("Group Type " + arm.type());
      for (String name : arm.interventionNames()) {
        Intervention intervention = r.interventions().stream().filter(i -> i.name().equals(name)).findFirst()
            .orElseThrow();
        para(name);
        para("Intervention Type " + intervention.type());
        markdown(intervention.description());
      }
    }
  }

  private void eligibility(TrialRecord.Eligibility e) {
    section("Eligibility Criteria", "Check the participation requirements, including inclusion and exclusion rules,"
        + " age limits, and whether healthy volunteers are accepted.");
    section("Inclusion Criteria", null);
    rendering.criteria(e.inclusion(), "", true, true).forEach(this::line);
    out.append('\n');
    section("Exclusion Criteria", null);
    rendering.criteria(e.exclusion(), "", true, true).forEach(this::line);
    if (dice.chance(0.5)) {
      // The samples run the last criterion straight into the next heading.
      out.append('\n');
    }
    line("Minimum Eligible Age");
    out.append('\n');
    para(e.minimumAge().value() + " Years");
    if (e.maximumAge() != null) {
      section("Maximum Eligible Age", null);
      para(e.maximumAge().value() + " Years");
    }
    section("Eligible Sex", null);
    para(e.sex());
    section("Accepts Healthy Volunteers", null);
    para(Boolean.TRUE.equals(e.healthyVolunteers()) ? "Yes" : "No");
  }

  private void sponsors(Sponsor lead, List<Sponsor> collaborators) {
    section("Sponsors", "Meet the organizations funding or collaborating on the study and learn about their roles.");
    boolean leadFirst = dice.chance(0.5);
    if (leadFirst) {
      sponsor(lead, "lead");
    }
    collaborators.forEach(c -> sponsor(c, "collaborator"));
    if (!leadFirst) {
      sponsor(lead, "lead");
    }
  }

  private void sponsor(Sponsor sponsor, String role) {
    para(sponsor.name());
    para(sponsor.agencyClass());
    para("Sponsor Role " + role);
  }

  private void parties(TrialRecord r) {
    if (r.responsibleParty() != null) {
      section("Responsible Party", "Identify the individual or organization who holds primary responsibility for the"
          + " study information submitted to regulators.");
      para("Responsibility Role " + r.responsibleParty().type());
      if (r.responsibleParty().investigatorName() != null) {
        para(r.responsibleParty().investigatorName());
        para(r.responsibleParty().investigatorAffiliation());
      }
    }
    if (!r.investigators().isEmpty()) {
      section("Principal Investigators", "Learn about the lead researchers overseeing the trial and their"
          + " institutional affiliations.");
      for (Investigator investigator : r.investigators()) {
        para(investigator.name());
        para("Role: " + investigator.role());
        para(investigator.affiliation());
      }
    }
  }

  private void locations(List<Site> sites, List<String> countries) {
    section("Locations", "Explore where the study is taking place and check the recruitment status at each"
        + " participating site.");
    for (Site site : sites) {
      para(site.facility());
      StringBuilder place = new StringBuilder(site.city());
      if (site.state() != null) {
        place.append(", ").append(site.state());
      }
      if (site.zip() != null) {
        place.append(", ").append(site.zip());
      }
      para(place.append(", ").append(site.country()).toString());
      para(site.status() == null ? "Site Status" : "Site Status " + site.status());
    }
    section("Countries", "Review the countries where the study has at least one active or historical site.");
    countries.forEach(this::para);
  }

  private void contacts(String heading, String subtitle, List<Contact> contacts, String role) {
    if (contacts.isEmpty()) {
      return;
    }
    section(heading, subtitle);
    for (Contact contact : contacts) {
      para(contact.name());
      para("Role: " + role);
      para(contact.phone() + (contact.phoneExt() == null ? "" : " ext. " + contact.phoneExt()));
      if (contact.email() != null) {
        para(contact.email());
      }
    }
  }

  /** Trials the page suggests: text the reader ignores, written because the pages carry it. */
  private void related() {
    section("More Related Trials", "Additional clinical trials that may be relevant based on similarity analysis.");
    for (int k = dice.between(0, 3); k > 0; k--) {
      line(dice.pick(RELATED_KINDS) + " Therapy for " + dice.pick(Pools.get().conditions).name());
      line(String.format(Locale.ROOT, "NCT0%07d %s PHASE%d", dice.between(0, 7_999_999),
          dice.pick("RECRUITING", "UNKNOWN", "COMPLETED"), dice.between(1, 2)));
    }
  }

  /** Conditions one a line, or all on one line when each but the last ends with ")" (the page does both). */
  private void conditions(List<String> conditions) {
    boolean joinable = conditions.size() > 1
        && conditions.subList(0, conditions.size() - 1).stream().allMatch(c -> c.endsWith(")"));
    if (joinable && dice.chance(0.7)) {
      para(String.join(" ", conditions));
    } else {
      conditions.forEach(this::para);
    }
  }

  private void markdown(String text) {
    if (text != null) {
      for (String paragraph : Rendering.paragraphs(text)) {
        para(rendering.text(paragraph));
      }
    }
  }

  private void section(String heading, String subtitle) {
    para(heading);
    if (subtitle != null) {
      para(subtitle);
    }
  }

  private void para(String text) {
    out.append(text).append("\n\n");
  }

  private void line(String text) {
    out.append(text).append('\n');
  }
}
