package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trialfhir.source.Diagnostic.Severity;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Criterion;
import org.trialfhir.source.TrialRecord.Outcome;
import org.trialfhir.source.TrialRecord.Site;

class MedPathPageReaderTest {
  private static final String TOP = "MedPath\n\nA Study Title\n\nPhase 1\nRegistration Number\nNCT01234567\n";

  private final MedPathPageReader reader = new MedPathPageReader();

  private static String page(String... lines) {
    return TOP + String.join("\n", lines) + "\n";
  }

  private static String seed(String id) throws IOException {
    try (InputStream in = MedPathPageReaderTest.class.getResourceAsStream("/cases/" + id + "/input.txt")) {
      assertNotNull(in, id + " seed missing from the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<Diagnostic> of(ParseResult result, Severity severity, String section) {
    return result.diagnostics().stream()
        .filter(d -> d.severity() == severity && d.section().equals(section)).toList();
  }

  private static List<String> labels(List<Criterion> criteria) {
    return criteria.stream().map(Criterion::label).toList();
  }

  // --- outcome tables (CT.gov outcome measure, time frame, description)

  @Test
  void splitsOutcomeRowsGluedToTheirTimeFrame() {
    ParseResult result = reader.read(page(
        "Study & Design",
        "Primary Outcome Measures",
        "NameTimeMethod",
        "Number of Participants with Severe/Adverse Events as a Measure of Safety and Tolerability24 weeks",
        "Adverse eventsup to 1 years",
        "MTD of specificity CD38 CAR-T cells4 weeks",
        "Overall survival (OS)2 years after infusion"));
    List<Outcome> outcomes = result.record().outcomes();
    // outcome measure and time frame
    assertEquals(4, outcomes.size());
    assertEquals("Number of Participants with Severe/Adverse Events as a Measure of Safety and Tolerability",
        outcomes.get(0).measure());
    assertEquals("24 weeks", outcomes.get(0).timeFrame());
    assertEquals("Adverse events", outcomes.get(1).measure());
    assertEquals("up to 1 years", outcomes.get(1).timeFrame());
    assertEquals("MTD of specificity CD38 CAR-T cells", outcomes.get(2).measure());
    assertEquals("4 weeks", outcomes.get(2).timeFrame());
    assertEquals("Overall survival (OS)", outcomes.get(3).measure());
    assertEquals("2 years after infusion", outcomes.get(3).timeFrame());
    assertTrue(outcomes.stream().allMatch(o -> o.kind().equals("PRIMARY")));
    // Not the glued cells, and no description invented.
    assertTrue(outcomes.stream().noneMatch(o -> o.measure().endsWith("24") || o.measure().endsWith("eventsup")
        || o.measure().contains("weeks") || o.measure().contains("years")));
    assertTrue(outcomes.stream().allMatch(o -> o.description() == null));
    // Each split is reported.
    assertEquals(4, of(result, Severity.INFO, "Primary Outcome Measures").size());
    assertTrue(of(result, Severity.WARNING, "Primary Outcome Measures").isEmpty());
  }

  @Test
  void takesTheParagraphAfterARowAsThatRowsDescription() {
    ParseResult result = reader.read(page(
        "Study & Design",
        "Primary Outcome Measures",
        "NameTimeMethod",
        "Copies of CAR in blood24 weeks",
        "MTD of CAR-T cells4 weeks",
        "",
        "The highest dose with at most one DLT (followed up to 2 years).",
        "",
        "Secondary Outcome Measures",
        "NameTimeMethod",
        "ESR changeup to 1 years",
        "",
        "ESR will be measured with blood samples",
        "",
        "CRP changeup to 1 years",
        "",
        "CRP will be measured",
        "with blood samples",
        "",
        "Second paragraph of the CRP description."));
    List<Outcome> outcomes = result.record().outcomes();
    // outcome description: only the row right before the paragraph gets it
    assertEquals(4, outcomes.size());
    assertNull(outcomes.get(0).description());
    assertEquals("MTD of CAR-T cells", outcomes.get(1).measure());
    assertEquals("The highest dose with at most one DLT (followed up to 2 years).", outcomes.get(1).description());
    assertEquals("SECONDARY", outcomes.get(2).kind());
    assertEquals("ESR change", outcomes.get(2).measure());
    assertEquals("ESR will be measured with blood samples", outcomes.get(2).description());
    assertEquals("CRP change", outcomes.get(3).measure());
    assertEquals("CRP will be measured\nwith blood samples\n\nSecond paragraph of the CRP description.",
        outcomes.get(3).description());
    // A description with "(followed up to 2 years)" is not a row.
    assertTrue(outcomes.stream().noneMatch(o -> o.measure().startsWith("The highest dose")));
  }

  @Test
  void splitsOtherCommonTimeFrameShapes() {
    ParseResult result = reader.read(page(
        "Study & Design",
        "Secondary Outcome Measures",
        "NameTimeMethod",
        "Overall response rateDay 28",
        "CAR-T expansionwithin 28 days after infusion",
        "Cytokine release syndrome incidence2-3 months",
        "Change in DAS28Baseline to 12 months",
        "Incidence of DLTs28 days"));
    // outcome measure / time frame
    assertEquals(List.of("Overall response rate", "CAR-T expansion", "Cytokine release syndrome incidence",
            "Change in DAS28", "Incidence of DLTs"),
        result.record().outcomes().stream().map(Outcome::measure).toList());
    assertEquals(List.of("Day 28", "within 28 days after infusion", "2-3 months", "Baseline to 12 months", "28 days"),
        result.record().outcomes().stream().map(Outcome::timeFrame).toList());
    assertTrue(result.record().outcomes().stream().allMatch(o -> o.kind().equals("SECONDARY")));
  }

  @Test
  void keepsARowWithoutTimeFrameWholeAndWarns() {
    ParseResult result = reader.read(page(
        "Study & Design",
        "Primary Outcome Measures",
        "NameTimeMethod",
        "Overall survival",
        "Response at week 1212 weeks"));
    List<Outcome> outcomes = result.record().outcomes();
    // outcome measure: whole row, no time frame guessed (a number is never split in two)
    assertEquals("Overall survival", outcomes.get(0).measure());
    assertNull(outcomes.get(0).timeFrame());
    assertEquals("Response at week 1212 weeks", outcomes.get(1).measure());
    assertNull(outcomes.get(1).timeFrame());
    assertEquals(2, of(result, Severity.WARNING, "Primary Outcome Measures").size());
  }

  // --- arms table (CT.gov armGroups label / description, interventions)

  @Test
  void splitsAnArmRowAtTheInterventionName() {
    ParseResult result = reader.read(page(
        "Study & Design",
        "Study Design",
        "SEQUENTIAL",
        "Arm && Interventions",
        "GroupInterventionDescription",
        "Anti-BCMA and CD19 CARTAnti-BCMA and CD19 CART cells will be injected intravenously on a one-time basis"
            + "Patients will receive a lymphodepletion chemotherapy before CART infusion.")
        .replace("Registration Number", "Interventions\nDrug: Anti-BCMA and CD19 CART cells will be injected"
            + " intravenously on a one-time basis\nRegistration Number"));
    List<Arm> arms = result.record().arms();
    assertEquals(1, arms.size());
    // armGroups.label, description, interventionNames
    assertEquals("Anti-BCMA and CD19 CART", arms.get(0).label());
    assertEquals("Patients will receive a lymphodepletion chemotherapy before CART infusion.",
        arms.get(0).description());
    assertEquals(List.of("Anti-BCMA and CD19 CART cells will be injected intravenously on a one-time basis"),
        arms.get(0).interventionNames());
    assertNull(arms.get(0).type());
    // interventions.armGroupLabels follows from the table
    assertEquals(List.of("Anti-BCMA and CD19 CART"), result.record().interventions().get(0).armGroupLabels());
    // Not glued cells.
    assertFalse(arms.get(0).label().contains("CARTAnti"));
    assertFalse(arms.get(0).description().contains("one-time basis"));
    // interventionModel only; the rest of designInfo is not on the page
    assertEquals(new TrialRecord.Design(null, "SEQUENTIAL", null, null, null, null), result.record().design());
  }

  @Test
  void splitsAnArmRowWithSeveralInterventionsShownWithTheirKind() {
    ParseResult result = reader.read(page(
        "Study & Design",
        "Arm && Interventions",
        "GroupInterventionDescription",
        "Dose level 1Drug: FludarabineBiological: CD19 CAR-TLymphodepletion, then one infusion.",
        "CD19 CAR-TCD19 CAR-TInfusion only.")
        .replace("Registration Number",
            "Interventions\nDrug: Fludarabine\nBiological: CD19 CAR-T\nRegistration Number"));
    List<Arm> arms = result.record().arms();
    // armGroups.label, interventionNames, description
    assertEquals(new Arm("Dose level 1", null, "Lymphodepletion, then one infusion.",
        List.of("Fludarabine", "CD19 CAR-T")), arms.get(0));
    assertEquals(new Arm("CD19 CAR-T", null, "Infusion only.", List.of("CD19 CAR-T")), arms.get(1));
    // interventions.armGroupLabels
    assertEquals(List.of("Dose level 1"), result.record().interventions().get(0).armGroupLabels());
    assertEquals(List.of("Dose level 1", "CD19 CAR-T"), result.record().interventions().get(1).armGroupLabels());
    assertFalse(arms.get(0).label().contains("Drug"));
  }

  @Test
  void keepsAnArmRowWithoutKnownInterventionAsDescriptionAndWarns() {
    ParseResult result = reader.read(page(
        "Study & Design",
        "Arm && Interventions",
        "GroupInterventionDescription",
        "Cohort AUnlisted productGiven once"));
    Arm arm = result.record().arms().get(0);
    // armGroups: nothing guessed
    assertNull(arm.label());
    assertEquals("Cohort AUnlisted productGiven once", arm.description());
    assertTrue(arm.interventionNames().isEmpty());
    assertEquals(1, of(result, Severity.WARNING, "Arm && Interventions").size());
  }

  @Test
  void readsInterventionTypes() {
    ParseResult result = reader.read(TOP.replace("Registration Number",
        "Interventions\nDrug: Cyclophosphamide\nBiological: CD19 CAR-T\nSomething odd\nRegistration Number"));
    // interventions.name and type
    assertEquals(List.of("Cyclophosphamide", "CD19 CAR-T", "Something odd"),
        result.record().interventions().stream().map(TrialRecord.Intervention::name).toList());
    assertEquals("DRUG", result.record().interventions().get(0).type());
    assertEquals("BIOLOGICAL", result.record().interventions().get(1).type());
    assertNull(result.record().interventions().get(2).type());
    assertNull(result.record().interventions().get(0).description());
    assertEquals(1, of(result, Severity.WARNING, "Interventions").size());
  }

  // --- eligibility (CT.gov eligibilityCriteria, sex)

  @Test
  void readsBulletedParenthesisedCriteriaRunTogether() {
    ParseResult result = reader.read(page(
        "Recruitment & Eligibility",
        "Inclusion Criteria",
        "  • ( 1) At least 18 years of age.",
        "",
        "    (2) Hemoglobin ≥ 60g/L.",
        "",
        "    (3)ALT≤3×ULN。 (4) Renal function: CrCl≥30mL/min. (5) INR≤1.5×ULN.",
        "Exclusion Criteria",
        "  • (1) CNS disease.(2) Heart disease.(3) Pregnancy.",
        "",
        "Study & Design"));
    List<Criterion> inclusion = result.record().eligibility().inclusion();
    List<Criterion> exclusion = result.record().eligibility().exclusion();
    // eligibilityCriteria items with their labels
    assertEquals(List.of("(1)", "(2)", "(3)", "(4)", "(5)"), labels(inclusion));
    assertEquals("At least 18 years of age.", inclusion.get(0).text());
    assertEquals("ALT≤3×ULN。", inclusion.get(2).text());
    assertEquals("INR≤1.5×ULN.", inclusion.get(4).text());
    assertEquals(List.of("(1)", "(2)", "(3)"), labels(exclusion));
    assertEquals("Heart disease.", exclusion.get(1).text());
    // No bullet label, no inline label left inside a text.
    assertTrue(inclusion.stream().noneMatch(c -> c.text().contains("(4)") || c.text().startsWith("•")));
    assertTrue(exclusion.stream().noneMatch(c -> c.text().contains("(2)")));
  }

  @Test
  void keepsAgesInCriteriaAsTextAndLeavesAgeLimitsAbsent() {
    ParseResult result = reader.read(page(
        "Recruitment & Eligibility",
        "Status",
        "Recruiting",
        "Sex",
        "Female",
        "Inclusion Criteria",
        "  1. Male or female participant",
        "  2. 12 Years to 70 Years (Child, Adult, Senior)"));
    TrialRecord.Eligibility eligibility = result.record().eligibility();
    // eligibilityCriteria text; minimumAge / maximumAge not stated by the page
    assertEquals("12 Years to 70 Years (Child, Adult, Senior)", eligibility.inclusion().get(1).text());
    assertNull(eligibility.minimumAge());
    assertNull(eligibility.maximumAge());
    assertNull(eligibility.healthyVolunteers());
    // sex, overallStatus in API spelling
    assertEquals("FEMALE", eligibility.sex());
    assertEquals("RECRUITING", result.record().overallStatus());
    assertTrue(eligibility.exclusion().isEmpty());
  }

  // --- header (briefTitle, phases, overallStatus badge)

  @Test
  void readsPhaseAndStatusLinesUnderTheTitleInEitherOrder() {
    ParseResult first = reader.read(
        "MedPath\n\nTitle One\n\nPhase 1/Phase 2\nRecruiting\nRegistration Number\nNCT01234567\n");
    ParseResult second = reader.read(
        "MedPath\n\nTitle Two\n\nNot yet recruiting\nNot Applicable\nRegistration Number\nNCT01234567\n");
    // briefTitle, phases, overallStatus
    assertEquals("Title One", first.record().briefTitle());
    assertEquals(List.of("PHASE1", "PHASE2"), first.record().phases());
    assertEquals("RECRUITING", first.record().overallStatus());
    assertEquals("Title Two", second.record().briefTitle());
    assertEquals(List.of("NA"), second.record().phases());
    assertEquals("NOT_YET_RECRUITING", second.record().overallStatus());
    // The badges are not taken for a title, and raise no warnings.
    assertTrue(first.diagnostics().isEmpty());
    assertTrue(second.diagnostics().isEmpty());
    assertNull(first.record().officialTitle());
  }

  @Test
  void readsEarlyPhase1Badge() {
    // phases: "Early Phase 1" is EARLY_PHASE1, not PHASE1 with a stray word.
    ParseResult result = reader.read("MedPath\n\nT\n\nEarly Phase 1\nRegistration Number\nNCT01234567\n");
    assertEquals(List.of("EARLY_PHASE1"), result.record().phases());
    assertTrue(result.diagnostics().isEmpty());
  }

  @Test
  void readsAPhaseBadgeWrittenWithNumbersOnly() {
    // phases: "Phase 1/2" and "Phase I/II" are PHASE1 and PHASE2; the badge is not taken for a stray line.
    ParseResult arabic = reader.read("MedPath\n\nT\n\nPhase 1/2\nRecruiting\nRegistration Number\nNCT01234567\n");
    ParseResult roman = reader.read("MedPath\n\nT\n\nPhase I/II\nRecruiting\nRegistration Number\nNCT01234567\n");
    assertEquals(List.of("PHASE1", "PHASE2"), arabic.record().phases());
    assertEquals(List.of("PHASE1", "PHASE2"), roman.record().phases());
    assertEquals("RECRUITING", arabic.record().overallStatus());
    assertTrue(arabic.diagnostics().isEmpty(), arabic.diagnostics().toString());
    assertTrue(roman.diagnostics().isEmpty(), roman.diagnostics().toString());
  }

  @Test
  void keepsTheStatusFieldWhenTheBadgeDiffers() {
    ParseResult result = reader.read("MedPath\n\nT\n\nRecruiting\nRegistration Number\nNCT01234567\n"
        + "Recruitment & Eligibility\n\nStatus\nCOMPLETED\n");
    // overallStatus: the field wins, the conflict is reported
    assertEquals("COMPLETED", result.record().overallStatus());
    assertEquals(1, of(result, Severity.INFO, "Status").size());
  }

  @Test
  void warnsAboutUnknownLinesAndIgnoresTheFooter() {
    ParseResult result = reader.read(page(
        "Lead Sponsor",
        "Some Hospital",
        "Recruitment & Eligibility",
        "A stray line",
        "",
        "MedPath",
        "",
        "Empowering clinical research with data-driven insights and AI-powered tools.",
        "",
        "© 2025 MedPath, Inc. All rights reserved.").replace("Phase 1\n", "Phase 1\nSponsored content\n"));
    // leadSponsor: name only, no class on the page
    assertEquals(new TrialRecord.Sponsor("Some Hospital", null), result.record().leadSponsor());
    List<String> warned = result.diagnostics().stream()
        .filter(d -> d.severity() == Severity.WARNING).map(Diagnostic::text).toList();
    assertEquals(List.of("Sponsored content", "A stray line"), warned);
    assertEquals(6, result.diagnostics().get(0).line());
  }

  @Test
  void keepsHeadingWordsInsideADescriptionAsText() {
    ParseResult result = reader.read(page(
        "Brief Summary",
        "",
        "A summary with 1×10\\^5/kg cells.",
        "",
        "Detailed Description",
        "",
        "Study Design",
        "",
        "Inclusion Criteria",
        "",
        "Patients are treated once.",
        "",
        "Recruitment & Eligibility"));
    // briefSummary unescaped; detailedDescription paragraphs joined by a blank line
    assertEquals("A summary with 1×10^5/kg cells.", result.record().briefSummary());
    assertEquals("Study Design\n\nInclusion Criteria\n\nPatients are treated once.",
        result.record().detailedDescription());
    assertNull(result.record().design());
    assertTrue(result.record().eligibility().inclusion().isEmpty());
  }

  // --- locations (CT.gov locations facility / city / state / country, facility contacts)

  @Test
  void readsSitesWithFlagLinesAndTheirContacts() {
    ParseResult result = reader.read(page(
        "Trial Locations",
        "",
        "Locations (2)",
        "",
        "Chinese PLA General Hospital",
        "",
        "🇨🇳",
        "",
        "Beijing, Beijing, China",
        "",
        "Anhui Provincial Hospital",
        "",
        "🇨🇳",
        "",
        "Hefei, China",
        "",
        "Anhui Provincial Hospital",
        "🇨🇳Hefei, China",
        "chen zhu, M.D",
        "Contact",
        "+86-0551-62283843",
        "doczchen@gmail.com",
        "",
        "MedPath",
        "",
        "© 2025 MedPath, Inc. All rights reserved."));
    List<Site> sites = result.record().sites();
    assertEquals(2, sites.size());
    // locations: facility, city, state, country; no zip or status on the page
    assertEquals(new Site("Chinese PLA General Hospital", "Beijing", "Beijing", null, "China", null, List.of()),
        sites.get(0));
    assertEquals("Anhui Provincial Hospital", sites.get(1).facility());
    assertEquals("Hefei", sites.get(1).city());
    assertNull(sites.get(1).state());
    assertEquals("China", sites.get(1).country());
    // facility contact attached to its site
    assertEquals(List.of(new Contact("chen zhu, M.D", "CONTACT", "+86-0551-62283843", null, "doczchen@gmail.com")),
        sites.get(1).contacts());
    assertTrue(result.record().unplacedFacilityContacts().isEmpty());
    // countries: distinct, in order
    assertEquals(List.of("China"), result.record().countries());
    // The flag is neither a site nor a facility; nothing was left over.
    assertTrue(sites.stream().noneMatch(s -> s.facility().contains("🇨🇳") || s.city().contains("🇨🇳")));
    assertTrue(result.diagnostics().isEmpty(), () -> result.diagnostics().toString());
  }

  @Test
  void readsASiteCountryThatHoldsAComma() {
    ParseResult result = reader.read(page(
        "Trial Locations",
        "Locations (1)",
        "Samsung Medical Center",
        "🇰🇷",
        "Seoul, Korea, Republic of"));
    // locations: city Seoul, country "Korea, Republic of" (not state Korea, country "Republic of"); countries
    Site site = result.record().sites().get(0);
    assertEquals(List.of("Seoul", "Korea, Republic of"), List.of(site.city(), site.country()));
    assertNull(site.state());
    assertEquals(List.of("Korea, Republic of"), result.record().countries());
  }

  @Test
  void keepsAContactForAnUnlistedFacilityUnplaced() {
    ParseResult result = reader.read(page(
        "Trial Locations",
        "Locations (1)",
        "Site A",
        "🇺🇸",
        "Boston, Massachusetts, United States",
        "Site B",
        "🇺🇸Boston, United States",
        "Jane Roe",
        "Contact",
        "jane@example.org"));
    // unplacedFacilityContacts
    assertEquals(List.of(new Contact("Jane Roe", "CONTACT", null, null, "jane@example.org")),
        result.record().unplacedFacilityContacts());
    assertTrue(result.record().sites().get(0).contacts().isEmpty());
    assertEquals("Massachusetts", result.record().sites().get(0).state());
    assertEquals(1, of(result, Severity.WARNING, "Trial Locations").size());
  }

  // --- registration number, unreadable input

  @Test
  void refusesAPageWithoutNctId() {
    UnreadableRecordException missing = assertThrows(UnreadableRecordException.class,
        () -> reader.read("MedPath\n\nTitle\n\nRecruitment & Eligibility\n\nStatus\nRECRUITING\n"));
    assertTrue(missing.getMessage().contains("Registration Number"), missing.getMessage());
    UnreadableRecordException malformed = assertThrows(UnreadableRecordException.class,
        () -> reader.read("MedPath\n\nTitle\n\nRegistration Number\nChiCTR2000012345\n"));
    assertTrue(malformed.getMessage().contains("ChiCTR2000012345"), malformed.getMessage());
  }

  @Test
  void refusesEmptyAndForeignContent() {
    assertTrue(assertThrows(UnreadableRecordException.class, () -> reader.read("  \n\n")).getMessage()
        .contains("empty"));
    String ctgov = "Some Title\n\nNCT ID: NCT01234567\n\nRecruitment Status\n\nRecruiting\n";
    assertFalse(reader.accepts(ctgov));
    assertTrue(assertThrows(UnreadableRecordException.class, () -> reader.read(ctgov)).getMessage()
        .contains("not a MedPath"));
  }

  @Test
  void acceptsByLogoLineOrByItsSections() {
    assertTrue(reader.accepts("\n\nMedPath\n\nTitle\n"));
    assertTrue(reader.accepts("Title\nRegistration Number\nNCT01234567\nRecruitment & Eligibility\n"));
    assertFalse(reader.accepts("Title\nRegistration Number\nNCT01234567\n"));
    assertEquals("medpath-page", reader.format());
  }

  @Test
  void leavesWhatThePageDoesNotStateAbsent() {
    TrialRecord record = reader.read(TOP).record();
    // registryId and briefTitle are all a minimal page states
    assertEquals("NCT01234567", record.registryId());
    assertEquals("A Study Title", record.briefTitle());
    // No dates, no last update, no enrollment, no design, no sponsor, no age limits
    assertNull(record.lastUpdated());
    assertNull(record.startDate());
    assertNull(record.completionDate());
    assertNull(record.enrollment());
    assertNull(record.studyType());
    assertNull(record.design());
    assertNull(record.leadSponsor());
    assertNull(record.responsibleParty());
    assertNull(record.briefSummary());
    assertNull(record.detailedDescription());
    assertNull(record.overallStatus());
    assertNull(record.eligibility().minimumAge());
    assertNull(record.eligibility().maximumAge());
    assertNull(record.eligibility().sex());
    assertTrue(record.otherIds().isEmpty());
    assertTrue(record.conditions().isEmpty());
    assertTrue(record.keywords().isEmpty());
    assertTrue(record.arms().isEmpty());
    assertTrue(record.interventions().isEmpty());
    assertTrue(record.outcomes().isEmpty());
    assertTrue(record.collaborators().isEmpty());
    assertTrue(record.investigators().isEmpty());
    assertTrue(record.sites().isEmpty());
    assertTrue(record.countries().isEmpty());
    assertTrue(record.centralContacts().isEmpty());
  }

  @Test
  void readsTargetRecruitmentAsAnEstimatedCount() {
    TrialRecord record = reader.read(page("Recruitment & Eligibility", "Target Recruitment", "1,200")).record();
    // enrollment: count, and ESTIMATED because a target is anticipated
    assertEquals(new TrialRecord.Enrollment(1200, "ESTIMATED"), record.enrollment());
  }

  // --- seeds

  @Test
  void readsSeedNct03754764() throws IOException {
    ParseResult result = reader.read(seed("NCT03754764"));
    TrialRecord record = result.record();
    assertEquals("medpath-page", result.format());
    assertEquals("NCT03754764", record.registryId());
    assertEquals("A Feasibility and Safety Study of CD38 CAR-T Cell Immunotherapy for Relapsed B-cell Acute"
        + " Lymphoblastic Leukemia After CD19 CAR-T Adoptive Cellular Immunotherapy", record.briefTitle());
    assertEquals(List.of("PHASE1"), record.phases());
    assertEquals("UNKNOWN", record.overallStatus());
    assertEquals(List.of("Relapsed B-cell Acute Lymphoblastic Leukemia After CD19 CAR-T ACI"), record.conditions());
    assertEquals(new TrialRecord.Sponsor("Chinese PLA General Hospital", null), record.leadSponsor());
    assertEquals(new TrialRecord.Enrollment(80, "ESTIMATED"), record.enrollment());
    assertEquals("INTERVENTIONAL", record.studyType());
    assertEquals("SINGLE_GROUP", record.design().interventionModel());
    assertTrue(record.briefSummary().startsWith("CD19-directed CAR-T cell therapy"));
    assertTrue(record.detailedDescription().startsWith("1. PRIMARY OBJECTIVES:\n\n1. To evaluate"));
    assertTrue(record.detailedDescription().endsWith("1-5x10e6/kg total dose on day 0."));
    assertTrue(record.interventions().isEmpty());
    assertTrue(record.arms().isEmpty());

    TrialRecord.Eligibility eligibility = record.eligibility();
    assertEquals("ALL", eligibility.sex());
    assertNull(eligibility.minimumAge());
    assertNull(eligibility.maximumAge());
    assertEquals(6, eligibility.inclusion().size());
    assertEquals(11, eligibility.exclusion().size());
    assertEquals(new Criterion("1.", "Male or female participant", List.of()), eligibility.inclusion().get(0));
    assertEquals("12 Years to 70 Years (Child, Adult, Senior)", eligibility.inclusion().get(1).text());
    assertEquals(new Criterion("6.", "Adequate organ function", List.of()), eligibility.inclusion().get(5));
    assertEquals("Prior malignancy, except carcinoma in situ of the skin or cervix treated with curative intent and"
        + " with no evidence of active disease", eligibility.exclusion().get(0).text());
    assertEquals(new Criterion("11.", "Pregnant or nursing women", List.of()), eligibility.exclusion().get(10));

    List<Outcome> outcomes = record.outcomes();
    assertEquals(3, outcomes.stream().filter(o -> o.kind().equals("PRIMARY")).count());
    assertEquals(3, outcomes.stream().filter(o -> o.kind().equals("SECONDARY")).count());
    assertEquals(new Outcome("PRIMARY", "Number of Participants with Severe/Adverse Events as a Measure of Safety"
        + " and Tolerability", "24 weeks", null), outcomes.get(0));
    assertEquals("Copies numbers of CAR in peripheral blood(PB), bone marrow(BM)and lymph nodes",
        outcomes.get(1).measure());
    assertEquals("MTD of specificity CD38 CAR-T cells", outcomes.get(2).measure());
    assertEquals("4 weeks", outcomes.get(2).timeFrame());
    assertEquals("The highest dose of specificity CD38 CAR-T cells that is estimated to result in defined Dose"
        + " Limiting Toxicity (DLT) with the exception of allowable 'expected' AEs associated with the intravenous"
        + " infusion of specificity CD38 CAR-T cells.", outcomes.get(2).description());
    assertEquals(new Outcome("SECONDARY", "Six-month Overall survival", "24 weeks", null), outcomes.get(5));
    assertTrue(outcomes.stream().allMatch(o -> o.timeFrame() != null));

    assertEquals(List.of(new Site("Biotherapeutic Department and Hematology Department of Chinese PLA", "Beijing",
        "Beijing", null, "China", null, List.of())), record.sites());
    assertEquals(List.of("China"), record.countries());
    assertNull(record.startDate());
    assertNull(record.lastUpdated());
    assertTrue(result.diagnostics().stream().noneMatch(d -> d.severity() == Severity.WARNING),
        () -> result.diagnostics().toString());
  }

  @Test
  void readsSeedNct07052565() throws IOException {
    ParseResult result = reader.read(seed("NCT07052565"));
    TrialRecord record = result.record();
    assertEquals("NCT07052565", record.registryId());
    assertEquals("CAR-T Cells Therapy for Patients With Autoimmune Diseases", record.briefTitle());
    assertEquals(List.of("NA"), record.phases());
    assertEquals("RECRUITING", record.overallStatus());
    assertEquals(List.of("Autoimmune Diseases"), record.conditions());
    assertEquals(new TrialRecord.Enrollment(18, "ESTIMATED"), record.enrollment());
    assertEquals("SEQUENTIAL", record.design().interventionModel());
    assertTrue(record.detailedDescription().contains("(1×10^5/kg, number of CAR-T cells"));
    assertFalse(record.detailedDescription().contains("\\^"));

    String intervention = "Anti-BCMA and CD19 CART cells will be injected intravenously on a one-time basis";
    assertEquals(List.of(new TrialRecord.Intervention(intervention, "DRUG", null,
        List.of("Anti-BCMA and CD19 CART"), List.of())), record.interventions());
    assertEquals(List.of(new Arm("Anti-BCMA and CD19 CART", null, "Patients will receive a lymphodepletion"
        + " chemotherapy with cyclophosphamide and fludarabine before CART infusion. A dose of Anti-BCMA and CD19"
        + " CART will be infused on day 0.", List.of(intervention))), record.arms());

    TrialRecord.Eligibility eligibility = record.eligibility();
    assertEquals("ALL", eligibility.sex());
    assertNull(eligibility.minimumAge());
    assertEquals(List.of("(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"),
        labels(eligibility.inclusion()));
    assertEquals("At the time of signing the informed consent form, be at least 18 years of age, both male and"
        + " female.", eligibility.inclusion().get(0).text());
    assertTrue(eligibility.inclusion().get(5).text().contains("1) DAS28-ESR>3.2 or CDAI>10; or 2) the dose"));
    assertEquals(List.of("(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)"),
        labels(eligibility.exclusion()));
    assertEquals("Other conditions assessed by the investigator as unsuitable for enrollment.",
        eligibility.exclusion().get(11).text());

    List<Outcome> outcomes = record.outcomes();
    assertEquals(1, outcomes.stream().filter(o -> o.kind().equals("PRIMARY")).count());
    assertEquals(12, outcomes.stream().filter(o -> o.kind().equals("SECONDARY")).count());
    assertEquals("Adverse events", outcomes.get(0).measure());
    assertEquals("up to 1 years", outcomes.get(0).timeFrame());
    assertTrue(outcomes.get(0).description().startsWith("Total number, incidence and severity of adverse events"));
    assertEquals("Change from baseline in CRP", outcomes.get(12).measure());
    assertEquals("CRP will be measured with blood samples", outcomes.get(12).description());
    assertTrue(outcomes.stream().allMatch(o -> "up to 1 years".equals(o.timeFrame()) && o.description() != null));
    assertTrue(outcomes.get(4).description().contains("0~105 points"));

    assertEquals(1, record.sites().size());
    Site site = record.sites().get(0);
    assertEquals("Anhui Provincial Hospital", site.facility());
    assertEquals("Hefei", site.city());
    assertNull(site.state());
    assertEquals("China", site.country());
    assertEquals(1, site.contacts().size());
    Contact contact = site.contacts().get(0);
    // The name is kept as written, degree included.
    assertEquals("chen zhu, M.D", contact.name());
    assertEquals("CONTACT", contact.role());
    assertEquals("+86-0551-62283843", contact.phone());
    assertEquals("doczchen@gmail.com", contact.email());
    assertTrue(record.unplacedFacilityContacts().isEmpty());
    assertEquals(List.of("China"), record.countries());
    assertTrue(result.diagnostics().stream().noneMatch(d -> d.severity() == Severity.WARNING),
        () -> result.diagnostics().toString());
  }
}
