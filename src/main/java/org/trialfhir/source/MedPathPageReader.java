package org.trialfhir.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trialfhir.source.Diagnostic.Severity;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Design;
import org.trialfhir.source.TrialRecord.Eligibility;
import org.trialfhir.source.TrialRecord.Enrollment;
import org.trialfhir.source.TrialRecord.Intervention;
import org.trialfhir.source.TrialRecord.Outcome;
import org.trialfhir.source.TrialRecord.Site;
import org.trialfhir.source.TrialRecord.Sponsor;

/**
 * Reads a MedPath trial page (a "MedPath" logo line, the title with phase and status badges, then headed
 * sections from "Conditions" to "Trial Locations") into a {@link TrialRecord}.
 *
 * <p>MedPath pages state no dates, no structured age limits and no sponsor class; those stay absent. The
 * page's tables arrive with their cells glued together ("...Tolerability24 weeks"), so rows are split by rule
 * and every split is reported as a diagnostic.
 */
public final class MedPathPageReader implements TrialRecordReader {
  private static final String LOGO = "MedPath";
  private static final String RECRUITMENT = "Recruitment & Eligibility";
  private static final String STUDY_DESIGN = "Study & Design";
  private static final String LOCATIONS = "Trial Locations";

  /**
   * The section headings in the order the page template prints them. A line is a heading only when it comes
   * later in this order than the section it stands in, so a "Conditions" or "Study Design" line inside a
   * description stays description text.
   */
  private static final List<String> HEADINGS =
      List.of(
          "Conditions", "Interventions", "Registration Number", "Lead Sponsor", "Brief Summary",
          "Detailed Description", RECRUITMENT, "Status", "Sex", "Target Recruitment", "Inclusion Criteria",
          "Exclusion Criteria", STUDY_DESIGN, "Study Type", "Study Design", "Arm && Interventions",
          "Primary Outcome Measures", "Secondary Outcome Measures", "Other Outcome Measures", LOCATIONS);

  /** Sub-headings count only inside their group, after the group's own heading. */
  private static final Map<String, String> GROUP =
      Map.ofEntries(
          Map.entry("Status", RECRUITMENT),
          Map.entry("Sex", RECRUITMENT),
          Map.entry("Target Recruitment", RECRUITMENT),
          Map.entry("Inclusion Criteria", RECRUITMENT),
          Map.entry("Exclusion Criteria", RECRUITMENT),
          Map.entry("Study Type", STUDY_DESIGN),
          Map.entry("Study Design", STUDY_DESIGN),
          Map.entry("Arm && Interventions", STUDY_DESIGN),
          Map.entry("Primary Outcome Measures", STUDY_DESIGN),
          Map.entry("Secondary Outcome Measures", STUDY_DESIGN),
          Map.entry("Other Outcome Measures", STUDY_DESIGN));

  private static final Map<String, String> OUTCOME_KINDS =
      Map.of(
          "Primary Outcome Measures", "PRIMARY",
          "Secondary Outcome Measures", "SECONDARY",
          "Other Outcome Measures", "OTHER");

  /** The page footer, printed after the last section. */
  private static final Set<String> FOOTER =
      Set.of(LOGO, "Empowering clinical research with data-driven insights and AI-powered tools.");

  /** CT.gov intervention types, as the "Drug: NAME" lines spell their kind after {@link CtgovEnums#word}. */
  private static final Set<String> INTERVENTION_TYPES =
      Set.of(
          "DRUG", "DEVICE", "BIOLOGICAL", "PROCEDURE", "RADIATION", "BEHAVIORAL", "GENETIC", "DIETARY_SUPPLEMENT",
          "COMBINATION_PRODUCT", "DIAGNOSTIC_TEST", "OTHER");

  /** CT.gov designInfo.interventionModel values; the page's "Study Design" value is one of these. */
  private static final Set<String> INTERVENTION_MODELS =
      Set.of("SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL");

  private static final Set<String> SEXES = Set.of("ALL", "FEMALE", "MALE");

  private static final Pattern NCT_ID = Pattern.compile("NCT\\d{8}");
  private static final Pattern SPACE = Pattern.compile("\\s");
  private static final Pattern INTERVENTION = Pattern.compile("^([A-Za-z][A-Za-z /-]{1,40}):\\s*(\\S.*)$");
  private static final Pattern COUNT = Pattern.compile("(\\d[\\d,]*)(?:\\s+participants?)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern LOCATIONS_COUNT = Pattern.compile("^Locations\\s*\\((\\d+)\\)$");
  private static final Pattern EMAIL = Pattern.compile("^\\S+@\\S+\\.\\S+$");
  private static final Pattern PHONE = Pattern.compile("^(\\+?[\\d\\s()\\-./]{6,}?)(?:\\s*ext\\.?\\s*(\\S.*))?$",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern ROLE = Pattern.compile(
      "^(?:(?:backup\\s+)?contact|(?:principal\\s+|sub-?\\s*)investigator|study\\s+(?:director|chair))$",
      Pattern.CASE_INSENSITIVE);

  private static final String NUMBER = "\\d+(?:\\.\\d+)?";

  /**
   * An outcome's time frame as it ends a glued "measure + time frame" table row: "24 weeks", "up to 1 years",
   * "within 28 days after infusion", "2-3 months", "Day 28", optionally followed by more words.
   */
  static final Pattern TIME_FRAME = Pattern.compile(
      "(?:(?:(?i:up\\s+to|within|through|at|after|approximately|about|over|for|until"
          + "|(?:from\\s+)?baseline\\s+(?:to|through|until))\\s+)?"
          + NUMBER + "(?:\\s*(?:-|–|/|to|or)\\s*" + NUMBER + ")?\\s*"
          + "(?i:hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?)"
          + "|(?:Day|Week|Month|Year|Cycle)s?\\s+\\d+)"
          + "(?![\\p{L}\\p{N}]).*");
  /** How a TIME_FRAME match can begin, besides a digit: its words (ASCII, any case) and its capitalised units. */
  private static final List<String> TIME_FRAME_WORDS = List.of("up", "within", "through", "at", "after",
      "approximately", "about", "over", "for", "until", "from", "baseline");
  private static final List<String> TIME_FRAME_UNITS = List.of("Day", "Week", "Month", "Year", "Cycle");
  /**
   * The ASCII characters a time frame's word may start with: the units' first letters as written, the words' in either
   * case (only ASCII letters fold to an ASCII letter there, so another ASCII character starts none of them).
   */
  private static final String TIME_FRAME_FIRSTS = firsts();

  @Override
  public String format() {
    return "medpath-page";
  }

  @Override
  public boolean accepts(String content) {
    String first = content.lines().map(line -> line.replace("\uFEFF", "").strip())
        .filter(line -> !line.isEmpty()).findFirst().orElse("");
    return first.equals(LOGO)
        || (content.contains("Registration Number") && content.contains(RECRUITMENT));
  }

  @Override
  public ParseResult read(String content) {
    if (content == null || content.isBlank()) {
      throw new UnreadableRecordException("empty; expected a MedPath trial page");
    }
    if (!accepts(content)) {
      throw new UnreadableRecordException("not a MedPath trial page: its first line is not \"MedPath\" and it lacks"
          + " the \"Registration Number\" and \"Recruitment & Eligibility\" sections");
    }
    Page page = Page.of(content);
    List<Diagnostic> diagnostics = new ArrayList<>();
    String registryId = registryId(page, diagnostics);
    Header header = header(page.header(), diagnostics);
    List<Intervention> interventions = interventions(page, diagnostics);
    List<Arm> arms = arms(page, interventions, diagnostics);
    List<Site> sites = new ArrayList<>();
    List<Contact> unplaced = new ArrayList<>();
    locations(page, sites, unplaced, diagnostics);
    List<Outcome> outcomes = new ArrayList<>();
    for (String heading : HEADINGS) {
      if (OUTCOME_KINDS.containsKey(heading) && page.has(heading)) {
        outcomes.addAll(outcomes(OUTCOME_KINDS.get(heading), heading, page.lines(heading), diagnostics));
      }
    }
    for (String group : List.of(RECRUITMENT, STUDY_DESIGN)) {
      page.nonBlank(group).forEach(line -> unexpected(group, line, diagnostics));
    }
    TrialRecord record =
        new TrialRecord(
            registryId,
            List.of(),
            header.title(),
            null,
            null,
            status(page, header, diagnostics),
            header.phases(),
            enrollment(page, diagnostics),
            null,
            null,
            single(page, "Study Type", diagnostics, CtgovEnums::word),
            PageSections.markdown(page.lines("Brief Summary")),
            PageSections.markdown(page.lines("Detailed Description")),
            conditions(page, diagnostics),
            List.of(),
            design(page, diagnostics),
            arms,
            withArmLabels(interventions, arms),
            outcomes,
            eligibility(page, diagnostics),
            leadSponsor(page, diagnostics),
            List.of(),
            null,
            List.of(),
            sites,
            sites.stream().map(Site::country).filter(country -> country != null).distinct().toList(),
            List.of(),
            unplaced);
    return new ParseResult(format(), record, diagnostics);
  }

  /** The page cut at its heading lines, without the trailing footer. */
  private record Page(List<SourceLine> header, Map<String, List<SourceLine>> sections) {

    static Page of(String content) {
      String[] raw = LineBreaks.split(content);
      int end = raw.length;
      while (end > 0 && (raw[end - 1].isBlank() || isFooter(raw[end - 1].strip()))) {
        end--;
      }
      List<SourceLine> header = new ArrayList<>();
      Map<String, List<SourceLine>> sections = new LinkedHashMap<>();
      List<SourceLine> current = header;
      int position = -1;
      for (int i = 0; i < end; i++) {
        String text = i == 0 ? raw[i].replace("\uFEFF", "") : raw[i];
        int index = HEADINGS.indexOf(text.strip());
        if (index > position && inGroup(text.strip(), position)) {
          position = index;
          current = new ArrayList<>();
          sections.put(text.strip(), current);
          continue;
        }
        current.add(new SourceLine(i + 1, text));
      }
      return new Page(header, sections);
    }

    private static boolean isFooter(String text) {
      return FOOTER.contains(text) || text.startsWith("©");
    }

    private static boolean inGroup(String heading, int position) {
      String group = GROUP.get(heading);
      return group == null || position >= HEADINGS.indexOf(group);
    }

    boolean has(String heading) {
      return sections.containsKey(heading);
    }

    List<SourceLine> lines(String heading) {
      return sections.getOrDefault(heading, List.of());
    }

    List<SourceLine> nonBlank(String heading) {
      return lines(heading).stream().filter(line -> !line.isBlank()).toList();
    }
  }

  /** The title and the badges under it (phase and status, in either order). */
  private record Header(String title, List<String> phases, String status) {}

  private static Header header(List<SourceLine> lines, List<Diagnostic> diagnostics) {
    String title = null;
    List<String> phases = List.of();
    String status = null;
    boolean logo = false;
    for (SourceLine line : lines) {
      String text = line.text().strip();
      if (text.isEmpty()) {
        continue;
      }
      if (title == null && !logo && text.equals(LOGO)) {
        logo = true;
      } else if (title == null) {
        title = RegistryText.unescape(text);
      } else if (phases.isEmpty() && !CtgovEnums.phases(text).isEmpty()) {
        phases = CtgovEnums.phases(text);
      } else if (status == null && CtgovEnums.status(text) != null) {
        status = CtgovEnums.status(text);
      } else {
        unexpected("header", line, diagnostics);
      }
    }
    return new Header(title, phases, status);
  }

  private static String registryId(Page page, List<Diagnostic> diagnostics) {
    List<SourceLine> lines = page.nonBlank("Registration Number");
    if (lines.isEmpty()) {
      throw new UnreadableRecordException("the MedPath page has no \"Registration Number\" section with an NCT id");
    }
    String value = lines.get(0).text().strip();
    if (!NCT_ID.matcher(value).matches()) {
      throw new UnreadableRecordException("the MedPath page's \"Registration Number\" is \"" + value
          + "\", not an NCT id (NCT followed by 8 digits)");
    }
    lines.subList(1, lines.size()).forEach(line -> unexpected("Registration Number", line, diagnostics));
    return value;
  }

  /** The value line of a one-value section, converted; further lines are reported. */
  private static String single(Page page, String heading, List<Diagnostic> diagnostics,
      Function<String, String> convert) {
    List<SourceLine> lines = page.nonBlank(heading);
    if (lines.isEmpty()) {
      return null;
    }
    lines.subList(1, lines.size()).forEach(line -> unexpected(heading, line, diagnostics));
    return convert.apply(RegistryText.orNull(lines.get(0).text()));
  }

  private static SourceLine valueLine(Page page, String heading) {
    List<SourceLine> lines = page.nonBlank(heading);
    return lines.isEmpty() ? null : lines.get(0);
  }

  /** The "Status" field, else the status badge under the title; the field wins when they differ. */
  private static String status(Page page, Header header, List<Diagnostic> diagnostics) {
    String text = single(page, "Status", diagnostics, t -> t);
    if (text == null) {
      return header.status();
    }
    String status = CtgovEnums.status(text);
    SourceLine line = valueLine(page, "Status");
    if (status == null) {
      diagnostics.add(new Diagnostic(Severity.WARNING, "Status", line.number(), text,
          "not a ClinicalTrials.gov overall status; kept as written"));
      status = CtgovEnums.word(text);
    }
    if (header.status() != null && !header.status().equals(status)) {
      diagnostics.add(new Diagnostic(Severity.INFO, "Status", line.number(), text,
          "the badge under the title says " + header.status() + "; the Status field is kept"));
    }
    return status;
  }

  private static Enrollment enrollment(Page page, List<Diagnostic> diagnostics) {
    String text = single(page, "Target Recruitment", diagnostics, t -> t);
    if (text == null) {
      return null;
    }
    Matcher m = COUNT.matcher(text);
    if (!m.matches()) {
      diagnostics.add(new Diagnostic(Severity.WARNING, "Target Recruitment",
          valueLine(page, "Target Recruitment").number(), text, "not an enrollment count; left out"));
      return null;
    }
    // "Target" recruitment is the number the study plans to enrol, i.e. an anticipated (ESTIMATED) count.
    return new Enrollment(Integer.parseInt(m.group(1).replace(",", "")), "ESTIMATED");
  }

  /** One condition per line; a line of several terms joined by spaces is split by {@link ConditionSplitter}. */
  private static List<String> conditions(Page page, List<Diagnostic> diagnostics) {
    List<String> terms = new ArrayList<>();
    for (SourceLine line : page.nonBlank("Conditions")) {
      terms.addAll(ConditionSplitter.split(
          new SourceLine(line.number(), RegistryText.unescape(line.text())), "Conditions", diagnostics));
    }
    return terms;
  }

  private static Sponsor leadSponsor(Page page, List<Diagnostic> diagnostics) {
    String name = single(page, "Lead Sponsor", diagnostics, t -> t);
    return name == null ? null : new Sponsor(name, null);
  }

  /** "Study Design" shows the intervention model (SINGLE_GROUP, SEQUENTIAL, ...) and nothing else. */
  private static Design design(Page page, List<Diagnostic> diagnostics) {
    String model = single(page, "Study Design", diagnostics, CtgovEnums::word);
    if (model == null) {
      return null;
    }
    if (!INTERVENTION_MODELS.contains(model)) {
      diagnostics.add(new Diagnostic(Severity.WARNING, "Study Design", valueLine(page, "Study Design").number(),
          model, "not an interventional model (the record has no field for observational models); left out"));
      return null;
    }
    return new Design(null, model, null, null, null, null);
  }

  private static Eligibility eligibility(Page page, List<Diagnostic> diagnostics) {
    String sex = single(page, "Sex", diagnostics, CtgovEnums::word);
    if (sex != null && !SEXES.contains(sex)) {
      diagnostics.add(new Diagnostic(Severity.WARNING, "Sex", valueLine(page, "Sex").number(), sex,
          "not ALL, FEMALE or MALE; kept in API spelling"));
    }
    // No age fields on the page: ages inside the criteria text stay criterion text.
    return new Eligibility(
        CriteriaParser.parse(page.lines("Inclusion Criteria"), "Inclusion Criteria", diagnostics),
        CriteriaParser.parse(page.lines("Exclusion Criteria"), "Exclusion Criteria", diagnostics),
        null,
        null,
        sex,
        null);
  }

  /** "Drug: NAME" lines, one intervention each. */
  private static List<Intervention> interventions(Page page, List<Diagnostic> diagnostics) {
    List<Intervention> interventions = new ArrayList<>();
    for (SourceLine line : page.nonBlank("Interventions")) {
      String text = RegistryText.unescape(line.text());
      Matcher m = INTERVENTION.matcher(text);
      String type = m.matches() ? CtgovEnums.word(m.group(1)) : null;
      if (type != null && INTERVENTION_TYPES.contains(type)) {
        interventions.add(new Intervention(m.group(2).strip(), type, null, List.of(), List.of()));
      } else {
        diagnostics.add(new Diagnostic(Severity.WARNING, "Interventions", line.number(), text,
            "no known intervention type before a colon; the whole line is kept as the name, type left out"));
        interventions.add(new Intervention(text, null, null, List.of(), List.of()));
      }
    }
    return interventions;
  }

  /** How an intervention may appear in an arm row: its name, or its whole "Drug: NAME" line. */
  private record Needle(String text, String name) {}

  /**
   * The "Arm && Interventions" table: a "GroupInterventionDescription" header, then one line per arm with its
   * three cells glued. A row is cut at the first intervention (name or "Drug: NAME" line) it contains after
   * its first character: the group label stands before it, further interventions may follow it, and the
   * description stands after them.
   */
  private static List<Arm> arms(Page page, List<Intervention> interventions, List<Diagnostic> diagnostics) {
    String section = "Arm && Interventions";
    List<SourceLine> lines = page.nonBlank(section);
    if (!lines.isEmpty() && SPACE.matcher(lines.get(0).text()).replaceAll("").equals("GroupInterventionDescription")) {
      lines = lines.subList(1, lines.size());
    } else if (!lines.isEmpty()) {
      diagnostics.add(new Diagnostic(Severity.WARNING, section, lines.get(0).number(), lines.get(0).text().strip(),
          "no \"GroupInterventionDescription\" table header; lines read as rows"));
    }
    List<SourceLine> listed = page.nonBlank("Interventions");
    List<Needle> needles = new ArrayList<>();
    for (int k = 0; k < interventions.size(); k++) {
      String name = interventions.get(k).name();
      needles.add(new Needle(RegistryText.unescape(listed.get(k).text()), name));
      needles.add(new Needle(name, name));
    }
    // Longest first, so "Drug: X" wins over "X" and "CART cells" over "CART".
    needles.sort((a, b) -> b.text().length() - a.text().length());
    List<Arm> arms = new ArrayList<>();
    for (SourceLine line : lines) {
      String row = RegistryText.unescape(line.text());
      int start = -1;
      Needle found = null;
      for (Needle needle : needles) {
        int at = row.indexOf(needle.text(), 1);
        if (at > 0 && (start < 0 || at < start)) {
          start = at;
          found = needle;
        }
      }
      if (found == null) {
        diagnostics.add(new Diagnostic(Severity.WARNING, section, line.number(), row,
            "no intervention name found to cut the row at; the whole row is kept as the arm's description"));
        arms.add(new Arm(null, null, row, List.of()));
        continue;
      }
      // "CART xCART x...": a label that ends with the intervention's own name is followed by the name again.
      while (row.startsWith(found.text(), start + found.text().length())) {
        start += found.text().length();
      }
      List<String> armInterventions = new ArrayList<>(List.of(found.name()));
      int end = start + found.text().length();
      for (boolean more = true; more; ) {
        more = false;
        int next = skipSeparators(row, end);
        for (Needle needle : needles) {
          if (next < row.length() && row.startsWith(needle.text(), next)) {
            armInterventions.add(needle.name());
            end = next + needle.text().length();
            more = true;
            break;
          }
        }
      }
      String label = RegistryText.orNull(row.substring(0, start));
      diagnostics.add(new Diagnostic(Severity.INFO, section, line.number(), row,
          "cells cut at the intervention(s) " + armInterventions + ": group \"" + label + "\""));
      arms.add(new Arm(label, null, RegistryText.orNull(row.substring(end)), armInterventions));
    }
    return arms;
  }

  private static int skipSeparators(String row, int from) {
    int i = from;
    while (i < row.length() && (Character.isWhitespace(row.charAt(i)) || ",;+".indexOf(row.charAt(i)) >= 0)) {
      i++;
    }
    return i;
  }

  private static List<Intervention> withArmLabels(List<Intervention> interventions, List<Arm> arms) {
    return interventions.stream()
        .map(intervention -> new Intervention(intervention.name(), intervention.type(), intervention.description(),
            arms.stream().filter(arm -> arm.label() != null && arm.interventionNames().contains(intervention.name()))
                .map(Arm::label).distinct().toList(),
            intervention.otherNames()))
        .toList();
  }

  private enum Previous { HEADER, ROW, DESCRIPTION }

  /**
   * An outcome table: a "NameTimeMethod" header, then rows of measure and time frame glued together, each
   * row optionally followed, after a blank line, by its description paragraph(s). A line is a row when it
   * directly follows the header or another row, or when it splits at a time frame; otherwise, after a blank
   * line, it is a description paragraph of the row before.
   */
  private static List<Outcome> outcomes(String kind, String section, List<SourceLine> lines,
      List<Diagnostic> diagnostics) {
    List<Outcome> outcomes = new ArrayList<>();
    List<String> paragraphs = new ArrayList<>();
    String measure = null;
    String timeFrame = null;
    Previous previous = Previous.HEADER;
    boolean blank = false;
    boolean first = true;
    for (SourceLine line : lines) {
      if (line.isBlank()) {
        blank = true;
        continue;
      }
      String text = RegistryText.unescape(line.text());
      if (first) {
        first = false;
        if (SPACE.matcher(text).replaceAll("").equals("NameTimeMethod")) {
          blank = false;
          continue;
        }
        diagnostics.add(new Diagnostic(Severity.WARNING, section, line.number(), text,
            "no \"NameTimeMethod\" table header; lines read as rows"));
      }
      int cut = timeFrameStart(text);
      boolean row = cut > 0 || (!blank && previous != Previous.DESCRIPTION);
      if (row) {
        if (measure != null) {
          outcomes.add(outcome(kind, measure, timeFrame, paragraphs));
        }
        paragraphs.clear();
        if (cut > 0) {
          measure = text.substring(0, cut).strip();
          timeFrame = text.substring(cut).strip();
          diagnostics.add(new Diagnostic(Severity.INFO, section, line.number(), text,
              "measure and time frame glued; split into \"" + measure + "\" and \"" + timeFrame + "\""));
        } else {
          measure = text;
          timeFrame = null;
          diagnostics.add(new Diagnostic(Severity.WARNING, section, line.number(), text,
              "no time frame found at the end of the row; the whole row is kept as the measure"));
        }
        previous = Previous.ROW;
      } else if (measure == null) {
        unexpected(section, line, diagnostics);
      } else if (previous == Previous.DESCRIPTION && !blank) {
        paragraphs.set(paragraphs.size() - 1, paragraphs.get(paragraphs.size() - 1) + "\n" + text);
      } else {
        paragraphs.add(text);
        previous = Previous.DESCRIPTION;
      }
      blank = false;
    }
    if (measure != null) {
      outcomes.add(outcome(kind, measure, timeFrame, paragraphs));
    }
    return outcomes;
  }

  private static Outcome outcome(String kind, String measure, String timeFrame, List<String> paragraphs) {
    return new Outcome(kind, measure, timeFrame, paragraphs.isEmpty() ? null : String.join("\n\n", paragraphs));
  }

  /**
   * Where the time frame glued to the end of a row starts: the earliest position, not after white space or an
   * opening bracket and not inside a number, from which the rest of the row is a time frame; -1 when none.
   */
  static int timeFrameStart(String row) {
    // One matcher, its region moved along the row: opaque bounds read the rest of the row as its substring would.
    Matcher timeFrame = TIME_FRAME.matcher(row);
    for (int i = 1; i < row.length(); i++) {
      char before = row.charAt(i - 1);
      char at = row.charAt(i);
      if (Character.isWhitespace(before) || "([{\"'“‘".indexOf(before) >= 0 || !Character.isLetterOrDigit(at)) {
        continue;
      }
      if (Character.isDigit(at) && (Character.isDigit(before) || before == '.' || before == ',')) {
        continue;
      }
      if (mayStartTimeFrame(row, i) && timeFrame.region(i, row.length()).matches()
          && !row.substring(0, i).isBlank()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Whether a TIME_FRAME match may begin at {@code i}: a digit or one of its first words there. Every letter inside
   * a row's words passes the checks before it, and trying the pattern at each one was most of the rows' reading.
   * Ignoring case as {@code regionMatches} does matches more than the pattern's ASCII case does, never less.
   */
  private static boolean mayStartTimeFrame(String row, int i) {
    char c = row.charAt(i);
    if (c >= '0' && c <= '9') {
      return true;
    }
    if (c < 128 && TIME_FRAME_FIRSTS.indexOf(c) < 0) {
      // Most letters inside a row's words start none of the words: one scan instead of seventeen comparisons.
      return false;
    }
    for (String unit : TIME_FRAME_UNITS) {
      if (row.startsWith(unit, i)) {
        return true;
      }
    }
    for (String word : TIME_FRAME_WORDS) {
      if (row.regionMatches(true, i, word, 0, word.length())) {
        return true;
      }
    }
    return false;
  }

  /** {@link #TIME_FRAME_FIRSTS}: the units' first letters, and the words' in both cases. */
  private static String firsts() {
    StringBuilder firsts = new StringBuilder();
    TIME_FRAME_UNITS.forEach(unit -> firsts.append(unit.charAt(0)));
    for (String word : TIME_FRAME_WORDS) {
      firsts.append(Character.toLowerCase(word.charAt(0))).append(Character.toUpperCase(word.charAt(0)));
    }
    return firsts.toString();
  }

  /**
   * "Trial Locations": a "Locations (N)" line, then one block per site (facility, flag line, "City[, State],
   * Country"), then facility contact blocks (facility, flag glued to "City, Country", name, role, phone,
   * e-mail). A facility line is recognised by the flag line that follows it.
   */
  private static void locations(Page page, List<Site> sites, List<Contact> unplaced, List<Diagnostic> diagnostics) {
    List<SourceLine> lines = page.nonBlank(LOCATIONS);
    List<String> places = new ArrayList<>();
    Integer stated = null;
    SourceLine statedLine = null;
    int i = 0;
    while (i < lines.size()) {
      SourceLine line = lines.get(i);
      String text = RegistryText.unescape(line.text());
      Matcher count = LOCATIONS_COUNT.matcher(text);
      SourceLine next = i + 1 < lines.size() ? lines.get(i + 1) : null;
      if (count.matches() && stated == null) {
        stated = Integer.parseInt(count.group(1));
        statedLine = line;
        i++;
      } else if (isSymbols(text)) {
        unexpected(LOCATIONS, line, diagnostics);
        i++;
      } else if (next != null && isSymbols(next.text().strip())) {
        // Site block: facility, flag, place.
        SourceLine place = i + 2 < lines.size() && !isFacility(lines, i + 2) ? lines.get(i + 2) : null;
        String placeText = place == null ? null : RegistryText.unescape(place.text());
        if (place == null) {
          diagnostics.add(new Diagnostic(Severity.WARNING, LOCATIONS, line.number(), text,
              "site without a \"City, Country\" line"));
        }
        // MedPath lists no countries apart from the sites' own, so the place line alone decides.
        sites.add(SitePlaces.site(text, placeText, List.of(), null));
        places.add(placeText);
        i += place == null ? 2 : 3;
      } else if (next != null && flagged(next.text().strip()) != null) {
        i = contact(lines, i, sites, places, unplaced, diagnostics);
      } else {
        unexpected(LOCATIONS, line, diagnostics);
        i++;
      }
    }
    if (stated != null && stated != sites.size()) {
      diagnostics.add(new Diagnostic(Severity.WARNING, LOCATIONS, statedLine.number(), statedLine.text().strip(),
          "the page announces " + stated + " locations but lists " + sites.size()));
    }
  }

  /** Reads the facility contact block starting at {@code start}; returns the index after it. */
  private static int contact(List<SourceLine> lines, int start, List<Site> sites, List<String> places,
      List<Contact> unplaced, List<Diagnostic> diagnostics) {
    String facility = RegistryText.unescape(lines.get(start).text());
    String place = RegistryText.unescape(flagged(lines.get(start + 1).text().strip()));
    String name = null;
    String role = null;
    String phone = null;
    String ext = null;
    String email = null;
    int i = start + 2;
    for (; i < lines.size() && !isFacility(lines, i); i++) {
      SourceLine line = lines.get(i);
      String text = RegistryText.unescape(line.text());
      Matcher phoneMatch = PHONE.matcher(text);
      if (EMAIL.matcher(text).matches() && email == null) {
        email = text;
      } else if (phoneMatch.matches() && phone == null) {
        phone = phoneMatch.group(1).strip();
        ext = phoneMatch.group(2);
      } else if (name == null) {
        name = text;
      } else if (role == null && ROLE.matcher(text).matches()) {
        role = CtgovEnums.word(text);
      } else {
        unexpected(LOCATIONS, line, diagnostics);
      }
    }
    Contact contact = new Contact(name, role, phone, ext, email);
    int site = -1;
    for (int k = 0; k < sites.size(); k++) {
      if (sites.get(k).facility().equals(facility) && (site < 0 || place.equals(places.get(k)))) {
        site = k;
      }
    }
    if (site < 0) {
      diagnostics.add(new Diagnostic(Severity.WARNING, LOCATIONS, lines.get(start).number(), facility,
          "contact for a facility that is not among the listed sites; kept as an unplaced facility contact"));
      unplaced.add(contact);
    } else {
      Site s = sites.get(site);
      List<Contact> contacts = new ArrayList<>(s.contacts());
      contacts.add(contact);
      sites.set(site, new Site(s.facility(), s.city(), s.state(), s.zip(), s.country(), s.status(), contacts));
    }
    return i;
  }

  /** A facility line: text followed by a flag line or by a flag glued to a place. */
  private static boolean isFacility(List<SourceLine> lines, int i) {
    if (i + 1 >= lines.size()) {
      return false;
    }
    String text = lines.get(i).text().strip();
    String next = lines.get(i + 1).text().strip();
    return !isSymbols(text) && flagged(text) == null && (isSymbols(next) || flagged(next) != null);
  }

  /** A line of symbols only, such as the flag emoji 🇨🇳 under a site. */
  private static boolean isSymbols(String text) {
    return !text.isEmpty() && text.codePoints().allMatch(MedPathPageReader::isSymbol);
  }

  /** The text after a leading flag ("🇨🇳Hefei, China" gives "Hefei, China"), or null when there is none. */
  private static String flagged(String text) {
    int i = 0;
    while (i < text.length() && isSymbol(text.codePointAt(i))) {
      i += Character.charCount(text.codePointAt(i));
    }
    return i > 0 && i < text.length() ? text.substring(i).strip() : null;
  }

  private static boolean isSymbol(int codePoint) {
    return Character.getType(codePoint) == Character.OTHER_SYMBOL
        || codePoint == 0x200D
        || (codePoint >= 0xFE00 && codePoint <= 0xFE0F)
        || (codePoint >= 0xE0020 && codePoint <= 0xE007F);
  }

  private static void unexpected(String section, SourceLine line, List<Diagnostic> diagnostics) {
    diagnostics.add(new Diagnostic(Severity.WARNING, section, line.number(), line.text().strip(),
        "line not understood; left out of the record"));
  }
}
