package org.trialfhir.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trialfhir.source.Diagnostic.Severity;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Design;
import org.trialfhir.source.TrialRecord.Eligibility;
import org.trialfhir.source.TrialRecord.Enrollment;
import org.trialfhir.source.TrialRecord.Intervention;
import org.trialfhir.source.TrialRecord.Investigator;
import org.trialfhir.source.TrialRecord.OtherId;
import org.trialfhir.source.TrialRecord.ResponsibleParty;
import org.trialfhir.source.TrialRecord.Site;
import org.trialfhir.source.TrialRecord.Sponsor;

/**
 * Reads the ClinicalTrials.gov-like page rendering (title, "NCT ID:", then headed sections such as
 * "Recruitment Status", "Study Groups", "Eligibility Criteria", "Locations") into a {@link TrialRecord}.
 */
public final class CtgovPageReader implements TrialRecordReader {
  private static final Set<String> HEADINGS =
      Set.of(
          "Study Results", "Basic Information", "Recruitment Status", "Clinical Phase", "Total Enrollment",
          "Study Classification", "Study Start Date", "Study Completion Date", "Brief Summary",
          "Detailed Description", "Conditions", "Keywords", "Study Design", "Allocation Method",
          "Intervention Model", "Primary Study Purpose", "Blinding Strategy", "Study Groups", "Interventions",
          "Eligibility Criteria", "Inclusion Criteria", "Exclusion Criteria", "Minimum Eligible Age",
          "Maximum Eligible Age", "Eligible Sex", "Accepts Healthy Volunteers", "Sponsors", "Responsible Party",
          "Principal Investigators", "Locations", "Countries", "Central Contacts", "Facility Contacts",
          "Other Identifiers", "More Related Trials");

  /** The rendering's fixed subtitle under each section heading: template text, not trial data. */
  private static final Set<String> SUBTITLES =
      Set.of(
          "Get a concise snapshot of the trial, including recruitment status, study phase, enrollment targets,"
              + " and key timeline milestones.",
          "Review the sponsor-provided synopsis that highlights what the study is about and why it is being"
              + " conducted.",
          "Dive into the extended narrative that explains the scientific background, objectives, and procedures"
              + " in greater depth.",
          "See the medical conditions and disease areas that this research is targeting or investigating.",
          "Understand how the trial is structured, including allocation methods, masking strategies, primary"
              + " purpose, and other design elements.",
          "Review each arm or cohort in the study, along with the interventions and objectives associated with"
              + " them.",
          "Learn about the drugs, procedures, or behavioral strategies being tested and how they are applied"
              + " within this trial.",
          "Check the participation requirements, including inclusion and exclusion rules, age limits, and"
              + " whether healthy volunteers are accepted.",
          "Meet the organizations funding or collaborating on the study and learn about their roles.",
          "Identify the individual or organization who holds primary responsibility for the study information"
              + " submitted to regulators.",
          "Learn about the lead researchers overseeing the trial and their institutional affiliations.",
          "Explore where the study is taking place and check the recruitment status at each participating site.",
          "Review the countries where the study has at least one active or historical site.",
          "Reach out to these primary contacts for questions about participation or study logistics.",
          "Find local site contact details for specific facilities participating in the trial.",
          "Review additional registry numbers or institutional identifiers associated with this trial.");

  private static final Pattern NCT_ID = Pattern.compile("^NCT ID:\\s*(NCT\\d{8})\\s*$");
  private static final Pattern LINE_BREAKS = Pattern.compile("\n+");
  private static final Pattern LAST_UPDATED = Pattern.compile("^Last Updated:\\s*(.+)$");
  private static final Pattern ENROLLMENT =
      Pattern.compile("(\\d[\\d,]*)(?:\\s+participants?)?(?:\\s*\\((actual|estimated|anticipated)\\))?",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern KEY_VALUE = Pattern.compile("^(Group Type|Intervention Type|Sponsor Role|"
      + "Responsibility Role|Site Status|Identifier Type:|Identifier Source:|Role:)\\s*(.*)$");
  private static final Pattern PHONE_EXT = Pattern.compile("^(.*?)\\s+ext\\.?\\s*(.+)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern PHONE = Pattern.compile("^\\+?[\\d\\s()\\-./]{6,}(?:\\s+ext\\.?.*)?$",
      Pattern.CASE_INSENSITIVE);

  @Override
  public String format() {
    return "ctgov-page";
  }

  @Override
  public boolean accepts(String content) {
    return content.contains("NCT ID:") && content.contains("Recruitment Status");
  }

  @Override
  public ParseResult read(String content) {
    PageSections page = PageSections.of(content, HEADINGS);
    List<Diagnostic> diagnostics = new ArrayList<>();
    String title = null;
    String registryId = null;
    String lastUpdated = null;
    for (SourceLine line : page.preamble()) {
      String text = line.text().strip();
      Matcher id = NCT_ID.matcher(text);
      Matcher updated = LAST_UPDATED.matcher(text);
      if (text.isEmpty()) {
        continue;
      } else if (title == null) {
        title = RegistryText.unescape(text);
      } else if (id.matches()) {
        registryId = id.group(1);
      } else if (updated.matches()) {
        lastUpdated = date(updated.group(1), "Last Updated", line, diagnostics);
      } else {
        unexpected("preamble", line, diagnostics);
      }
    }
    if (registryId == null) {
      throw new UnreadableRecordException("the page has no \"NCT ID: NCT########\" line");
    }
    List<Intervention> interventions = interventions(page, diagnostics);
    List<Arm> arms = arms(page, interventions, diagnostics);
    interventions = withArmLabels(interventions, arms);
    List<String> countries =
        bodyNonBlank(page, "Countries").stream().map(line -> RegistryText.unescape(line.text())).toList();
    List<Site> sites = sites(page, countries, diagnostics);
    List<Contact> facilityContacts = contacts(page.nonBlank("Facility Contacts"), diagnostics);
    List<Contact> unplaced = List.of();
    if (!facilityContacts.isEmpty()) {
      if (sites.size() == 1) {
        Site site = sites.get(0);
        sites = List.of(new Site(site.facility(), site.city(), site.state(), site.zip(), site.country(),
            site.status(), facilityContacts));
      } else {
        unplaced = facilityContacts;
        diagnostics.add(new Diagnostic(Severity.WARNING, "Facility Contacts", page.headingLine("Facility Contacts"),
            "", "the page does not say which of its " + sites.size() + " sites these contacts belong to"));
      }
    }
    List<Sponsor> sponsors = new ArrayList<>();
    Sponsor lead = sponsors(page, sponsors, diagnostics);
    TrialRecord record =
        new TrialRecord(
            registryId,
            otherIds(page, diagnostics),
            title,
            null,
            lastUpdated,
            status(page, diagnostics),
            phases(page, diagnostics),
            enrollment(page, diagnostics),
            sectionDate(page, "Study Start Date", diagnostics),
            sectionDate(page, "Study Completion Date", diagnostics),
            CtgovEnums.word(page.firstValue("Study Classification")),
            PageSections.markdown(body(page, "Brief Summary")),
            PageSections.markdown(body(page, "Detailed Description")),
            conditions(page, "Conditions", diagnostics),
            conditions(page, "Keywords", diagnostics),
            design(page),
            arms,
            interventions,
            List.of(),
            eligibility(page, diagnostics),
            lead,
            sponsors,
            responsibleParty(page, diagnostics),
            investigators(page),
            sites,
            countries,
            contacts(page.nonBlank("Central Contacts"), diagnostics),
            unplaced);
    return new ParseResult(format(), record, diagnostics);
  }

  /** The section's lines without the rendering's subtitle. */
  private static List<SourceLine> body(PageSections page, String heading) {
    List<SourceLine> lines = page.lines(heading);
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        return SUBTITLES.contains(lines.get(i).text().strip()) ? lines.subList(i + 1, lines.size()) : lines;
      }
    }
    return lines;
  }

  private static List<SourceLine> bodyNonBlank(PageSections page, String heading) {
    return body(page, heading).stream().filter(line -> !line.isBlank()).toList();
  }

  private static String status(PageSections page, List<Diagnostic> diagnostics) {
    String text = page.firstValue("Recruitment Status");
    String status = CtgovEnums.status(text);
    if (text != null && status == null) {
      diagnostics.add(new Diagnostic(Severity.WARNING, "Recruitment Status", page.headingLine("Recruitment Status") + 2,
          text, "not a ClinicalTrials.gov overall status; kept as written"));
      return CtgovEnums.word(text);
    }
    return status;
  }

  private static List<String> phases(PageSections page, List<Diagnostic> diagnostics) {
    String text = page.firstValue("Clinical Phase");
    List<String> phases = CtgovEnums.phases(text);
    if (text != null && phases.isEmpty()) {
      diagnostics.add(new Diagnostic(Severity.WARNING, "Clinical Phase", page.headingLine("Clinical Phase") + 2,
          text, "not a ClinicalTrials.gov phase; left out"));
    }
    return phases;
  }

  private static Enrollment enrollment(PageSections page, List<Diagnostic> diagnostics) {
    String text = page.firstValue("Total Enrollment");
    if (text == null) {
      return null;
    }
    Matcher m = ENROLLMENT.matcher(text);
    if (!m.matches()) {
      diagnostics.add(new Diagnostic(Severity.WARNING, "Total Enrollment", page.headingLine("Total Enrollment") + 2,
          text, "not an enrollment count"));
      return null;
    }
    String type = m.group(2) == null ? null : m.group(2).equalsIgnoreCase("actual") ? "ACTUAL" : "ESTIMATED";
    return new Enrollment(Integer.parseInt(m.group(1).replace(",", "")), type);
  }

  private static String sectionDate(PageSections page, String heading, List<Diagnostic> diagnostics) {
    List<SourceLine> lines = page.nonBlank(heading);
    return lines.isEmpty() ? null : date(lines.get(0).text(), heading, lines.get(0), diagnostics);
  }

  private static String date(String text, String section, SourceLine line, List<Diagnostic> diagnostics) {
    String iso = Dates.iso(text);
    if (iso == null) {
      diagnostics.add(new Diagnostic(Severity.WARNING, section, line.number(), text.strip(), "not a date; left out"));
    }
    return iso;
  }

  private static List<String> conditions(PageSections page, String heading, List<Diagnostic> diagnostics) {
    List<String> terms = new ArrayList<>();
    for (SourceLine line : bodyNonBlank(page, heading)) {
      terms.addAll(ConditionSplitter.split(
          new SourceLine(line.number(), RegistryText.unescape(line.text())), heading, diagnostics));
    }
    return terms;
  }

  private static Design design(PageSections page) {
    String allocation = CtgovEnums.word(page.firstValue("Allocation Method"));
    List<String> model = PageSections.paragraphs(page.lines("Intervention Model"));
    List<String> masking = PageSections.paragraphs(page.lines("Blinding Strategy"));
    String purpose = CtgovEnums.word(page.firstValue("Primary Study Purpose"));
    if (allocation == null && model.isEmpty() && masking.isEmpty() && purpose == null) {
      return null;
    }
    return new Design(
        allocation,
        model.isEmpty() ? null : CtgovEnums.word(model.get(0)),
        rest(model),
        purpose,
        masking.isEmpty() ? null : CtgovEnums.word(masking.get(0)),
        rest(masking));
  }

  /** The paragraphs after a value line: the field's free-text note. */
  private static String rest(List<String> paragraphs) {
    return paragraphs.size() < 2 ? null : String.join("\n\n", paragraphs.subList(1, paragraphs.size()));
  }

  /**
   * KEY_VALUE's match of {@code text} when its key is, or begins with, {@code key}; null otherwise. A line that does
   * not begin with the key (most lines of a section) is not matched at all: a matcher a line was most of the page
   * sections' garbage.
   */
  private static Matcher keyValue(String text, String key) {
    if (!text.startsWith(key)) {
      return null;
    }
    Matcher kv = KEY_VALUE.matcher(text);
    return kv.matches() && kv.group(1).startsWith(key) ? kv : null;
  }

  /**
   * The Interventions section: each intervention is its name line, its description paragraphs and an
   * "Intervention Type X" line that closes it.
   */
  private static List<Intervention> interventions(PageSections page, List<Diagnostic> diagnostics) {
    List<Intervention> interventions = new ArrayList<>();
    List<SourceLine> block = new ArrayList<>();
    for (SourceLine line : body(page, "Interventions")) {
      Matcher kv = keyValue(line.text().strip(), "Intervention Type");
      if (kv != null) {
        List<SourceLine> nonBlank = block.stream().filter(l -> !l.isBlank()).toList();
        if (nonBlank.isEmpty()) {
          unexpected("Interventions", line, diagnostics);
        } else {
          interventions.add(new Intervention(
              RegistryText.unescape(nonBlank.get(0).text()),
              CtgovEnums.word(kv.group(2)),
              PageSections.markdown(block.subList(block.indexOf(nonBlank.get(0)) + 1, block.size())),
              List.of(),
              List.of()));
        }
        block.clear();
      } else {
        block.add(line);
      }
    }
    block.stream().filter(l -> !l.isBlank()).forEach(l -> unexpected("Interventions", l, diagnostics));
    return interventions;
  }

  /**
   * The Study Groups section: an arm is its label, its description and "Group Type X", followed by the
   * names of its interventions (each followed by "Intervention Type X" and a repeat of its description).
   */
  private static List<Arm> arms(PageSections page, List<Intervention> interventions, List<Diagnostic> diagnostics) {
    Set<String> interventionText = new LinkedHashSet<>();
    for (Intervention intervention : interventions) {
      if (intervention.description() != null) {
        interventionText.addAll(List.of(LINE_BREAKS.split(intervention.description())));
      }
    }
    List<SourceLine> lines = bodyNonBlank(page, "Study Groups");
    List<Arm> arms = new ArrayList<>();
    List<SourceLine> pending = new ArrayList<>();
    String label = null;
    String description = null;
    String type = null;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = RegistryText.unescape(lines.get(i).text());
      Matcher kv = keyValue(text, "Group Type");
      if (kv != null) {
        if (label != null) {
          arms.add(new Arm(label, type, description, names));
        }
        if (pending.isEmpty()) {
          unexpected("Study Groups", lines.get(i), diagnostics);
          label = null;
        } else {
          label = RegistryText.unescape(pending.get(0).text());
          description = PageSections.markdown(pending.subList(1, pending.size()));
        }
        type = CtgovEnums.word(kv.group(2));
        names = new ArrayList<>();
        pending.clear();
      } else if (keyValue(text, "Intervention Type") != null) {
        // The line before names one of this arm's interventions.
        if (!pending.isEmpty()) {
          names.add(RegistryText.unescape(pending.remove(pending.size() - 1).text()));
        }
        pending.clear();
      } else if (!interventionText.contains(text)) {
        pending.add(lines.get(i));
      }
    }
    if (label != null) {
      arms.add(new Arm(label, type, description, names));
    }
    pending.forEach(line -> unexpected("Study Groups", line, diagnostics));
    return arms;
  }

  private static List<Intervention> withArmLabels(List<Intervention> interventions, List<Arm> arms) {
    List<Intervention> labelled = new ArrayList<>();
    for (Intervention intervention : interventions) {
      List<String> labels = arms.stream()
          .filter(arm -> arm.interventionNames().contains(intervention.name()))
          .map(Arm::label)
          .toList();
      labelled.add(new Intervention(intervention.name(), intervention.type(), intervention.description(), labels,
          intervention.otherNames()));
    }
    return labelled;
  }

  private static Eligibility eligibility(PageSections page, List<Diagnostic> diagnostics) {
    bodyNonBlank(page, "Eligibility Criteria").forEach(line -> unexpected("Eligibility Criteria", line, diagnostics));
    String healthy = page.firstValue("Accepts Healthy Volunteers");
    return new Eligibility(
        CriteriaParser.parse(page.lines("Inclusion Criteria"), "Inclusion Criteria", diagnostics),
        CriteriaParser.parse(page.lines("Exclusion Criteria"), "Exclusion Criteria", diagnostics),
        AgeLimits.parse(page.firstValue("Minimum Eligible Age")),
        AgeLimits.parse(page.firstValue("Maximum Eligible Age")),
        CtgovEnums.word(page.firstValue("Eligible Sex")),
        healthy == null ? null : healthy.equalsIgnoreCase("yes"));
  }

  /** Sponsor blocks: name, class, "Sponsor Role lead|collaborator". Returns the lead; fills collaborators. */
  private static Sponsor sponsors(PageSections page, List<Sponsor> collaborators, List<Diagnostic> diagnostics) {
    Sponsor lead = null;
    List<SourceLine> block = new ArrayList<>();
    for (SourceLine line : bodyNonBlank(page, "Sponsors")) {
      Matcher kv = keyValue(line.text().strip(), "Sponsor Role");
      if (kv == null) {
        block.add(line);
        continue;
      }
      if (block.isEmpty()) {
        unexpected("Sponsors", line, diagnostics);
        continue;
      }
      Sponsor sponsor = new Sponsor(RegistryText.unescape(block.get(0).text()),
          block.size() > 1 ? CtgovEnums.word(block.get(1).text()) : null);
      block.subList(Math.min(2, block.size()), block.size()).forEach(l -> unexpected("Sponsors", l, diagnostics));
      if (kv.group(2).strip().equalsIgnoreCase("lead")) {
        lead = sponsor;
      } else {
        collaborators.add(sponsor);
      }
      block.clear();
    }
    block.forEach(line -> unexpected("Sponsors", line, diagnostics));
    return lead;
  }

  private static ResponsibleParty responsibleParty(PageSections page, List<Diagnostic> diagnostics) {
    String type = null;
    List<String> other = new ArrayList<>();
    for (SourceLine line : bodyNonBlank(page, "Responsible Party")) {
      Matcher kv = keyValue(line.text().strip(), "Responsibility Role");
      if (kv != null) {
        type = CtgovEnums.word(kv.group(2));
      } else {
        other.add(RegistryText.unescape(line.text()));
      }
    }
    if (type == null && other.isEmpty()) {
      return null;
    }
    return new ResponsibleParty(type, other.isEmpty() ? null : other.get(0), other.size() > 1 ? other.get(1) : null);
  }

  /** Person blocks anchored on their "Role: X" line: the name stands before it, details after it. */
  private record Person(String name, String role, List<String> details) {}

  private static List<Person> people(List<SourceLine> lines) {
    List<Integer> roles = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).text().strip().startsWith("Role:")) {
        roles.add(i);
      }
    }
    List<Person> people = new ArrayList<>();
    for (int k = 0; k < roles.size(); k++) {
      int role = roles.get(k);
      int end = k + 1 < roles.size() ? roles.get(k + 1) - 1 : lines.size();
      List<String> details = lines.subList(role + 1, Math.max(role + 1, end)).stream()
          .map(line -> RegistryText.unescape(line.text())).toList();
      people.add(new Person(role > 0 ? RegistryText.unescape(lines.get(role - 1).text()) : null,
          lines.get(role).text().strip().substring("Role:".length()).strip(), details));
    }
    return people;
  }

  private static List<Investigator> investigators(PageSections page) {
    return people(bodyNonBlank(page, "Principal Investigators")).stream()
        .map(p -> new Investigator(p.name(), CtgovEnums.word(p.role()),
            p.details().isEmpty() ? null : String.join(", ", p.details())))
        .toList();
  }

  private static List<Contact> contacts(List<SourceLine> lines, List<Diagnostic> diagnostics) {
    List<SourceLine> body = lines.isEmpty() || !SUBTITLES.contains(lines.get(0).text().strip())
        ? lines : lines.subList(1, lines.size());
    List<Contact> contacts = new ArrayList<>();
    for (Person person : people(body)) {
      String phone = null;
      String ext = null;
      String email = null;
      for (String detail : person.details()) {
        if (detail.contains("@")) {
          email = detail;
        } else if (PHONE.matcher(detail).matches()) {
          Matcher m = PHONE_EXT.matcher(detail);
          phone = m.matches() ? m.group(1).strip() : detail;
          ext = m.matches() ? m.group(2).strip() : null;
        } else {
          diagnostics.add(new Diagnostic(Severity.WARNING, "Contacts", 0, detail,
              "neither a phone number nor an e-mail address; left out of " + person.name()));
        }
      }
      contacts.add(new Contact(person.name(), CtgovEnums.word(person.role()), phone, ext, email));
    }
    return contacts;
  }

  /** Location blocks: facility, "City, State, Country", "Site Status X"; the countries are the page's list. */
  private static List<Site> sites(PageSections page, List<String> countries, List<Diagnostic> diagnostics) {
    List<Site> sites = new ArrayList<>();
    List<SourceLine> block = new ArrayList<>();
    for (SourceLine line : bodyNonBlank(page, "Locations")) {
      Matcher kv = keyValue(line.text().strip(), "Site Status");
      if (kv == null) {
        block.add(line);
        continue;
      }
      if (block.isEmpty()) {
        unexpected("Locations", line, diagnostics);
        continue;
      }
      String facility = RegistryText.unescape(block.get(0).text());
      String place = block.size() > 1 ? RegistryText.unescape(block.get(1).text()) : null;
      block.subList(Math.min(2, block.size()), block.size()).forEach(l -> unexpected("Locations", l, diagnostics));
      sites.add(SitePlaces.site(facility, place, countries, CtgovEnums.status(kv.group(2))));
      block.clear();
    }
    block.forEach(line -> unexpected("Locations", line, diagnostics));
    return sites;
  }

  private static List<OtherId> otherIds(PageSections page, List<Diagnostic> diagnostics) {
    List<OtherId> ids = new ArrayList<>();
    Map<String, String> fields = new LinkedHashMap<>();
    String id = null;
    for (SourceLine line : bodyNonBlank(page, "Other Identifiers")) {
      Matcher kv = keyValue(line.text().strip(), "Identifier");
      if (kv != null) {
        fields.put(kv.group(1), kv.group(2).strip());
        if (kv.group(1).equals("Identifier Source:") && id != null) {
          String type = fields.get("Identifier Type:");
          ids.add(new OtherId(id, type == null || type.equals("-") ? null : type, fields.get("Identifier Source:")));
          id = null;
          fields.clear();
        }
      } else if (id == null) {
        id = RegistryText.unescape(line.text());
      } else {
        unexpected("Other Identifiers", line, diagnostics);
      }
    }
    if (id != null) {
      ids.add(new OtherId(id, null, null));
    }
    return ids;
  }

  private static void unexpected(String section, SourceLine line, List<Diagnostic> diagnostics) {
    diagnostics.add(new Diagnostic(Severity.WARNING, section, line.number(), line.text().strip(),
        "line not understood; left out of the record"));
  }
}
