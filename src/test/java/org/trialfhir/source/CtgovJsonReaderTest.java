package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.trialfhir.source.TrialRecord.AgeLimit;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Criterion;
import org.trialfhir.source.TrialRecord.Design;
import org.trialfhir.source.TrialRecord.Intervention;
import org.trialfhir.source.TrialRecord.Investigator;
import org.trialfhir.source.TrialRecord.OtherId;
import org.trialfhir.source.TrialRecord.Outcome;
import org.trialfhir.source.TrialRecord.ResponsibleParty;
import org.trialfhir.source.TrialRecord.Site;
import org.trialfhir.source.TrialRecord.Sponsor;
import org.trialfhir.testing.Cases;

class CtgovJsonReaderTest {
  private final CtgovJsonReader reader = new CtgovJsonReader();

  /** A study with an identification module and the given modules of protocolSection. */
  private static String study(String... modules) {
    StringBuilder json =
        new StringBuilder("{\"protocolSection\": {\n\"identificationModule\": {\"nctId\": \"NCT01234567\"}");
    for (String module : modules) {
      json.append(",\n").append(module);
    }
    return json.append("\n},\n\"hasResults\": false}").toString();
  }

  private ParseResult read(String... modules) {
    return reader.read(study(modules));
  }

  private static ParseResult fixture(String id) {
    return new CtgovJsonReader().read(Cases.read(Cases.input(id)));
  }

  private String reason(String content) {
    return assertThrows(UnreadableRecordException.class, () -> reader.read(content)).getMessage();
  }

  private static Diagnostic diagnostic(ParseResult result, String fragment) {
    return result.diagnostics().stream().filter(d -> d.message().contains(fragment)).findFirst()
        .orElseThrow(() -> new AssertionError("no diagnostic mentions \"" + fragment + "\": " + result.diagnostics()));
  }

  @Test
  void acceptsStudyJsonOnly() {
    assertEquals("ctgov-json", reader.format());
    assertTrue(reader.accepts(study()));
    assertTrue(reader.accepts("\n  " + study()));
    assertFalse(reader.accepts("{\"resourceType\": \"Patient\"}"));
    assertFalse(reader.accepts("Title\n\nNCT ID: NCT01234567\n\nRecruitment Status\n\nRECRUITING"));
    assertFalse(reader.accepts("[" + study() + "]"));
  }

  @Test
  void readsIdentificationModule() {
    TrialRecord r = reader.read("""
        {"protocolSection": {"identificationModule": {
          "nctId": "NCT01234567",
          "orgStudyIdInfo": {"id": "ABC-1"},
          "secondaryIdInfos": [{"id": "R01CA000001", "type": "NIH"}, {"id": "2024-0001"}],
          "briefTitle": "CAR-T for \\\\>2 Prior Lines",
          "officialTitle": "A Phase 1 Study"}}}
        """).record();
    assertEquals("NCT01234567", r.registryId()); // nctId
    // orgStudyIdInfo has no type: none is invented
    assertEquals(new OtherId("ABC-1", null, "org_study_id"), r.otherIds().get(0));
    // secondaryIdInfos, with and without type
    assertEquals(new OtherId("R01CA000001", "NIH", "secondary_id"), r.otherIds().get(1));
    assertEquals(new OtherId("2024-0001", null, "secondary_id"), r.otherIds().get(2));
    assertEquals("CAR-T for >2 Prior Lines", r.briefTitle()); // briefTitle, markdown escape removed
    assertEquals("A Phase 1 Study", r.officialTitle()); // officialTitle
  }

  @Test
  void readsStatusModuleDatesAndNotPrimaryCompletion() {
    TrialRecord r = read("""
        "statusModule": {
          "overallStatus": "NOT_YET_RECRUITING",
          "startDateStruct": {"date": "2024-06", "type": "ESTIMATED"},
          "primaryCompletionDateStruct": {"date": "2026-01-01", "type": "ESTIMATED"},
          "lastUpdatePostDateStruct": {"date": "2025-07-15", "type": "ACTUAL"}}""").record();
    assertEquals("NOT_YET_RECRUITING", r.overallStatus()); // overallStatus
    assertEquals("2024-06", r.startDate()); // startDateStruct.date, partial dates kept partial
    assertEquals("2025-07-15", r.lastUpdated()); // lastUpdatePostDateStruct.date
    // completionDateStruct is absent; primaryCompletionDateStruct is a different date and must not stand in
    assertNull(r.completionDate());
  }

  @Test
  void leavesOutDatesThatAreNotIsoWithADiagnostic() {
    ParseResult result = read("""
        "statusModule": {
          "startDateStruct": {"date": "May 29, 2025"},
          "completionDateStruct": {"date": "2028-13-01"}}""");
    assertNull(result.record().startDate()); // startDateStruct.date
    assertNull(result.record().completionDate()); // completionDateStruct.date: month 13
    Diagnostic start = diagnostic(result, "startDateStruct.date is not");
    assertEquals("statusModule", start.section());
    assertEquals("May 29, 2025", start.text());
    assertEquals(4, start.line(), "the line of the JSON file the date is on");
    diagnostic(result, "completionDateStruct.date is not");
  }

  @Test
  void readsDesignModule() {
    TrialRecord r = read("""
        "designModule": {
          "studyType": "INTERVENTIONAL",
          "phases": ["PHASE1", "PHASE2"],
          "designInfo": {
            "allocation": "NON_RANDOMIZED",
            "interventionModel": "SEQUENTIAL",
            "interventionModelDescription": "3+3 dose escalation\\n\\nthen expansion",
            "primaryPurpose": "TREATMENT",
            "maskingInfo": {"masking": "NONE"}},
          "enrollmentInfo": {"count": 24}}""").record();
    assertEquals("INTERVENTIONAL", r.studyType()); // studyType
    assertEquals(List.of("PHASE1", "PHASE2"), r.phases()); // phases
    // designInfo; no maskingDescription in the JSON, none in the record
    assertEquals(new Design("NON_RANDOMIZED", "SEQUENTIAL", "3+3 dose escalation\n\nthen expansion", "TREATMENT",
        "NONE", null), r.design());
    assertEquals(24, r.enrollment().count()); // enrollmentInfo.count
    assertNull(r.enrollment().type(), "enrollmentInfo has no type: neither ACTUAL nor ESTIMATED is invented");
  }

  @Test
  void keepsEnrollmentTypeWhereStated() {
    TrialRecord r = read("\"designModule\": {\"enrollmentInfo\": {\"count\": 12, \"type\": \"ACTUAL\"}}").record();
    assertEquals("ACTUAL", r.enrollment().type()); // enrollmentInfo.type
  }

  @Test
  void leavesAbsentModulesAbsent() {
    TrialRecord r = read().record();
    assertNull(r.overallStatus());
    assertTrue(r.phases().isEmpty());
    assertNull(r.enrollment());
    assertNull(r.design());
    assertNull(r.eligibility());
    assertNull(r.leadSponsor());
    assertNull(r.responsibleParty());
    assertTrue(r.otherIds().isEmpty());
    assertTrue(r.outcomes().isEmpty());
    assertTrue(r.sites().isEmpty());
    assertTrue(r.countries().isEmpty());
    assertTrue(r.unplacedFacilityContacts().isEmpty());
  }

  @Test
  void reportsValuesOutsideTheApiVocabularyOrOfTheWrongType() {
    ParseResult result = read("""
        "statusModule": {"overallStatus": "OPEN"},
        "designModule": {"phases": ["PHASE1", "PHASE5"], "enrollmentInfo": {"count": "sixty"}},
        "conditionsModule": {"conditions": "Sarcoma"},
        "sponsorCollaboratorsModule": {"collaborators": [{}, "Essen Biotech"]},
        "outcomesModule": [],
        "fooModule": {}""");
    assertEquals("OPEN", result.record().overallStatus(), "kept as written"); // overallStatus
    diagnostic(result, "overallStatus is not an API v2 status");
    assertEquals(List.of("PHASE1"), result.record().phases()); // phases: PHASE5 is no API phase
    assertEquals("PHASE5", diagnostic(result, "not an API v2 phase").text());
    assertNull(result.record().enrollment()); // enrollmentInfo.count is not a number
    diagnostic(result, "enrollmentInfo.count is not a whole number");
    assertTrue(result.record().conditions().isEmpty()); // conditions is not a list
    diagnostic(result, "conditions is not a list");
    assertTrue(result.record().collaborators().isEmpty()); // collaborators: an empty object, then a bare string
    diagnostic(result, "collaborators holds an item that is not an object");
    assertEquals("outcomesModule", diagnostic(result, "the module is not an object").text());
    assertEquals("fooModule", diagnostic(result, "not a module").text());
  }

  @Test
  void readsDescriptionAndConditionsModules() {
    TrialRecord r = read("""
        "descriptionModule": {
          "briefSummary": "Dose \\\\>10\\\\^9 cells, median PFS \\\\~2.4 months.",
          "detailedDescription": "First  paragraph\\nstill first.\\n\\nSecond paragraph."},
        "conditionsModule": {"conditions": ["Sarcoma", "Sarcoma, Ewing"], "keywords": ["CAR-T"]}""").record();
    // briefSummary: markdown escapes removed
    assertEquals("Dose >10^9 cells, median PFS ~2.4 months.", r.briefSummary());
    // detailedDescription: paragraphs kept apart, white space folded
    assertEquals("First paragraph\nstill first.\n\nSecond paragraph.", r.detailedDescription());
    assertEquals(List.of("Sarcoma", "Sarcoma, Ewing"), r.conditions()); // conditions, never split
    assertEquals(List.of("CAR-T"), r.keywords()); // keywords
  }

  @Test
  void readsArmsAndInterventionsLinkingThemByPlainName() {
    ParseResult result = read("""
        "armsInterventionsModule": {
          "armGroups": [{
            "label": "Dose escalation",
            "type": "EXPERIMENTAL",
            "description": "CAR-T after lymphodepletion",
            "interventionNames": ["Biological: CD19 CAR-T", "Drug: Dietary Supplement: Fludarabine", "Drug: Cy"]}],
          "interventions": [
            {"type": "BIOLOGICAL", "name": "CD19 CAR-T", "description": "One infusion",
             "armGroupLabels": ["Dose escalation"], "otherNames": ["XYZ-001"]},
            {"type": "DRUG", "name": "Dietary Supplement: Fludarabine", "armGroupLabels": ["Dose escalaton"]}]}""");
    TrialRecord r = result.record();
    // armGroups[].interventionNames carry the type as shown ("Biological: "); the record keeps the name itself
    assertEquals(new Arm("Dose escalation", "EXPERIMENTAL", "CAR-T after lymphodepletion",
        List.of("CD19 CAR-T", "Dietary Supplement: Fludarabine", "Drug: Cy")), r.arms().get(0));
    // "Drug: Cy" names no intervention of the study: kept as written, with a diagnostic
    assertEquals("Drug: Cy", diagnostic(result, "interventionNames names no intervention").text());
    // interventions[]: type, name, description, armGroupLabels, otherNames
    assertEquals(new Intervention("CD19 CAR-T", "BIOLOGICAL", "One infusion", List.of("Dose escalation"),
        List.of("XYZ-001")), r.interventions().get(0));
    Intervention second = r.interventions().get(1);
    assertNull(second.description(), "no description in the JSON");
    assertTrue(second.otherNames().isEmpty());
    assertEquals("Dose escalaton", diagnostic(result, "armGroupLabels names no arm group").text());
  }

  @Test
  void readsOutcomesOfEachKindInOrder() {
    TrialRecord r = read("""
        "outcomesModule": {
          "primaryOutcomes": [{"measure": "DLT", "timeFrame": "28 days", "description": "Dose-limiting toxicity"}],
          "secondaryOutcomes": [{"measure": "ORR", "timeFrame": "3 months"}],
          "otherOutcomes": [{"measure": "CAR-T persistence", "timeFrame": "1 year"}]}""").record();
    assertEquals(List.of(
        new Outcome("PRIMARY", "DLT", "28 days", "Dose-limiting toxicity"), // primaryOutcomes
        new Outcome("SECONDARY", "ORR", "3 months", null), // secondaryOutcomes, no description invented
        new Outcome("OTHER", "CAR-T persistence", "1 year", null)), // otherOutcomes
        r.outcomes());
  }

  @Test
  void readsEligibilityModule() {
    ParseResult result = read("""
        "eligibilityModule": {
          "eligibilityCriteria":
            "Inclusion Criteria:\\n\\n* ANC \\\\>1.0×10\\\\^9/L\\n* Age ≥18\\n\\nExclusion Criteria:\\n\\n* HIV",
          "healthyVolunteers": false,
          "sex": "ALL",
          "minimumAge": "18 Years"}""");
    TrialRecord.Eligibility e = result.record().eligibility();
    // eligibilityCriteria, split at its headings, each criterion unescaped
    assertEquals(List.of(new Criterion("*", "ANC >1.0×10^9/L", List.of()), new Criterion("*", "Age ≥18", List.of())),
        e.inclusion());
    assertEquals(List.of(new Criterion("*", "HIV", List.of())), e.exclusion());
    assertEquals(new AgeLimit(18, "YEARS"), e.minimumAge()); // minimumAge
    assertNull(e.maximumAge(), "no maximumAge in the JSON"); // maximumAge
    assertEquals("ALL", e.sex()); // sex
    assertEquals(false, e.healthyVolunteers()); // healthyVolunteers
  }

  @Test
  void leavesHealthyVolunteersAndAgesAbsentUnlessStated() {
    ParseResult result = read("\"eligibilityModule\": {\"maximumAge\": \"N/A\", \"healthyVolunteers\": \"No\"}");
    TrialRecord.Eligibility e = result.record().eligibility();
    assertTrue(e.inclusion().isEmpty()); // no eligibilityCriteria
    assertNull(e.maximumAge()); // maximumAge "N/A" states no limit
    assertNull(e.healthyVolunteers()); // healthyVolunteers is not a boolean
    diagnostic(result, "healthyVolunteers is not true or false");
    diagnostic(result, "maximumAge is not an age");
  }

  @Test
  void readsSponsorCollaboratorsModule() {
    TrialRecord r = read("""
        "sponsorCollaboratorsModule": {
          "responsibleParty": {"type": "PRINCIPAL_INVESTIGATOR", "investigatorFullName": "Yu Zhang",
            "investigatorTitle": "Professor", "investigatorAffiliation": "Tongji Hospital"},
          "leadSponsor": {"name": "Tongji Hospital", "class": "OTHER"},
          "collaborators": [{"name": "Essen Biotech", "class": "INDUSTRY"}]}""").record();
    assertEquals(new Sponsor("Tongji Hospital", "OTHER"), r.leadSponsor()); // leadSponsor name/class
    assertEquals(List.of(new Sponsor("Essen Biotech", "INDUSTRY")), r.collaborators()); // collaborators
    // responsibleParty type/investigatorFullName/investigatorAffiliation
    assertEquals(new ResponsibleParty("PRINCIPAL_INVESTIGATOR", "Yu Zhang", "Tongji Hospital"), r.responsibleParty());
  }

  @Test
  void readsContactsLocationsModule() {
    TrialRecord r = read("""
        "contactsLocationsModule": {
          "centralContacts": [{"name": "Wei Jia", "role": "CONTACT", "phone": "+86 139", "phoneExt": "123",
            "email": "wj@example.org"}],
          "overallOfficials": [{"name": "Yu Zhang, PhD", "affiliation": "Tongji Hospital",
            "role": "PRINCIPAL_INVESTIGATOR"}],
          "locations": [
            {"facility": "Site A", "status": "RECRUITING", "city": "Wuhan", "state": "Hubei", "zip": "430030",
             "country": "China", "contacts": [{"name": "Li Lei", "role": "CONTACT", "phone": "+86 27"}]},
            {"facility": "Site B", "city": "Houston", "state": "Texas", "country": "United States"},
            {"facility": "Site C", "city": "Beijing", "country": "China"}]}""").record();
    // centralContacts name/role/phone/phoneExt/email
    assertEquals(List.of(new Contact("Wei Jia", "CONTACT", "+86 139", "123", "wj@example.org")), r.centralContacts());
    // overallOfficials name/role/affiliation, degree kept in the name
    assertEquals(List.of(new Investigator("Yu Zhang, PhD", "PRINCIPAL_INVESTIGATOR", "Tongji Hospital")),
        r.investigators());
    // locations facility/city/state/zip/country/status and their own contacts
    assertEquals(new Site("Site A", "Wuhan", "Hubei", "430030", "China", "RECRUITING",
        List.of(new Contact("Li Lei", "CONTACT", "+86 27", null, null))), r.sites().get(0));
    Site b = r.sites().get(1);
    assertNull(b.status(), "no site status in the JSON");
    assertNull(b.zip());
    assertTrue(b.contacts().isEmpty());
    assertEquals(List.of("China", "United States"), r.countries()); // locations[].country, distinct, in order
    assertTrue(r.unplacedFacilityContacts().isEmpty(), "the JSON places every contact at its location");
  }

  @Test
  void rejectsMalformedJsonNamingWhere() {
    String message = reason("{\"protocolSection\": {\"identificationModule\": {\"nctId\": \"NCT01234567\",}}}");
    assertTrue(message.startsWith("not valid JSON: "), message);
    assertTrue(message.contains("(line 1, column"), message);
    assertFalse(message.contains("Exception") || message.contains("\tat ") || message.contains("Source:"), message);
    String truncated = reason("{\"protocolSection\": {");
    assertTrue(truncated.contains("end-of-input"), truncated);
    assertFalse(truncated.contains("Source:") || truncated.contains("REDACTED"), truncated);
  }

  @Test
  void rejectsDuplicateKeysAndTrailingContent() {
    // A repeated key would drop one of its values without a word.
    assertTrue(reason("{\"protocolSection\": {}, \"protocolSection\": {}}").contains("Duplicate field"));
    assertTrue(reason(study() + " {}").contains("more content after the end of the study object"));
  }

  @Test
  void rejectsJsonThatIsNotOneStudy() {
    assertTrue(reason("{}").contains("no protocolSection")); // empty object
    assertTrue(reason("{\"resourceType\": \"Patient\", \"id\": \"p1\"}").contains("not a ClinicalTrials.gov"));
    assertTrue(reason("[1, 2]").contains("the top level is an array"));
    assertTrue(reason("{\"protocolSection\": []}").contains("protocolSection is not an object"));
    // a search response holds many studies; the reader wants the one GET /studies/{nctId} returns
    String search = "{\"studies\": [{\"protocolSection\": {}}], \"nextPageToken\": \"x\"}";
    assertTrue(reason(search).contains("search response"));
  }

  @Test
  void rejectsAStudyWithoutNctId() {
    String message = reason("{\"protocolSection\": {\"identificationModule\": {\"briefTitle\": \"T\"}}}");
    assertTrue(message.contains("protocolSection.identificationModule.nctId"), message);
    assertTrue(reason("{\"protocolSection\": {\"identificationModule\": {\"nctId\": 7}}}").contains("nctId"));
  }

  @Test
  void readsTheNct07066982Fixture() {
    ParseResult result = fixture("NCT07066982-json");
    TrialRecord r = result.record();
    assertEquals("ctgov-json", result.format());
    assertEquals("NCT07066982", r.registryId());
    assertEquals(List.of(new OtherId("ESBI202571-103", null, "org_study_id")), r.otherIds());
    assertEquals("RECRUITING", r.overallStatus());
    assertEquals(List.of("PHASE1", "PHASE2"), r.phases());
    assertEquals(60, r.enrollment().count());
    assertNull(r.enrollment().type());
    assertEquals("2025-05-29", r.startDate());
    assertEquals("2028-12-28", r.completionDate());
    assertEquals("2025-07-15", r.lastUpdated());
    assertEquals("INTERVENTIONAL", r.studyType());
    assertTrue(r.detailedDescription().contains("only ~2.4 months"), "\\~ unescaped");
    assertEquals("SINGLE_GROUP", r.design().interventionModel());
    assertTrue(r.design().maskingDescription().startsWith("Open-label clinical trials"));
    assertEquals(List.of("CD146/HER2 CAR-T cells"), r.arms().get(0).interventionNames());
    assertEquals(List.of("CD146/HER2 CAR T cells, chemotherapy"), r.interventions().get(0).armGroupLabels());
    assertEquals(new AgeLimit(21, "YEARS"), r.eligibility().minimumAge());
    assertEquals(new AgeLimit(90, "YEARS"), r.eligibility().maximumAge());
    assertEquals("ALL", r.eligibility().sex());
    assertEquals(false, r.eligibility().healthyVolunteers());
    assertEquals(7, r.eligibility().inclusion().size());
    assertEquals(5, r.eligibility().exclusion().size());
    assertEquals("Expected survival time ≥3 months;", r.eligibility().inclusion().get(0).text());
    assertEquals(new Sponsor("Essen Biotech", "OTHER"), r.leadSponsor());
    assertEquals(new ResponsibleParty("SPONSOR", null, null), r.responsibleParty());
    assertEquals(List.of(new Site("District One Hospital", "Beijing", "Beijing Municipality", null, "China",
        "RECRUITING", List.of(new Contact("SAMI XI, dr", "PRIMARY", "+14012275001", null, null)))), r.sites());
    assertEquals(List.of("China"), r.countries());
    assertEquals(List.of(new Contact("Rhoda M Smith, Phd", "CONTACT", "+12077706670", null, null)),
        r.centralContacts());
    assertTrue(r.outcomes().isEmpty(), "the page shows no outcome measures");
    assertTrue(result.diagnostics().isEmpty(), () -> result.diagnostics().toString());
  }

  @Test
  void readsTheNct06690827Fixture() {
    ParseResult result = fixture("NCT06690827-json");
    TrialRecord r = result.record();
    assertEquals("NCT06690827", r.registryId());
    assertEquals("RECRUITING", r.overallStatus());
    assertEquals(List.of("PHASE1"), r.phases());
    assertEquals(30, r.enrollment().count());
    assertNull(r.enrollment().type());
    assertEquals("2024-11-13", r.startDate());
    assertEquals("2028-10-30", r.completionDate());
    assertEquals("2024-11-15", r.lastUpdated());
    assertEquals(List.of("AML (Acute Myeloid Leukemia)", "BPDCN (blastic Plasmacytoid Dendritic Cell Neoplasm)"),
        r.conditions());
    assertNull(r.design().maskingDescription());
    assertNull(r.arms().get(0).description(), "the arm has no description on the page");
    assertEquals(List.of("Anti-CD123 CAR NK cells"), r.arms().get(0).interventionNames());
    assertEquals(new AgeLimit(18, "YEARS"), r.eligibility().minimumAge());
    assertEquals(new AgeLimit(75, "YEARS"), r.eligibility().maximumAge());
    assertEquals("ALL", r.eligibility().sex());
    List<Criterion> inclusion = r.eligibility().inclusion();
    assertEquals(List.of("1.", "2.", "3.", "4.", "5.", "6.", "7.", "8."),
        inclusion.stream().map(Criterion::label).toList());
    assertEquals("Blood oxygen saturation >92%.", inclusion.get(6).children().get(5).text());
    assertEquals(10, r.eligibility().exclusion().size());
    assertEquals(4, r.eligibility().exclusion().get(4).children().size());
    // centralContacts: phone "+86 13986102084" and phoneExt "(0351)837 9851" (the page: "... ext. (0351)837 9851")
    assertEquals(List.of(new Contact("Wei Jia, Professor", "CONTACT", "+86 13986102084", "(0351)837 9851", null)),
        r.centralContacts());
    Site site = r.sites().get(0);
    assertEquals("Tongji Hospital, Tongji Medical College, Huazhong University of Science & Technology.",
        site.facility());
    assertEquals(List.of("Wuhan", "Hubei", "China", "RECRUITING"),
        List.of(site.city(), site.state(), site.country(), site.status()));
    assertNull(site.contacts().get(0).phoneExt(), "the facility contact's phone has no extension");
    assertEquals(new Sponsor("Chongqing Precision Biotech Co., Ltd", "INDUSTRY"), r.leadSponsor());
  }

  @Test
  void placesCriteriaDiagnosticsOnTheLineOfTheCriteriaText() {
    ParseResult result = fixture("NCT06690827-json");
    // "(for patients with liver invasion\n\n* 5.0×ULN);" is one criterion split by a stray bullet
    Diagnostic joined = diagnostic(result, "joined to the previous criterion");
    assertEquals("eligibilityModule", joined.section());
    assertTrue(joined.message().startsWith("Inclusion Criteria, line "), joined.message());
    List<String> lines = Cases.read(Cases.input("NCT06690827-json")).lines().toList();
    assertTrue(lines.get(joined.line() - 1).contains("\"eligibilityCriteria\""), "line " + joined.line());
  }
}
