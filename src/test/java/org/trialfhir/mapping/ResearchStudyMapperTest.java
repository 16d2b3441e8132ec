package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactDetail;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Design;
import org.trialfhir.source.TrialRecord.Enrollment;
import org.trialfhir.source.TrialRecord.Intervention;
import org.trialfhir.source.TrialRecord.Investigator;
import org.trialfhir.source.TrialRecord.OtherId;
import org.trialfhir.source.TrialRecord.Outcome;
import org.trialfhir.source.TrialRecord.Site;
import org.trialfhir.source.TrialRecord.Sponsor;

class ResearchStudyMapperTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();
  private static final String SNOMED = "http://snomed.info/sct";
  private static final String HGNC = "http://www.genenames.org";
  private static ConceptMaps maps;
  private static ResearchStudyMapper mapper;

  private final List<Diagnostic> diagnostics = new ArrayList<>();

  @BeforeAll
  static void loadMaps() {
    maps = ConceptMaps.load(CTX);
    mapper = new ResearchStudyMapper(maps);
  }

  /** A record stating only what each test sets; everything else absent. */
  private static Builder record() {
    return new Builder();
  }

  private ResearchStudy map(TrialRecord record) {
    return mapper.map(record, new PartyMapper().map(record, diagnostics), diagnostics);
  }

  private static ResearchStudy seed(String id, List<Diagnostic> diagnostics) {
    TrialRecord record = TrialReaders.standard()
        .read(Path.of("src/test/resources/cases/" + id + "/input.txt")).record();
    return mapper.map(record, new PartyMapper().map(record, diagnostics), diagnostics);
  }

  private static Extension ext(ResearchStudy study, String url) {
    return study.getExtensionByUrl(url);
  }

  private static String json(ResearchStudy study) {
    return CTX.newJsonParser().encodeResourceToString(study);
  }

  @Test
  void minimalRecordHasIdsProfileAndTheAlwaysPresentReferencesButNothingUnstated() {
    ResearchStudy study = map(record().build());
    // CT.gov nctId → id and the official identifier
    assertEquals("NCT00000001", study.getIdElement().getIdPart());
    assertEquals(ResearchStudyMapper.PROFILE, study.getMeta().getProfile().get(0).getValue());
    assertFalse(study.hasText(), "narratives are added centrally");
    assertFalse(study.getMeta().hasVersionId());
    Identifier official = study.getIdentifierFirstRep();
    assertEquals(Identifier.IdentifierUse.OFFICIAL, official.getUse());
    assertEquals("https://clinicaltrials.gov", official.getSystem());
    assertEquals("NCT00000001", official.getValue());
    assertEquals(1, study.getIdentifier().size());
    // briefTitle
    assertEquals("A minimal trial", study.getTitle());
    // every trial: eligibility Group and protocol PlanDefinition
    assertEquals("Group/NCT00000001-eligibility", study.getEnrollmentFirstRep().getReference());
    assertEquals("PlanDefinition/NCT00000001-protocol", study.getProtocolFirstRep().getReference());
    // nothing stated → nothing made
    assertFalse(study.hasPeriod(), "no start or completion date");
    assertNull(ext(study, ResearchStudyMapper.EXT_TARGET_NUMBER), "no enrollment count");
    assertNull(ext(study, ResearchStudyMapper.EXT_ACTUAL_ENROLLMENT));
    assertFalse(study.hasPhase(), "no phase stated");
    assertFalse(study.hasCategory() || study.hasPrimaryPurposeType() || study.hasDescription());
    assertFalse(study.hasSponsor() || study.hasPrincipalInvestigator() || study.hasSite() || study.hasContact());
    assertFalse(study.hasCondition() || study.hasFocus() || study.hasArm() || study.hasObjective());
    assertFalse(study.hasKeyword(), "no keyword, antigen or product kind stated");
    assertNull(ext(study, ResearchStudyMapper.EXT_STUDY_DESIGN));
    assertNull(ext(study, ResearchStudyMapper.EXT_OFFICIAL_TITLE));
    assertNull(ext(study, ResearchStudyMapper.EXT_REGISTRY_LAST_UPDATED));
    String json = json(study).toLowerCase(Locale.ROOT);
    assertFalse(json.contains("sex") || json.contains("gender"), "eligibility lives in the Group, not here");
  }

  @Test
  void overallStatusIsMappedAndTheRegistryWordKept() {
    // CT.gov overallStatus
    ResearchStudy study = map(record().status("RECRUITING").build());
    assertEquals(ResearchStudyStatus.ACTIVE, study.getStatus());
    Coding registry = (Coding) ext(study, ResearchStudyMapper.EXT_REGISTRY_STATUS).getValue();
    assertEquals("https://trialfhir.org/fhir/CodeSystem/ctgov-overall-status", registry.getSystem());
    assertEquals("RECRUITING", registry.getCode());
  }

  @Test
  void unknownStatusWordGetsTheSafeStatusAndADiagnostic() {
    ResearchStudy study = map(record().status("PAUSED_FOR_LUNCH").build());
    assertEquals(ResearchStudyMapper.UNMAPPED_STATUS, study.getStatus());
    assertNotEquals(ResearchStudyStatus.ACTIVE, study.getStatus(), "never offered to patients by guess");
    Coding registry = (Coding) ext(study, ResearchStudyMapper.EXT_REGISTRY_STATUS).getValue();
    assertEquals("PAUSED_FOR_LUNCH", registry.getDisplay(), "the word is kept");
    assertFalse(registry.hasCode(), "not a code of our CodeSystem");
    assertTrue(diagnostics.stream().anyMatch(d -> d.text().equals("PAUSED_FOR_LUNCH")
        && d.section().equals("ResearchStudy") && d.line() == 0), diagnostics.toString());
  }

  @Test
  void otherIdentifiersAndOfficialTitle() {
    // CT.gov orgStudyIdInfo (with its type), secondaryIdInfos, officialTitle
    ResearchStudy study = map(record()
        .sponsor(new Sponsor("Essen Biotech", "OTHER"))
        .otherIds(List.of(new OtherId("ESBI202571-103", null, "org_study_id"),
            new OtherId("2025-001234-11", "EU Trial (CTIS) Number", "secondary_id")))
        .officialTitle("A Phase 1/2 Study of Sequential CAR T Cells")
        .build());
    Identifier sponsorId = study.getIdentifier().get(1);
    assertEquals("https://trialfhir.org/fhir/sid/org-study-id", sponsorId.getSystem());
    assertEquals("ESBI202571-103", sponsorId.getValue());
    assertEquals("Essen Biotech", sponsorId.getAssigner().getDisplay());
    assertFalse(sponsorId.hasType(), "no id type stated");
    Identifier secondary = study.getIdentifier().get(2);
    assertEquals("https://trialfhir.org/fhir/sid/secondary-id", secondary.getSystem());
    assertEquals("EU Trial (CTIS) Number", secondary.getType().getText());
    assertFalse(secondary.hasAssigner());
    assertEquals("A Phase 1/2 Study of Sequential CAR T Cells",
        ((StringType) ext(study, ResearchStudyMapper.EXT_OFFICIAL_TITLE).getValue()).getValue());
  }

  @Test
  void combinedPhaseIsOneSourceCode() {
    // CT.gov phases [PHASE1, PHASE2] → source code PHASE1/PHASE2
    ResearchStudy study = map(record().phases(List.of("PHASE1", "PHASE2")).build());
    assertEquals(Optional.of("phase-1-phase-2"), code(study.getPhase(),
        "http://terminology.hl7.org/CodeSystem/research-study-phase"));
    assertEquals(Optional.of("PHASE1/PHASE2"), code(study.getPhase(), ResearchStudyMapper.CODE_SYSTEM + "ctgov-phase"));
    assertTrue(study.getPhase().hasText());
  }

  @Test
  void categoryPurposeAndDesign() {
    // CT.gov studyType, designInfo.primaryPurpose, allocation, interventionModel (+description), masking
    ResearchStudy study = map(record()
        .studyType("INTERVENTIONAL")
        .design(new Design("NA", "SINGLE_GROUP", "One arm, then expansion.", "TREATMENT", "NONE", null))
        .build());
    CodeableConcept category = study.getCategoryFirstRep();
    assertEquals(Optional.of("INTERVENTIONAL"), code(category, ResearchStudyMapper.CODE_SYSTEM + "ctgov-study-type"));
    assertTrue(category.hasText());
    assertEquals(Optional.of("treatment"), code(study.getPrimaryPurposeType(),
        "http://terminology.hl7.org/CodeSystem/research-study-prim-purp-type"));
    Extension design = ext(study, ResearchStudyMapper.EXT_STUDY_DESIGN);
    assertEquals(Optional.of("SINGLE_GROUP"), code((CodeableConcept) design.getExtensionByUrl("interventionModel")
        .getValue(), ResearchStudyMapper.CODE_SYSTEM + "ctgov-intervention-model"));
    assertEquals(Optional.of("NA"), code((CodeableConcept) design.getExtensionByUrl("allocation").getValue(),
        ResearchStudyMapper.CODE_SYSTEM + "ctgov-allocation"));
    assertEquals(Optional.of("NONE"), code((CodeableConcept) design.getExtensionByUrl("masking").getValue(),
        ResearchStudyMapper.CODE_SYSTEM + "ctgov-masking"));
    assertEquals("One arm, then expansion.",
        design.getExtensionByUrl("interventionModelDescription").getValue().primitiveValue());
    assertNull(design.getExtensionByUrl("maskingDescription"), "no masking description stated");
  }

  @Test
  void designWithOnlyAModelHasOnlyThatPart() {
    // MedPath pages state the intervention model alone
    ResearchStudy study = map(record().design(new Design(null, "SEQUENTIAL", null, null, null, null)).build());
    Extension design = ext(study, ResearchStudyMapper.EXT_STUDY_DESIGN);
    assertEquals(1, design.getExtension().size());
    assertFalse(study.hasPrimaryPurposeType());
  }

  @Test
  void unknownEnumWordIsTextOnlyWithADiagnostic() {
    // CT.gov armGroups[].type with a word ctgov-arm-type does not know
    ResearchStudy study = map(record()
        .arms(List.of(new Arm("Cohort A", "WILD_GUESS", null, List.of()))).build());
    CodeableConcept type = study.getArmFirstRep().getType();
    assertEquals("WILD_GUESS", type.getText());
    assertFalse(type.hasCoding(), "never guessed");
    assertTrue(diagnostics.stream().anyMatch(d -> d.text().equals("WILD_GUESS")
        && d.severity() == Diagnostic.Severity.WARNING), diagnostics.toString());
  }

  @Test
  void enrollmentTargetOrActual() {
    // CT.gov enrollmentInfo.count and type
    ResearchStudy estimated = map(record().enrollment(new Enrollment(18, "ESTIMATED")).build());
    assertEquals(18, ((UnsignedIntType) ext(estimated, ResearchStudyMapper.EXT_TARGET_NUMBER).getValue()).getValue());
    ResearchStudy unstatedType = map(record().enrollment(new Enrollment(9, null)).build());
    assertEquals(9, ((UnsignedIntType) ext(unstatedType, ResearchStudyMapper.EXT_TARGET_NUMBER).getValue()).getValue());
    ResearchStudy actual = map(record().enrollment(new Enrollment(42, "ACTUAL")).build());
    assertNull(ext(actual, ResearchStudyMapper.EXT_TARGET_NUMBER), "an actual count is not a target");
    assertEquals(42, ((UnsignedIntType) ext(actual, ResearchStudyMapper.EXT_ACTUAL_ENROLLMENT).getValue()).getValue());
    ResearchStudy typeOnly = map(record().enrollment(new Enrollment(null, "ESTIMATED")).build());
    assertNull(ext(typeOnly, ResearchStudyMapper.EXT_TARGET_NUMBER));
  }

  @Test
  void partialDatesKeepTheirPrecisionAndAStartAloneIsAStart() {
    // CT.gov startDateStruct "2025-05" (month precision), no completion date
    ResearchStudy study = map(record().dates("2025-05", null).build());
    assertEquals("2025-05", study.getPeriod().getStartElement().getValueAsString());
    assertEquals(TemporalPrecisionEnum.MONTH, study.getPeriod().getStartElement().getPrecision());
    assertFalse(study.getPeriod().hasEnd());
    ResearchStudy bad = map(record().dates("sometime in spring", null).build());
    assertFalse(bad.hasPeriod());
    assertTrue(diagnostics.stream().anyMatch(d -> d.text().equals("sometime in spring")));
  }

  @Test
  void descriptionHasOnlyThePartsPresentAndLastUpdatedIsADate() {
    // CT.gov briefSummary, detailedDescription, lastUpdatePostDate
    ResearchStudy both = map(record().summary("Short.", "Long.").lastUpdated("2024-05-14").build());
    assertEquals("## Brief summary\n\nShort.\n\n## Detailed description\n\nLong.", both.getDescription());
    assertEquals("2024-05-14",
        ((DateType) ext(both, ResearchStudyMapper.EXT_REGISTRY_LAST_UPDATED).getValue()).getValueAsString());
    ResearchStudy summaryOnly = map(record().summary("Short.", null).build());
    assertEquals("## Brief summary\n\nShort.", summaryOnly.getDescription());
  }

  @Test
  void conditionsKeepTheirTextAndGetSnomedOnlyWhereTheMapKnowsThem() {
    // CT.gov conditions
    ResearchStudy study = map(record().conditions(List.of("Sarcoma", "Zebra Stripe Syndrome")).build());
    assertEquals(List.of("Sarcoma", "Zebra Stripe Syndrome"),
        study.getCondition().stream().map(CodeableConcept::getText).toList());
    CodeableConcept zebra = study.getCondition().get(1);
    assertFalse(zebra.hasCoding(), "never guessed");
    assertTrue(diagnostics.stream().anyMatch(d -> d.text().equals("Zebra Stripe Syndrome")));
    CodeableConcept sarcoma = study.getCondition().get(0);
    assertEquals(maps.translate("condition-snomed", "sarcoma").map(Coding::getCode), code(sarcoma, SNOMED));
  }

  @Test
  void keywordsNameTargetsAndProductKindOnce() {
    // briefTitle, interventions[].name and otherNames, and CT.gov keywords
    ResearchStudy study = map(record()
        .title("Anti-BCMA and CD19 CART Cells, a CAR-T Study of CD38 CAR T Cells")
        .keywords(List.of("car-t", "Lupus", "CD19"))
        .interventions(List.of(new Intervention("HER2-targeted CAR T-cell injection", "BIOLOGICAL", null, List.of(),
            List.of("Anti-HER-2 CAR-T"))))
        .build());
    List<String> texts = study.getKeyword().stream().map(CodeableConcept::getText).toList();
    assertEquals(List.of("car-t", "Lupus", "CD19", "CD38", "BCMA", "HER2"), texts,
        "record keywords first; CAR-T, CD19 and HER-2 (= HER2) not repeated");
    assertEquals(Optional.of("CAR-T"), code(study.getKeyword().get(0),
        ResearchStudyMapper.CODE_SYSTEM + "cell-product-kind"), "the record's own keyword gets the coding");
    assertFalse(study.getKeyword().get(1).hasCoding(), "Lupus: a keyword as stated");
    assertEquals(Optional.of("HGNC:1633"), code(study.getKeyword().get(2), HGNC));
    assertFalse(study.getKeyword().get(3).hasCoding(), "CD38: HGNC id not verified, listed unmatched");
    assertEquals(Optional.of("HGNC:11913"), code(study.getKeyword().get(4), HGNC));
    assertEquals(Optional.of("HGNC:3430"), code(study.getKeyword().get(5), HGNC));
    assertTrue(diagnostics.stream().noneMatch(d -> d.text().equals("CD38")), "a known, unmatched name is no surprise");

    ResearchStudy nk = map(record().title("CD123-targeted CAR-NK Therapy, CAR NK cells").build());
    assertEquals(List.of("CD123", "CAR-NK"), nk.getKeyword().stream().map(CodeableConcept::getText).toList());
    assertEquals(Optional.of("CAR-NK"), code(nk.getKeyword().get(1),
        ResearchStudyMapper.CODE_SYSTEM + "cell-product-kind"));
  }

  @Test
  void focusIsTheProductWithRxNormOnlyWhenKnown() {
    // CT.gov interventions[].name
    ResearchStudy study = map(record().interventions(List.of(
        new Intervention("IM83 CAR-T Cells", "BIOLOGICAL", null, List.of(), List.of()))).build());
    CodeableConcept focus = study.getFocusFirstRep();
    assertEquals("IM83 CAR-T Cells", focus.getText());
    assertFalse(focus.hasCoding());
  }

  @Test
  void partiesAreReferenced() {
    // CT.gov leadSponsor, collaborators, overallOfficials
    ResearchStudy study = map(record()
        .sponsor(new Sponsor("Beijing Immunochina Medical Science & Technology Co., Ltd.", "INDUSTRY"))
        .collaborators(List.of(new Sponsor("Guangdong Provincial People's Hospital", "OTHER")))
        .investigators(List.of(
            new Investigator("Jane Roe, MD", "STUDY_DIRECTOR", null),
            new Investigator("Yu Zhang, PhD", "PRINCIPAL_INVESTIGATOR", "Guangdong Provincial People's Hospital"),
            new Investigator("Li Wang", "PRINCIPAL_INVESTIGATOR", null)))
        .build());
    assertEquals("Organization/org-beijing-immunochina-medical-science-technology-co-ltd",
        study.getSponsor().getReference());
    assertEquals("Beijing Immunochina Medical Science & Technology Co., Ltd.", study.getSponsor().getDisplay());
    Reference collaborator = (Reference) ext(study, ResearchStudyMapper.EXT_COLLABORATOR).getValue();
    assertEquals("Organization/org-guangdong-provincial-people-s-hospital", collaborator.getReference());
    Reference pi = study.getPrincipalInvestigator();
    assertEquals("Practitioner/prac-yu-zhang", pi.getReference(), "the first PRINCIPAL_INVESTIGATOR");
    assertEquals("Yu Zhang, PhD", pi.getDisplay());
    assertEquals("Organization/org-guangdong-provincial-people-s-hospital",
        ((Reference) pi.getExtensionByUrl(ResearchStudyMapper.EXT_INVESTIGATOR_AFFILIATION).getValue()).getReference());
    List<Reference> others = study.getExtensionsByUrl(ResearchStudyMapper.EXT_INVESTIGATOR).stream()
        .map(e -> (Reference) e.getValue()).toList();
    assertEquals(List.of("Practitioner/prac-jane-roe", "Practitioner/prac-li-wang"),
        others.stream().map(Reference::getReference).toList());
    assertEquals("STUDY_DIRECTOR",
        ((Coding) others.get(0).getExtensionByUrl(ResearchStudyMapper.EXT_INVESTIGATOR_ROLE).getValue()).getCode());
    assertNull(others.get(0).getExtensionByUrl(ResearchStudyMapper.EXT_INVESTIGATOR_AFFILIATION), "none stated");
  }

  @Test
  void noPrincipalInvestigatorRoleMeansNoPrincipalInvestigator() {
    ResearchStudy study = map(record()
        .investigators(List.of(new Investigator("Jane Roe", "STUDY_CHAIR", null))).build());
    assertFalse(study.hasPrincipalInvestigator());
    assertEquals(1, study.getExtensionsByUrl(ResearchStudyMapper.EXT_INVESTIGATOR).size());
  }

  @Test
  void sitesAndContacts() {
    // CT.gov locations[] (status, contacts), centralContacts, unplaced facility contacts
    Site site = new Site("District One Hospital", "Beijing", "Beijing Municipality", null, "China", "RECRUITING",
        List.of(new Contact("SAMI XI, dr", "PRIMARY", "+14012275001", null, null)));
    Site noStatus = new Site("Anhui Provincial Hospital", "Hefei", null, null, "China", null, List.of());
    ResearchStudy study = map(record()
        .sites(List.of(site, noStatus))
        .centralContacts(List.of(new Contact("Wei Jia, Professor", "CONTACT", "+86 13986102084", "(0351)837 9851",
            "wei.jia@example.org")))
        .unplaced(List.of(new Contact(null, null, null, null, "trials@example.org")))
        .build());
    Reference first = study.getSite().get(0);
    assertEquals("Location/loc-district-one-hospital-beijing-china", first.getReference());
    assertEquals("District One Hospital", first.getDisplay());
    Coding siteStatus = (Coding) first.getExtensionByUrl(ResearchStudyMapper.EXT_SITE_RECRUITMENT_STATUS).getValue();
    assertEquals("RECRUITING", siteStatus.getCode());
    assertEquals("https://trialfhir.org/fhir/CodeSystem/ctgov-overall-status", siteStatus.getSystem());
    assertFalse(study.getSite().get(1).hasExtension(), "no site status stated");

    List<ContactDetail> contacts = study.getContact();
    assertEquals(3, contacts.size());
    ContactDetail central = contacts.get(0);
    assertEquals("Wei Jia, Professor", central.getName());
    assertEquals("+86 13986102084 ext. (0351)837 9851", central.getTelecom().get(0).getValue());
    assertEquals(ContactPoint.ContactPointSystem.EMAIL, central.getTelecom().get(1).getSystem());
    assertFalse(central.hasExtension(), "central contacts belong to no site");
    ContactDetail atSite = contacts.get(1);
    assertEquals("SAMI XI, dr", atSite.getName());
    assertEquals("Location/loc-district-one-hospital-beijing-china",
        ((Reference) atSite.getExtensionByUrl(ResearchStudyMapper.EXT_CONTACT_SITE).getValue()).getReference());
    ContactDetail unplaced = contacts.get(2);
    assertFalse(unplaced.hasName());
    assertFalse(unplaced.hasExtension(), "an unplaced contact names no site");
    assertEquals("trials@example.org", unplaced.getTelecomFirstRep().getValue());
  }

  @Test
  void armsAndObjectives() {
    // CT.gov armGroups and primary/secondary/other outcomes
    ResearchStudy study = map(record()
        .arms(List.of(new Arm("IM83 CAR-T Cells", "EXPERIMENTAL", "After preconditioning", List.of())))
        .outcomes(List.of(
            new Outcome("PRIMARY", "Dose-limiting toxicity", "28 days", "DLT per CTCAE 5.0"),
            new Outcome("SECONDARY", "Overall response rate", null, null),
            new Outcome("OTHER", "CAR copy number", "up to 1 years", null)))
        .build());
    var arm = study.getArmFirstRep();
    assertEquals("IM83 CAR-T Cells", arm.getName());
    assertEquals("After preconditioning", arm.getDescription());
    assertEquals(Optional.of("EXPERIMENTAL"), code(arm.getType(), ResearchStudyMapper.CODE_SYSTEM + "ctgov-arm-type"));
    String objectiveType = "http://terminology.hl7.org/CodeSystem/research-study-objective-type";
    List<Optional<String>> types = study.getObjective().stream().map(o -> code(o.getType(), objectiveType)).toList();
    assertEquals(List.of(Optional.of("primary"), Optional.of("secondary"), Optional.of("exploratory")), types);
    var primary = study.getObjective().get(0);
    assertEquals("Dose-limiting toxicity", primary.getName());
    assertEquals("28 days",
        primary.getExtensionByUrl(ResearchStudyMapper.EXT_OBJECTIVE_TIME_FRAME).getValue().primitiveValue());
    assertEquals("DLT per CTCAE 5.0",
        primary.getExtensionByUrl(ResearchStudyMapper.EXT_OBJECTIVE_DESCRIPTION).getValue().primitiveValue());
    assertFalse(study.getObjective().get(1).hasExtension(), "no time frame or description stated");
  }

  @Test
  void seedNct07066982() {
    List<Diagnostic> seen = new ArrayList<>();
    ResearchStudy study = seed("NCT07066982", seen);
    assertEquals(ResearchStudyStatus.ACTIVE, study.getStatus());
    assertEquals("RECRUITING",
        ((Coding) ext(study, ResearchStudyMapper.EXT_REGISTRY_STATUS).getValue()).getCode());
    assertEquals(Optional.of("phase-1-phase-2"), code(study.getPhase(),
        "http://terminology.hl7.org/CodeSystem/research-study-phase"));
    assertEquals(60, ((UnsignedIntType) ext(study, ResearchStudyMapper.EXT_TARGET_NUMBER).getValue()).getValue());
    assertEquals("2025-05-29", study.getPeriod().getStartElement().getValueAsString());
    assertEquals("2028-12-28", study.getPeriod().getEndElement().getValueAsString());
    assertEquals(9, study.getCondition().size());
    assertTrue(study.getCondition().stream().allMatch(CodeableConcept::hasText));
    assertEquals("Sarcoma, Kaposi", study.getCondition().get(1).getText());
    List<String> keywords = study.getKeyword().stream().map(CodeableConcept::getText).toList();
    assertTrue(keywords.containsAll(List.of("CD146", "HER2", "CAR-T")), keywords.toString());
    assertFalse(keywords.contains("GPRC5D"), "named only in a copied intervention description, not a name");
    assertEquals("Organization/org-essen-biotech", study.getSponsor().getReference());
    assertEquals(List.of("ESBI202571-103"), study.getIdentifier().stream()
        .filter(i -> ResearchStudyMapper.SID_ORG_STUDY_ID.equals(i.getSystem())).map(Identifier::getValue).toList());
  }

  @Test
  void seedNct06412458() {
    List<Diagnostic> seen = new ArrayList<>();
    ResearchStudy study = seed("NCT06412458", seen);
    assertEquals("NOT_YET_RECRUITING",
        ((Coding) ext(study, ResearchStudyMapper.EXT_REGISTRY_STATUS).getValue()).getCode());
    assertEquals(maps.translate("ctgov-overall-status", "NOT_YET_RECRUITING").map(Coding::getCode),
        Optional.of(study.getStatus().toCode()), "status from the map");
    assertNotEquals(ResearchStudyStatus.ACTIVE, study.getStatus());
    assertEquals("Organization/org-guangdong-provincial-people-s-hospital",
        ((Reference) ext(study, ResearchStudyMapper.EXT_COLLABORATOR).getValue()).getReference());
    assertEquals("Practitioner/prac-yu-zhang", study.getPrincipalInvestigator().getReference());
    assertEquals("Yu Zhang, PhD", study.getPrincipalInvestigator().getDisplay());
    assertEquals(9, ((UnsignedIntType) ext(study, ResearchStudyMapper.EXT_TARGET_NUMBER).getValue()).getValue());
  }

  @Test
  void seedNct06690827() {
    List<Diagnostic> seen = new ArrayList<>();
    ResearchStudy study = seed("NCT06690827", seen);
    ContactDetail central = study.getContactFirstRep();
    assertEquals("Wei Jia, Professor", central.getName());
    assertEquals("+86 13986102084 ext. (0351)837 9851", central.getTelecomFirstRep().getValue());
    Reference site = study.getSiteFirstRep();
    assertEquals("RECRUITING",
        ((Coding) site.getExtensionByUrl(ResearchStudyMapper.EXT_SITE_RECRUITMENT_STATUS).getValue()).getCode());
    ContactDetail siteContact = study.getContact().get(1);
    assertEquals(site.getReference(),
        ((Reference) siteContact.getExtensionByUrl(ResearchStudyMapper.EXT_CONTACT_SITE).getValue()).getReference());
    List<String> keywords = study.getKeyword().stream().map(CodeableConcept::getText).toList();
    assertEquals(List.of("CD123", "CAR-NK"), keywords);
  }

  @Test
  void twoTrialsOfOneSponsorPointToOneOrganization() {
    ResearchStudy a = map(record().id("NCT00000001").sponsor(new Sponsor("Essen Biotech", "OTHER")).build());
    ResearchStudy b = map(record().id("NCT00000002").sponsor(new Sponsor("Essen Biotech.", null)).build());
    assertEquals(a.getSponsor().getReference(), b.getSponsor().getReference());
    assertNotEquals(a.getIdElement().getIdPart(), b.getIdElement().getIdPart());
  }

  private static Optional<String> code(CodeableConcept concept, String system) {
    return concept.getCoding().stream().filter(c -> system.equals(c.getSystem())).map(Coding::getCode).findFirst();
  }

  /** Builds a TrialRecord in code; every field not set stays absent, as a reader leaves it. */
  private static final class Builder {
    private String id = "NCT00000001";
    private List<OtherId> otherIds = List.of();
    private String title = "A minimal trial";
    private String officialTitle;
    private String lastUpdated;
    private String status;
    private List<String> phases = List.of();
    private Enrollment enrollment;
    private String start;
    private String completion;
    private String studyType;
    private String summary;
    private String detailed;
    private List<String> conditions = List.of();
    private List<String> keywords = List.of();
    private Design design;
    private List<Arm> arms = List.of();
    private List<Intervention> interventions = List.of();
    private List<Outcome> outcomes = List.of();
    private Sponsor sponsor;
    private List<Sponsor> collaborators = List.of();
    private List<Investigator> investigators = List.of();
    private List<Site> sites = List.of();
    private List<Contact> centralContacts = List.of();
    private List<Contact> unplaced = List.of();

    Builder id(String value) { id = value; return this; }
    Builder otherIds(List<OtherId> value) { otherIds = value; return this; }
    Builder title(String value) { title = value; return this; }
    Builder officialTitle(String value) { officialTitle = value; return this; }
    Builder lastUpdated(String value) { lastUpdated = value; return this; }
    Builder status(String value) { status = value; return this; }
    Builder phases(List<String> value) { phases = value; return this; }
    Builder enrollment(Enrollment value) { enrollment = value; return this; }
    Builder dates(String startDate, String completionDate) { start = startDate; completion = completionDate; return this; }
    Builder studyType(String value) { studyType = value; return this; }
    Builder summary(String brief, String detail) { summary = brief; detailed = detail; return this; }
    Builder conditions(List<String> value) { conditions = value; return this; }
    Builder keywords(List<String> value) { keywords = value; return this; }
    Builder design(Design value) { design = value; return this; }
    Builder arms(List<Arm> value) { arms = value; return this; }
    Builder interventions(List<Intervention> value) { interventions = value; return this; }
    Builder outcomes(List<Outcome> value) { outcomes = value; return this; }
    Builder sponsor(Sponsor value) { sponsor = value; return this; }
    Builder collaborators(List<Sponsor> value) { collaborators = value; return this; }
    Builder investigators(List<Investigator> value) { investigators = value; return this; }
    Builder sites(List<Site> value) { sites = value; return this; }
    Builder centralContacts(List<Contact> value) { centralContacts = value; return this; }
    Builder unplaced(List<Contact> value) { unplaced = value; return this; }

    TrialRecord build() {
      return new TrialRecord(id, otherIds, title, officialTitle, lastUpdated, status, phases, enrollment, start,
          completion, studyType, summary, detailed, conditions, keywords, design, arms, interventions, outcomes,
          null, sponsor, collaborators, null, investigators, sites, List.of(), centralContacts, unplaced);
    }
  }
}
