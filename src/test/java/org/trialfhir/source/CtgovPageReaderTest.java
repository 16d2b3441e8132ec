package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Criterion;
import org.trialfhir.source.TrialRecord.Site;
import org.trialfhir.testing.Cases;

class CtgovPageReaderTest {
  private final CtgovPageReader reader = new CtgovPageReader();

  private static String page(String... sections) {
    return "A Study Title\n\nNCT ID: NCT01234567\n\nLast Updated: 2025-07-15\n\n" + String.join("\n\n", sections);
  }

  private static ParseResult seed(String id) {
    return TrialReaders.standard().read(Cases.input(id));
  }

  private static boolean anyDiagnostic(ParseResult result, String fragment) {
    return result.diagnostics().stream().anyMatch(d -> d.message().contains(fragment));
  }

  @Test
  void readsIdentityAndBasicInformation() {
    TrialRecord r = reader.read(page("Recruitment Status\n\nNOT_YET_RECRUITING", "Clinical Phase\n\nPHASE1/PHASE2",
        "Total Enrollment\n\n9 participants", "Study Start Date\n\n2024-06-15")).record();
    assertEquals("NCT01234567", r.registryId()); // identificationModule.nctId
    assertEquals("A Study Title", r.briefTitle());
    assertEquals("2025-07-15", r.lastUpdated());
    assertEquals("NOT_YET_RECRUITING", r.overallStatus());
    assertEquals(List.of("PHASE1", "PHASE2"), r.phases());
    assertEquals(9, r.enrollment().count());
    assertNull(r.enrollment().type(), "the page does not say actual or estimated");
    assertEquals("2024-06-15", r.startDate());
    assertNull(r.completionDate(), "no completion date on the page");
  }

  @Test
  void readsAClinicalPhaseWrittenAsOnThePublicSite() {
    // phases: "Phase 1/2" is the rendering of PHASE1/PHASE2, with no diagnostic; a sub-phase is reported, not kept.
    ParseResult written = reader.read(page("Clinical Phase\n\nPhase 1/2"));
    ParseResult subPhase = reader.read(page("Clinical Phase\n\nPhase 1b"));
    assertEquals(List.of("PHASE1", "PHASE2"), written.record().phases());
    assertTrue(written.diagnostics().isEmpty(), written.diagnostics().toString());
    assertTrue(subPhase.record().phases().isEmpty());
    assertTrue(anyDiagnostic(subPhase, "not a ClinicalTrials.gov phase"));
  }

  @Test
  void leavesMissingSectionsAbsent() {
    TrialRecord r = reader.read(page("Recruitment Status\n\nRECRUITING")).record();
    assertTrue(r.phases().isEmpty());
    assertNull(r.enrollment());
    assertNull(r.design());
    assertTrue(r.sites().isEmpty());
    assertNull(r.eligibility().maximumAge());
    assertNull(r.eligibility().healthyVolunteers());
    assertNull(r.leadSponsor());
  }

  @Test
  void rejectsAPageWithoutAnNctId() {
    UnreadableRecordException e = assertThrows(UnreadableRecordException.class,
        () -> reader.read("Title\n\nRecruitment Status\n\nRECRUITING"));
    assertTrue(e.getMessage().contains("NCT ID"));
  }

  @Test
  void reportsAValueItDoesNotKnowInsteadOfDroppingIt() {
    ParseResult result = reader.read(page("Recruitment Status\n\nPaused for review", "Study Start Date\n\nsoon"));
    assertEquals("PAUSED_FOR_REVIEW", result.record().overallStatus());
    assertNull(result.record().startDate());
    assertTrue(anyDiagnostic(result, "not a ClinicalTrials.gov overall status"));
    assertTrue(anyDiagnostic(result, "not a date"));
  }

  @Test
  void skipsTheRenderingsSubtitlesButKeepsTheText() {
    TrialRecord r = reader.read(page("Brief Summary\n\nReview the sponsor-provided synopsis that highlights what the"
        + " study is about and why it is being conducted.\n\nFirst paragraph.\n\nSecond \\~ paragraph.")).record();
    assertEquals("First paragraph.\n\nSecond ~ paragraph.", r.briefSummary());
  }

  @Test
  void splitsPhoneExtensionsAndPlacesFacilityContactsAtTheOnlySite() {
    TrialRecord r = reader.read(page(
        "Locations\n\nTongji Hospital\n\nWuhan, Hubei, China\n\nSite Status RECRUITING",
        "Central Contacts\n\nWei Jia, Professor\n\nRole: CONTACT\n\n+86 13986102084 ext. (0351)837 9851",
        "Facility Contacts\n\nWei Jia, M.D.\n\nRole: primary\n\n+86 13986102084")).record();
    Contact central = r.centralContacts().get(0);
    assertEquals("+86 13986102084", central.phone());
    assertEquals("(0351)837 9851", central.phoneExt());
    Site site = r.sites().get(0);
    assertEquals(List.of("Tongji Hospital", "Wuhan", "Hubei", "China", "RECRUITING"),
        List.of(site.facility(), site.city(), site.state(), site.country(), site.status()));
    assertEquals("Wei Jia, M.D.", site.contacts().get(0).name());
    assertTrue(r.unplacedFacilityContacts().isEmpty());
  }

  @Test
  void readsASiteCountryThatHoldsAComma() {
    TrialRecord r = reader.read(page(
        "Locations\n\nSeoul National University Hospital\n\nSeoul, Korea, Republic of\n\nSite Status RECRUITING"
            + "\n\nNational Taiwan University Hospital\n\nTaipei, Taiwan, Province of China\n\nSite Status"
            + "\n\nTongji Hospital\n\nWuhan, Hubei, China\n\nSite Status RECRUITING",
        "Countries\n\nKorea, Republic of\n\nTaiwan, Province of China\n\nChina")).record();
    // locations[].city / state / country: the country is the page's, never "Republic of" with Korea as the state
    assertEquals(List.of("Seoul", "Korea, Republic of"), List.of(r.sites().get(0).city(), r.sites().get(0).country()));
    assertNull(r.sites().get(0).state());
    assertEquals(List.of("Taipei", "Taiwan, Province of China"),
        List.of(r.sites().get(1).city(), r.sites().get(1).country()));
    assertNull(r.sites().get(1).state());
    assertEquals(List.of("Wuhan", "Hubei", "China"),
        List.of(r.sites().get(2).city(), r.sites().get(2).state(), r.sites().get(2).country()));
    assertEquals(List.of("Korea, Republic of", "Taiwan, Province of China", "China"), r.countries());
  }

  @Test
  void keepsTheStructuredAgeAndReportsTheConflictingCriteriaText() {
    // NCT07066982: "Minimum Eligible Age 21 Years" against "Participants age 12 years and older" in criteria.
    ParseResult result = seed("NCT07066982");
    assertEquals(new TrialRecord.AgeLimit(21, "YEARS"), result.record().eligibility().minimumAge());
    assertEquals(new TrialRecord.AgeLimit(90, "YEARS"), result.record().eligibility().maximumAge());
    assertTrue(anyDiagnostic(result, "minimum age of 12 years but the structured minimum age is 21 years"));
    assertTrue(anyDiagnostic(result, "maximum age of 75 years but the structured maximum age is 90 years"));
  }

  @Test
  void keepsTheEnrollmentFieldAndReportsTheDescriptionsNumber() {
    // NCT07066982: "Total Enrollment 60 participants" against "Approximately 40 patients ... will be enrolled".
    ParseResult result = seed("NCT07066982");
    assertEquals(60, result.record().enrollment().count());
    assertTrue(anyDiagnostic(result, "states 40 participants but the enrollment count is 60"));
  }

  @Test
  void readsNct07066982() {
    TrialRecord r = seed("NCT07066982").record();
    assertEquals("RECRUITING", r.overallStatus());
    assertEquals(List.of("PHASE1", "PHASE2"), r.phases());
    assertEquals("2025-05-29", r.startDate());
    assertEquals("2028-12-28", r.completionDate());
    assertEquals("ALL", r.eligibility().sex());
    assertEquals(Boolean.FALSE, r.eligibility().healthyVolunteers());
    assertEquals(7, r.eligibility().inclusion().size());
    assertEquals(5, r.eligibility().exclusion().size());
    assertTrue(r.eligibility().inclusion().get(4).text()
        .contains("absolute neutrophil count ≥1.0×10^9/L, platelets ≥75×10^9/L"), "escapes removed, text kept");
    assertEquals("Essen Biotech", r.leadSponsor().name());
    assertEquals("OTHER", r.leadSponsor().agencyClass());
    assertEquals(List.of(new TrialRecord.OtherId("ESBI202571-103", null, "org_study_id")), r.otherIds());
    assertEquals("SINGLE_GROUP", r.design().interventionModel());
    assertTrue(r.design().interventionModelDescription().startsWith("Patients enrolled in this clinical trial"));
    assertEquals("NONE", r.design().masking());
    assertTrue(r.design().maskingDescription().startsWith("Open-label clinical trials"));
    assertEquals("CD146/HER2 CAR T cells, chemotherapy", r.arms().get(0).label());
    assertTrue(r.arms().get(0).description().contains("fludarabine phosphate intravenously (IV) over a 30-minute"
        + " period on days -4 to -2"));
    assertEquals(List.of("CD146/HER2 CAR-T cells"), r.arms().get(0).interventionNames());
    assertEquals("BIOLOGICAL", r.interventions().get(0).type());
    assertEquals(List.of("CD146/HER2 CAR T cells, chemotherapy"), r.interventions().get(0).armGroupLabels());
    assertEquals(List.of("China"), r.countries());
    assertEquals("Rhoda M Smith, Phd", r.centralContacts().get(0).name());
    assertEquals("+12077706670", r.centralContacts().get(0).phone());
    assertEquals("SAMI XI, dr", r.sites().get(0).contacts().get(0).name());
    assertTrue(r.outcomes().isEmpty(), "this rendering shows no outcome measures");
    assertNull(r.officialTitle(), "the page shows one title only");
  }

  @Test
  void readsNct06412458() {
    TrialRecord r = seed("NCT06412458").record();
    assertEquals("NOT_YET_RECRUITING", r.overallStatus());
    assertEquals(List.of("PHASE1"), r.phases());
    assertEquals(9, r.enrollment().count());
    assertEquals(new TrialRecord.AgeLimit(16, "YEARS"), r.eligibility().minimumAge());
    assertNull(r.eligibility().maximumAge(), "no maximum age on the page");
    assertEquals(List.of("Refractory Osteosarcoma", "Recurrent Osteosarcoma"), r.conditions());
    assertEquals("Beijing Immunochina Medical Science & Technology Co., Ltd.", r.leadSponsor().name());
    assertEquals(List.of(new TrialRecord.Sponsor("Guangdong Provincial People's Hospital", "OTHER")), r.collaborators());
    assertEquals(List.of(new TrialRecord.Investigator("Yu Zhang, PhD", "PRINCIPAL_INVESTIGATOR",
        "Guangdong Provincial People's Hospital")), r.investigators());
    assertNull(r.sites().get(0).status(), "the page shows \"Site Status\" with no value");
    assertEquals(2, r.centralContacts().size());
    Criterion notes = r.eligibility().inclusion().get(3);
    assertEquals("Notes:", notes.text());
    Criterion labs = notes.children().get(7);
    assertEquals("Laboratory tests should meet at least the indicators specified below:", labs.text());
    assertEquals(9, labs.children().size());
    assertEquals("Absolute neutrophil count (ANC) ≥ 1.5 x 10^9/L;", labs.children().get(0).text());
    assertEquals("Karnofsky functional status score ≥60;", notes.children().get(5).text());
    assertEquals(20, r.eligibility().exclusion().size());
    assertEquals(4, r.eligibility().exclusion().get(4).children().size());
    assertTrue(r.interventions().get(0).description().contains("Fludarabine Recommendation: 30 mg/m^2 (D-5~D-3)"));
  }

  @Test
  void readsNct06690827() {
    TrialRecord r = seed("NCT06690827").record();
    assertEquals(List.of("AML (Acute Myeloid Leukemia)", "BPDCN (blastic Plasmacytoid Dendritic Cell Neoplasm)"),
        r.conditions());
    assertEquals(30, r.enrollment().count());
    assertEquals("2024-11-13", r.startDate());
    assertEquals(new TrialRecord.AgeLimit(75, "YEARS"), r.eligibility().maximumAge());
    assertEquals("DRUG", r.interventions().get(0).type());
    assertNull(r.arms().get(0).description(), "the arm has no description on the page");
    List<Criterion> inclusion = r.eligibility().inclusion();
    assertEquals(8, inclusion.size());
    assertEquals("ECOG score of 0-2 (Appendix 2);", inclusion.get(4).text());
    Criterion organs = inclusion.get(6);
    assertEquals(6, organs.children().size());
    assertTrue(organs.children().get(0).text().contains("platelets >50×109/L"), "text kept as written");
    assertEquals(10, r.eligibility().exclusion().size());
    assertEquals("Tongji Hospital, Tongji Medical College, Huazhong University of Science & Technology.",
        r.sites().get(0).facility());
  }
}
