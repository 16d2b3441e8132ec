package org.trialfhir.source;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
import org.trialfhir.source.TrialRecord.Outcome;
import org.trialfhir.source.TrialRecord.ResponsibleParty;
import org.trialfhir.source.TrialRecord.Site;
import org.trialfhir.source.TrialRecord.Sponsor;

/**
 * Reads one ClinicalTrials.gov API v2 study ({@code GET /api/v2/studies/{nctId}}, JSON with a
 * {@code protocolSection}) into a {@link TrialRecord}.
 *
 * <p>Values keep the API's spelling; markdown text is unescaped and cut into paragraphs the way {@link
 * CtgovPageReader} does, so a study read from its page and from its JSON gives the same record. Whatever is
 * odd but readable (a malformed date, a phase the API does not define, a value of the wrong JSON type) is
 * left out or kept as written with a diagnostic that names the line of the JSON file it sits on.
 */
public final class CtgovJsonReader implements TrialRecordReader {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          // A repeated key would silently drop one of its values.
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The modules of protocolSection in the API v2 study data structure. */
  private static final Set<String> MODULES =
      Set.of(
          "identificationModule", "statusModule", "sponsorCollaboratorsModule", "oversightModule",
          "descriptionModule", "conditionsModule", "designModule", "armsInterventionsModule", "outcomesModule",
          "eligibilityModule", "contactsLocationsModule", "referencesModule", "ipdSharingStatementModule");

  // Jackson names positions inside its messages as "[Source: ...; line: 1, column: 1]".
  private static final Pattern SOURCE_REF = Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)]");
  private static final Pattern NCT_ID = Pattern.compile("NCT\\d{8}");
  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}(-\\d{2}(-\\d{2})?)?");
  // armGroups[].interventionNames are "<type as shown>: <intervention name>", e.g. "Drug: Cyclophosphamide".
  private static final Pattern TYPED_NAME = Pattern.compile("^([A-Za-z][A-Za-z ]*):\\s*(.+)$");

  @Override
  public String format() {
    return "ctgov-json";
  }

  @Override
  public boolean accepts(String content) {
    return content.stripLeading().startsWith("{") && content.contains("\"protocolSection\"");
  }

  @Override
  public ParseResult read(String content) {
    JsonNode root = parse(content);
    Reading study = new Reading(content);
    At protocol = protocolSection(root);
    At identification = protocol.get("identificationModule");
    JsonNode nctId = identification.get("nctId").node();
    if (!nctId.isTextual() || nctId.textValue().isBlank()) {
      throw new UnreadableRecordException(
          "a ClinicalTrials.gov API v2 study names its NCT number in protocolSection.identificationModule.nctId;"
              + " this JSON has none");
    }
    String registryId = nctId.textValue().strip();
    if (!NCT_ID.matcher(registryId).matches()) {
      study.warn("identificationModule", identification.get("nctId"), registryId,
          "nctId is not NCT followed by 8 digits; kept as written");
    }
    protocol.node().fieldNames().forEachRemaining(name -> {
      if (!MODULES.contains(name)) {
        study.warn("protocolSection", protocol.get(name), name,
            "not a module of the API v2 study structure; not read");
      } else if (!protocol.get(name).node().isObject()) {
        study.warn("protocolSection", protocol.get(name), name, "the module is not an object; not read");
      }
    });

    At status = protocol.get("statusModule");
    At design = protocol.get("designModule");
    At description = protocol.get("descriptionModule");
    At conditions = protocol.get("conditionsModule");
    At armsInterventions = protocol.get("armsInterventionsModule");
    At sponsors = protocol.get("sponsorCollaboratorsModule");
    At contactsLocations = protocol.get("contactsLocationsModule");
    List<Intervention> interventions = interventions(armsInterventions, study);
    List<Arm> arms = arms(armsInterventions, interventions, study);
    checkArmLabels(armsInterventions, arms, study);
    List<Site> sites = sites(contactsLocations, study);

    TrialRecord record =
        new TrialRecord(
            registryId,
            otherIds(identification, study),
            study.text(identification, "briefTitle", "identificationModule"),
            study.text(identification, "officialTitle", "identificationModule"),
            study.date(status, "lastUpdatePostDateStruct", "statusModule"),
            overallStatus(status, study),
            phases(design, study),
            enrollment(design, study),
            study.date(status, "startDateStruct", "statusModule"),
            study.date(status, "completionDateStruct", "statusModule"),
            study.text(design, "studyType", "designModule"),
            study.markdown(description, "briefSummary", "descriptionModule"),
            study.markdown(description, "detailedDescription", "descriptionModule"),
            study.strings(conditions, "conditions", "conditionsModule"),
            study.strings(conditions, "keywords", "conditionsModule"),
            design(design, study),
            arms,
            interventions,
            outcomes(protocol.get("outcomesModule"), study),
            eligibility(protocol.get("eligibilityModule"), study),
            sponsor(sponsors.get("leadSponsor"), study),
            study.objects(sponsors, "collaborators", "sponsorCollaboratorsModule").stream()
                .map(c -> sponsor(c, study)).filter(Objects::nonNull).toList(),
            responsibleParty(sponsors.get("responsibleParty"), study),
            investigators(contactsLocations, study),
            sites,
            List.copyOf(new LinkedHashSet<>(
                sites.stream().map(Site::country).filter(Objects::nonNull).toList())),
            contacts(contactsLocations, "centralContacts", study),
            List.of());
    return new ParseResult(format(), record, study.diagnostics);
  }

  private static JsonNode parse(String content) {
    try {
      return JSON.readTree(content);
    } catch (JsonProcessingException e) {
      JsonLocation where = e.getLocation();
      String at = where == null || where.getLineNr() < 1
          ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
      String original = Objects.toString(e.getOriginalMessage(), "unreadable");
      String why = original.startsWith("Trailing token")
          ? "more content after the end of the study object"
          : SOURCE_REF.matcher(original).replaceAll("line $1, column $2");
      throw new UnreadableRecordException("not valid JSON: " + why + at, e);
    }
  }

  private static At protocolSection(JsonNode root) {
    if (root == null || !root.isObject()) {
      if (root == null || root.isMissingNode()) {
        throw new UnreadableRecordException("empty; expected a ClinicalTrials.gov API v2 study");
      }
      throw new UnreadableRecordException("JSON, but not a ClinicalTrials.gov API v2 study: the top level is "
          + kind(root) + ", not an object");
    }
    JsonNode studies = root.get("studies");
    if (!root.has("protocolSection") && studies != null && studies.isArray()) {
      throw new UnreadableRecordException("a ClinicalTrials.gov search response listing " + studies.size()
          + " studies; expected a single study, as GET /api/v2/studies/{nctId} returns it");
    }
    JsonNode protocol = root.get("protocolSection");
    if (protocol == null || !protocol.isObject()) {
      throw new UnreadableRecordException("JSON, but not a ClinicalTrials.gov API v2 study: "
          + (protocol == null ? "it has no protocolSection" : "its protocolSection is not an object"));
    }
    return new At(root, "").get("protocolSection");
  }

  private static List<OtherId> otherIds(At identification, Reading study) {
    List<OtherId> ids = new ArrayList<>();
    At org = identification.get("orgStudyIdInfo");
    String orgId = study.text(org, "id", "identificationModule");
    if (orgId != null) {
      ids.add(new OtherId(orgId, study.text(org, "type", "identificationModule"), "org_study_id"));
    }
    for (At secondary : study.objects(identification, "secondaryIdInfos", "identificationModule")) {
      String id = study.text(secondary, "id", "identificationModule");
      if (id != null) {
        ids.add(new OtherId(id, study.text(secondary, "type", "identificationModule"), "secondary_id"));
      }
    }
    return ids;
  }

  private static String overallStatus(At status, Reading study) {
    String text = study.text(status, "overallStatus", "statusModule");
    if (text != null && !CtgovEnums.STATUSES.contains(text)) {
      study.warn("statusModule", status.get("overallStatus"), text,
          "overallStatus is not an API v2 status; kept as written");
    }
    return text;
  }

  private static List<String> phases(At design, Reading study) {
    List<String> phases = new ArrayList<>();
    for (At item : study.texts(design, "phases", "designModule")) {
      String phase = RegistryText.orNull(item.node().textValue());
      if (CtgovEnums.PHASES.contains(phase)) {
        phases.add(phase);
      } else {
        study.warn("designModule", item, phase, "not an API v2 phase; left out");
      }
    }
    return phases;
  }

  private static Enrollment enrollment(At design, Reading study) {
    At info = design.get("enrollmentInfo");
    At count = info.get("count");
    Integer number = null;
    if (count.node().canConvertToExactIntegral() && count.node().canConvertToInt() && count.node().intValue() >= 0) {
      number = count.node().intValue();
    } else if (!count.absent()) {
      study.warn("designModule", count, count.node().toString(),
          "enrollmentInfo.count is not a whole number of participants; left out");
    }
    String type = study.text(info, "type", "designModule");
    return number == null && type == null ? null : new Enrollment(number, type);
  }

  private static Design design(At design, Reading study) {
    At info = design.get("designInfo");
    At masking = info.get("maskingInfo");
    Design result = new Design(
        study.text(info, "allocation", "designModule"),
        study.text(info, "interventionModel", "designModule"),
        study.markdown(info, "interventionModelDescription", "designModule"),
        study.text(info, "primaryPurpose", "designModule"),
        study.text(masking, "masking", "designModule"),
        study.markdown(masking, "maskingDescription", "designModule"));
    return result.equals(new Design(null, null, null, null, null, null)) ? null : result;
  }

  private static List<Intervention> interventions(At module, Reading study) {
    String section = "armsInterventionsModule";
    return study.objects(module, "interventions", section).stream()
        .map(i -> new Intervention(
            study.text(i, "name", section),
            study.text(i, "type", section),
            study.markdown(i, "description", section),
            study.strings(i, "armGroupLabels", section),
            study.strings(i, "otherNames", section)))
        .toList();
  }

  private static List<Arm> arms(At module, List<Intervention> interventions, Reading study) {
    String section = "armsInterventionsModule";
    List<Arm> arms = new ArrayList<>();
    for (At arm : study.objects(module, "armGroups", section)) {
      List<String> names = new ArrayList<>();
      for (At name : study.texts(arm, "interventionNames", section)) {
        names.add(interventionName(RegistryText.orNull(name.node().textValue()), interventions, name, study));
      }
      arms.add(new Arm(
          study.text(arm, "label", section),
          study.text(arm, "type", section),
          study.markdown(arm, "description", section),
          names));
    }
    return arms;
  }

  /** "Drug: Cyclophosphamide" → "Cyclophosphamide" when the study has that intervention of that type. */
  private static String interventionName(String written, List<Intervention> interventions, At at, Reading study) {
    if (interventions.stream().anyMatch(i -> written.equals(i.name()))) {
      return written;
    }
    Matcher typed = TYPED_NAME.matcher(written);
    if (typed.matches()) {
      String type = CtgovEnums.word(typed.group(1));
      String name = typed.group(2).strip();
      if (interventions.stream().anyMatch(i -> name.equals(i.name()) && type.equals(i.type()))) {
        return name;
      }
    }
    study.warn("armsInterventionsModule", at, written,
        "interventionNames names no intervention of this study; kept as written");
    return written;
  }

  /** Every interventions[].armGroupLabels item should be the label of one of the study's arm groups. */
  private static void checkArmLabels(At module, List<Arm> arms, Reading study) {
    Set<String> labels = new LinkedHashSet<>();
    arms.forEach(arm -> labels.add(arm.label()));
    At interventions = module.get("interventions");
    for (int i = 0; i < interventions.node().size(); i++) {
      At armLabels = interventions.at(i).get("armGroupLabels");
      for (int k = 0; k < armLabels.node().size(); k++) {
        JsonNode label = armLabels.at(k).node();
        if (label.isTextual() && !labels.contains(RegistryText.orNull(label.textValue()))) {
          study.warn("armsInterventionsModule", armLabels.at(k), label.textValue(),
              "armGroupLabels names no arm group of this study; kept as written");
        }
      }
    }
  }

  private static List<Outcome> outcomes(At module, Reading study) {
    List<Outcome> outcomes = new ArrayList<>();
    List<Map.Entry<String, String>> kinds = List.of(Map.entry("primaryOutcomes", "PRIMARY"),
        Map.entry("secondaryOutcomes", "SECONDARY"), Map.entry("otherOutcomes", "OTHER"));
    for (Map.Entry<String, String> kind : kinds) {
      for (At outcome : study.objects(module, kind.getKey(), "outcomesModule")) {
        outcomes.add(new Outcome(
            kind.getValue(),
            study.text(outcome, "measure", "outcomesModule"),
            study.text(outcome, "timeFrame", "outcomesModule"),
            study.markdown(outcome, "description", "outcomesModule")));
      }
    }
    return outcomes;
  }

  private static Eligibility eligibility(At module, Reading study) {
    if (module.absent()) {
      return null;
    }
    String section = "eligibilityModule";
    At criteria = module.get("eligibilityCriteria");
    List<Diagnostic> criteriaDiagnostics = new ArrayList<>();
    JsonNode text = criteria.node();
    CriteriaParser.Lists lists = text.isTextual()
        ? CriteriaParser.parseEligibilityText(text.textValue(), 1, criteriaDiagnostics)
        : new CriteriaParser.Lists(List.of(), List.of());
    if (!text.isTextual() && !criteria.absent()) {
      study.warn(section, criteria, text.toString(), "eligibilityCriteria is not text; not read");
    }
    for (Diagnostic d : criteriaDiagnostics) {
      // The parser counts lines within the criteria text; the file line is where that text starts.
      study.add(new Diagnostic(d.severity(), section, study.line(criteria), d.text(),
          d.section() + ", line " + d.line() + " of eligibilityCriteria: " + d.message()));
    }
    At healthy = module.get("healthyVolunteers");
    Boolean healthyVolunteers = null;
    if (healthy.node().isBoolean()) {
      healthyVolunteers = healthy.node().booleanValue();
    } else if (!healthy.absent()) {
      study.warn(section, healthy, healthy.node().toString(), "healthyVolunteers is not true or false; left out");
    }
    return new Eligibility(
        lists.inclusion(),
        lists.exclusion(),
        age(module, "minimumAge", study),
        age(module, "maximumAge", study),
        study.text(module, "sex", section),
        healthyVolunteers);
  }

  private static TrialRecord.AgeLimit age(At module, String field, Reading study) {
    String text = study.text(module, field, "eligibilityModule");
    TrialRecord.AgeLimit age = AgeLimits.parse(text);
    if (text != null && age == null) {
      study.warn("eligibilityModule", module.get(field), text,
          field + " is not an age such as \"18 Years\"; left out");
    }
    return age;
  }

  private static Sponsor sponsor(At sponsor, Reading study) {
    String name = study.text(sponsor, "name", "sponsorCollaboratorsModule");
    String agencyClass = study.text(sponsor, "class", "sponsorCollaboratorsModule");
    return name == null && agencyClass == null ? null : new Sponsor(name, agencyClass);
  }

  private static ResponsibleParty responsibleParty(At party, Reading study) {
    String section = "sponsorCollaboratorsModule";
    ResponsibleParty result = new ResponsibleParty(
        study.text(party, "type", section),
        study.text(party, "investigatorFullName", section),
        study.text(party, "investigatorAffiliation", section));
    return result.equals(new ResponsibleParty(null, null, null)) ? null : result;
  }

  private static List<Investigator> investigators(At module, Reading study) {
    String section = "contactsLocationsModule";
    return study.objects(module, "overallOfficials", section).stream()
        .map(official -> new Investigator(
            study.text(official, "name", section),
            study.text(official, "role", section),
            study.text(official, "affiliation", section)))
        .toList();
  }

  private static List<Site> sites(At module, Reading study) {
    String section = "contactsLocationsModule";
    return study.objects(module, "locations", section).stream()
        .map(location -> new Site(
            study.text(location, "facility", section),
            study.text(location, "city", section),
            study.text(location, "state", section),
            study.text(location, "zip", section),
            study.text(location, "country", section),
            study.text(location, "status", section),
            contacts(location, "contacts", study)))
        .toList();
  }

  private static List<Contact> contacts(At parent, String field, Reading study) {
    String section = "contactsLocationsModule";
    return study.objects(parent, field, section).stream()
        .map(contact -> new Contact(
            study.text(contact, "name", section),
            study.text(contact, "role", section),
            study.text(contact, "phone", section),
            study.text(contact, "phoneExt", section),
            study.text(contact, "email", section)))
        .toList();
  }

  /** "an array", "an object", "a number", ... for messages. */
  private static String kind(JsonNode node) {
    String type = node.getNodeType().toString().toLowerCase(Locale.ROOT);
    return (type.startsWith("a") || type.startsWith("o") ? "an " : "a ") + type;
  }

  /** A node of the study and its JSON pointer, so a diagnostic can name the line the value is on. */
  private record At(JsonNode node, String pointer) {
    At get(String field) {
      return new At(node.path(field), pointer + "/" + field.replace("~", "~0").replace("/", "~1"));
    }

    At at(int index) {
      return new At(node.path(index), pointer + "/" + index);
    }

    boolean absent() {
      return node.isMissingNode() || node.isNull();
    }
  }

  /** One read in progress: typed access to the study's fields, collecting diagnostics as it goes. */
  private static final class Reading {
    private final String content;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private Map<String, Integer> lines;

    Reading(String content) {
      this.content = content;
    }

    void add(Diagnostic diagnostic) {
      diagnostics.add(diagnostic);
    }

    void warn(String section, At at, String text, String message) {
      diagnostics.add(new Diagnostic(Severity.WARNING, section, line(at), text, message));
    }

    /** The single-line text of {@code parent.field}, unescaped; null when absent or blank. */
    String text(At parent, String field, String section) {
      At at = parent.get(field);
      JsonNode node = at.node();
      if (node.isTextual()) {
        return RegistryText.orNull(node.textValue());
      }
      if (node.isNumber() || node.isBoolean()) {
        warn(section, at, node.asText(), field + " is " + kind(node) + ", not text; kept as written");
        return node.asText();
      }
      if (!at.absent()) {
        warn(section, at, node.toString(), field + " is " + kind(node) + ", not text; left out");
      }
      return null;
    }

    /**
     * The markdown text of {@code parent.field}: paragraphs (separated by blank lines) with each line
     * unescaped, as {@link PageSections#markdown} makes them from a page, so both renderings agree.
     */
    String markdown(At parent, String field, String section) {
      At at = parent.get(field);
      if (!at.node().isTextual()) {
        return text(parent, field, section);
      }
      String[] raw = LineBreaks.split(at.node().textValue());
      List<SourceLine> source = new ArrayList<>();
      for (int i = 0; i < raw.length; i++) {
        source.add(new SourceLine(i + 1, raw[i]));
      }
      return PageSections.markdown(source);
    }

    /** The texts of the array {@code parent.field}, unescaped. */
    List<String> strings(At parent, String field, String section) {
      return texts(parent, field, section).stream().map(item -> RegistryText.orNull(item.node().textValue())).toList();
    }

    /** The items of the array {@code parent.field} that hold text; blank and other items left out. */
    List<At> texts(At parent, String field, String section) {
      List<At> values = new ArrayList<>();
      At array = parent.get(field);
      if (!isArray(array, field, section)) {
        return values;
      }
      for (int i = 0; i < array.node().size(); i++) {
        At item = array.at(i);
        if (!item.node().isTextual()) {
          warn(section, item, item.node().toString(), field + " holds an item that is not text; left out");
        } else if (RegistryText.orNull(item.node().textValue()) == null) {
          warn(section, item, "", field + " holds a blank item; left out");
        } else {
          values.add(item);
        }
      }
      return values;
    }

    /** The objects of the array {@code parent.field}; other items left out with a diagnostic. */
    List<At> objects(At parent, String field, String section) {
      List<At> values = new ArrayList<>();
      At array = parent.get(field);
      if (!isArray(array, field, section)) {
        return values;
      }
      for (int i = 0; i < array.node().size(); i++) {
        At item = array.at(i);
        if (item.node().isObject()) {
          values.add(item);
        } else {
          warn(section, item, item.node().toString(), field + " holds an item that is not an object; left out");
        }
      }
      return values;
    }

    private boolean isArray(At at, String field, String section) {
      if (at.node().isArray()) {
        return true;
      }
      if (!at.absent()) {
        warn(section, at, at.node().toString(), field + " is not a list; left out");
      }
      return false;
    }

    /** {@code parent.struct.date} as yyyy, yyyy-MM or yyyy-MM-dd; anything else is left out. */
    String date(At parent, String struct, String section) {
      At holder = parent.get(struct);
      if (!holder.absent() && !holder.node().isObject()) {
        warn(section, holder, holder.node().toString(), struct + " is not an object with a date; left out");
        return null;
      }
      At date = holder.get("date");
      String text = text(holder, "date", section);
      if (text == null) {
        return null;
      }
      if (!ISO_DATE.matcher(text).matches() || Dates.iso(text) == null) {
        warn(section, date, text, struct + ".date is not a yyyy, yyyy-MM or yyyy-MM-dd date; left out");
        return null;
      }
      return text;
    }

    /** The 1-based line of the file on which the value at {@code at} starts, or 0 when unknown. */
    int line(At at) {
      if (lines == null) {
        lines = valueLines(content);
      }
      String pointer = at.pointer();
      // A value that is absent is reported at its nearest present ancestor.
      while (!pointer.isEmpty()) {
        Integer line = lines.get(pointer);
        if (line != null) {
          return line;
        }
        pointer = pointer.substring(0, pointer.lastIndexOf('/'));
      }
      return 0;
    }
  }

  /** The line on which each value of the (already validated) JSON starts, by JSON pointer. */
  private static Map<String, Integer> valueLines(String content) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser parser = JSON.createParser(content)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.FIELD_NAME || token.isStructEnd()) {
          continue;
        }
        // For an object or array the parser has already entered it: the value's own place is the parent's.
        JsonStreamContext context = token.isStructStart()
            ? parser.getParsingContext().getParent() : parser.getParsingContext();
        if (context != null && !context.inRoot()) {
          lines.putIfAbsent(context.pathAsPointer().toString(), parser.currentTokenLocation().getLineNr());
        }
      }
    } catch (IOException e) {
      // The content parsed once already; without positions the diagnostics say line 0.
    }
    return lines;
  }
}
