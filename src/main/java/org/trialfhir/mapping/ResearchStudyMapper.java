package org.trialfhir.mapping;

import ca.uhn.fhir.parser.DataFormatException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ContactDetail;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MarkdownType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyArmComponent;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyObjectiveComponent;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.trialfhir.mapping.PartyMapper.Official;
import org.trialfhir.mapping.PartyMapper.Parties;
import org.trialfhir.mapping.PartyMapper.PlacedSite;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.Diagnostic.Severity;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Design;
import org.trialfhir.source.TrialRecord.Enrollment;
import org.trialfhir.source.TrialRecord.Intervention;
import org.trialfhir.source.TrialRecord.OtherId;
import org.trialfhir.source.TrialRecord.Outcome;

/**
 * Turns a {@link TrialRecord} and its already-mapped parties into the trial's ResearchStudy: registry
 * vocabulary through the ConceptMaps in {@code mappings/}, every stated fact in the element or extension
 * DESIGN.md's "Where facts live" names, nothing the record does not state. No narrative: that is added centrally.
 *
 * <p>Collaborators and further investigators go in simple extensions of ours rather than the R5 cross-version
 * extension {@code extension-ResearchStudy.associatedParty}: that one is a complex extension (name, role, period,
 * classifier, party) whose role codes R4 has no CodeSystem for, for what is here a plain reference.
 */
public final class ResearchStudyMapper {
  public static final String BASE = "https://trialfhir.org/fhir";
  public static final String PROFILE = BASE + "/StructureDefinition/cell-therapy-research-study";
  public static final String CODE_SYSTEM = BASE + "/CodeSystem/";
  private static final String SD = BASE + "/StructureDefinition/";

  public static final String EXT_OFFICIAL_TITLE = SD + "official-title";
  public static final String EXT_REGISTRY_STATUS = SD + "registry-status";
  public static final String EXT_REGISTRY_LAST_UPDATED = SD + "registry-last-updated";
  public static final String EXT_COLLABORATOR = SD + "collaborator";
  public static final String EXT_INVESTIGATOR = SD + "investigator";
  public static final String EXT_INVESTIGATOR_ROLE = SD + "investigator-role";
  public static final String EXT_INVESTIGATOR_AFFILIATION = SD + "investigator-affiliation";
  public static final String EXT_SITE_RECRUITMENT_STATUS = SD + "site-recruitment-status";
  public static final String EXT_CONTACT_SITE = SD + "contact-site";
  public static final String EXT_TARGET_NUMBER =
      "http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.recruitment.targetNumber";
  public static final String EXT_ACTUAL_ENROLLMENT = SD + "actual-enrollment";
  public static final String EXT_OBJECTIVE_TIME_FRAME = SD + "objective-time-frame";
  public static final String EXT_OBJECTIVE_DESCRIPTION = SD + "objective-description";
  public static final String EXT_STUDY_DESIGN = SD + "study-design";

  public static final String CTGOV = "https://clinicaltrials.gov";
  public static final String SID_ORG_STUDY_ID = BASE + "/sid/org-study-id";
  public static final String SID_SECONDARY_ID = BASE + "/sid/secondary-id";

  /**
   * The R4 status used when the registry's status word is missing or not in ctgov-overall-status: it does not
   * offer the study to patients (unlike {@code active}) and claims no ending (unlike {@code completed} or
   * {@code administratively-completed}); the registry word itself stays in {@link #EXT_REGISTRY_STATUS}.
   */
  public static final ResearchStudyStatus UNMAPPED_STATUS = ResearchStudyStatus.TEMPORARILYCLOSEDTOACCRUAL;

  static final String STATUS_MAP = "ctgov-overall-status";
  static final String PHASE_MAP = "ctgov-phase";
  static final String STUDY_TYPE_MAP = "ctgov-study-type";
  static final String PURPOSE_MAP = "ctgov-primary-purpose";
  static final String ALLOCATION_MAP = "ctgov-allocation";
  static final String MODEL_MAP = "ctgov-intervention-model";
  static final String MASKING_MAP = "ctgov-masking";
  static final String ARM_TYPE_MAP = "ctgov-arm-type";
  static final String OUTCOME_TYPE_MAP = "ctgov-outcome-type";
  static final String CONDITION_MAP = "condition-snomed";
  static final String DRUG_MAP = "drug-rxnorm";
  static final String ANTIGEN_MAP = "target-antigen";
  static final String PRODUCT_KIND_MAP = "product-kind";
  static final String OFFICIAL_ROLE_SYSTEM = CODE_SYSTEM + "ctgov-official-role";

  private static final String SECTION = "ResearchStudy";
  /** A cluster-of-differentiation antigen written as such: CD19, CD123, CD3E. */
  private static final Pattern CD_ANTIGEN = Pattern.compile("(?<![A-Z0-9])CD\\d+[A-Za-z]?(?![A-Za-z0-9])");
  /** "AML (Acute Myeloid Leukemia)": a name with its other spelling in parentheses. */
  private static final Pattern ABBREVIATED = Pattern.compile("([^()]+)\\(([^()]+)\\)");

  private final ConceptMaps maps;
  /** Map id → source code → the display the map gives it ("RECRUITING" → "Recruiting"). */
  private final Map<String, Map<String, String>> sourceDisplays;
  private final KnownNames antigenNames;
  private final KnownNames productKinds;

  public ResearchStudyMapper(ConceptMaps maps) {
    this.maps = maps;
    this.sourceDisplays = sourceDisplays(maps);
    this.antigenNames = new KnownNames(maps, ANTIGEN_MAP);
    this.productKinds = new KnownNames(maps, PRODUCT_KIND_MAP);
  }

  private static Map<String, Map<String, String>> sourceDisplays(ConceptMaps maps) {
    Map<String, Map<String, String>> displays = new HashMap<>();
    for (ConceptMap map : maps.all()) {
      Map<String, String> byCode = new HashMap<>();
      for (ConceptMap.ConceptMapGroupComponent group : map.getGroup()) {
        for (ConceptMap.SourceElementComponent element : group.getElement()) {
          if (element.hasDisplay()) {
            byCode.putIfAbsent(element.getCode(), element.getDisplay());
          }
        }
      }
      displays.put(map.getIdElement().getIdPart(), Map.copyOf(byCode));
    }
    return Map.copyOf(displays);
  }

  /** The ResearchStudy for one record; terms the maps do not know are added to {@code diagnostics}. */
  public ResearchStudy map(TrialRecord r, Parties parties, List<Diagnostic> diagnostics) {
    String nct = r.registryId();
    ResearchStudy study = new ResearchStudy();
    study.setId(ResourceIds.researchStudy(nct));
    study.getMeta().addProfile(PROFILE);

    identifiers(r, study);
    if (r.briefTitle() != null) {
      study.setTitle(r.briefTitle());
    }
    if (r.officialTitle() != null) {
      study.addExtension(EXT_OFFICIAL_TITLE, new StringType(r.officialTitle()));
    }
    status(r.overallStatus(), study, diagnostics);
    if (r.lastUpdated() != null) {
      lastUpdated(r.lastUpdated(), diagnostics).ifPresent(d -> study.addExtension(EXT_REGISTRY_LAST_UPDATED, d));
    }
    phase(r.phases(), study, diagnostics);
    if (r.studyType() != null) {
      study.addCategory(concept(STUDY_TYPE_MAP, r.studyType(), "study type", Severity.WARNING, diagnostics));
    }
    Design design = r.design();
    if (design != null && design.primaryPurpose() != null) {
      study.setPrimaryPurposeType(
          concept(PURPOSE_MAP, design.primaryPurpose(), "primary purpose", Severity.WARNING, diagnostics));
    }
    for (String condition : r.conditions()) {
      study.addCondition(condition(condition, diagnostics));
    }
    keywords(r, diagnostics).forEach(study::addKeyword);
    for (Intervention intervention : r.interventions()) {
      if (intervention.name() != null && !intervention.name().isBlank()) {
        study.addFocus(focus(intervention.name(), diagnostics));
      }
    }
    description(r).ifPresent(study::setDescriptionElement);
    period(r, diagnostics).ifPresent(study::setPeriod);

    parties(parties, study, diagnostics);
    contacts(r, parties, study);

    // Every trial gets an eligibility Group and a protocol PlanDefinition (DESIGN.md, Identity).
    study.addEnrollment(new Reference("Group/" + ResourceIds.eligibility(nct)));
    study.addProtocol(new Reference("PlanDefinition/" + ResourceIds.protocol(nct)));
    enrollment(r.enrollment(), study, diagnostics);

    for (int i = 0; i < r.arms().size(); i++) {
      study.addArm(arm(r.arms().get(i), i, diagnostics));
    }
    for (Outcome outcome : r.outcomes()) {
      study.addObjective(objective(outcome, diagnostics));
    }
    if (design != null) {
      design(design, diagnostics).ifPresent(study::addExtension);
    }
    return study;
  }

  // CT.gov nctId, orgStudyIdInfo and secondaryIdInfos.
  private static void identifiers(TrialRecord r, ResearchStudy study) {
    study.addIdentifier().setUse(Identifier.IdentifierUse.OFFICIAL).setSystem(CTGOV).setValue(r.registryId());
    for (OtherId other : r.otherIds()) {
      if (other.id() == null || other.id().isBlank()) {
        continue;
      }
      boolean sponsorId = "org_study_id".equals(other.source());
      Identifier identifier = study.addIdentifier()
          .setSystem(sponsorId ? SID_ORG_STUDY_ID : SID_SECONDARY_ID)
          .setValue(other.id());
      if (other.type() != null && !other.type().isBlank()) {
        identifier.setType(new CodeableConcept().setText(other.type()));
      }
      if (sponsorId && r.leadSponsor() != null && r.leadSponsor().name() != null) {
        identifier.setAssigner(new Reference().setDisplay(r.leadSponsor().name()));
      }
    }
  }

  // CT.gov overallStatus: the mapped R4 status plus the registry's own word.
  private void status(String word, ResearchStudy study, List<Diagnostic> diagnostics) {
    Optional<Coding> mapped = word == null ? Optional.empty() : translate(STATUS_MAP, word);
    Optional<ResearchStudyStatus> status = mapped.map(Coding::getCode).flatMap(ResearchStudyMapper::studyStatus);
    if (status.isPresent()) {
      study.setStatus(status.get());
    } else {
      study.setStatus(UNMAPPED_STATUS);
      diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, String.valueOf(word),
          (word == null ? "the record states no overall status" : "overall status not mapped by " + file(STATUS_MAP))
              + "; ResearchStudy.status set to " + UNMAPPED_STATUS.toCode() + ", which does not offer the study"));
    }
    if (word != null) {
      study.addExtension(EXT_REGISTRY_STATUS, registryCoding(STATUS_MAP, word, null, diagnostics));
    }
  }

  private static Optional<ResearchStudyStatus> studyStatus(String code) {
    try {
      return Optional.of(ResearchStudyStatus.fromCode(code));
    } catch (org.hl7.fhir.exceptions.FHIRException e) {
      return Optional.empty();
    }
  }

  // CT.gov phases: the list joined with "/" is the source code ([PHASE1, PHASE2] → PHASE1/PHASE2).
  private void phase(List<String> phases, ResearchStudy study, List<Diagnostic> diagnostics) {
    if (phases.isEmpty()) {
      return;
    }
    study.setPhase(concept(PHASE_MAP, String.join("/", phases), "phase", Severity.WARNING, diagnostics));
  }

  /**
   * The names a condition is written under: the whole text, then for "AML (Acute Myeloid Leukemia)" the
   * abbreviation and the spelled-out name — registries write both, and either may be the one the map knows.
   */
  static List<String> conditionNames(String condition) {
    String whole = condition.strip().toLowerCase(Locale.ROOT);
    Matcher m = ABBREVIATED.matcher(whole);
    return m.matches() ? List.of(whole, m.group(2).strip(), m.group(1).strip()) : List.of(whole);
  }

  // CT.gov conditions: SNOMED CT where condition-snomed knows the lower-cased text; the text always as written.
  private CodeableConcept condition(String condition, List<Diagnostic> diagnostics) {
    CodeableConcept concept = new CodeableConcept().setText(condition);
    Optional<Coding> snomed = Optional.empty();
    for (String name : conditionNames(condition)) {
      snomed = translate(CONDITION_MAP, name);
      if (snomed.isPresent()) {
        break;
      }
    }
    if (snomed.isPresent()) {
      concept.addCoding(snomed.get());
    } else {
      diagnostics.add(new Diagnostic(Severity.INFO, SECTION, 0, condition,
          "no SNOMED CT code for this condition in " + file(CONDITION_MAP) + "; kept as text"));
    }
    return concept;
  }

  // CT.gov intervention name: the product studied, with RxNorm where drug-rxnorm knows it.
  private CodeableConcept focus(String name, List<Diagnostic> diagnostics) {
    CodeableConcept concept = new CodeableConcept().setText(name);
    Optional<Coding> rxnorm = translate(DRUG_MAP, name);
    if (rxnorm.isEmpty()) {
      rxnorm = translate(DRUG_MAP, name.strip().toLowerCase(Locale.ROOT));
    }
    if (rxnorm.isPresent()) {
      concept.addCoding(rxnorm.get());
    } else {
      diagnostics.add(new Diagnostic(Severity.INFO, SECTION, 0, name,
          "no RxNorm code for this intervention in " + file(DRUG_MAP) + "; kept as text"));
    }
    return concept;
  }

  /**
   * CT.gov keywords as stated, then the antigen targets (CD-numbered tokens, and names target-antigen knows) and
   * the product kind (spellings product-kind knows) that the titles, conditions and intervention names mention.
   */
  private List<CodeableConcept> keywords(TrialRecord r, List<Diagnostic> diagnostics) {
    Map<String, CodeableConcept> byText = new LinkedHashMap<>();
    for (String keyword : r.keywords()) {
      if (keyword != null && !keyword.isBlank()) {
        byText.putIfAbsent(key(keyword), new CodeableConcept().setText(keyword.strip()));
      }
    }
    List<String> names = new ArrayList<>();
    names.add(r.briefTitle());
    names.add(r.officialTitle());
    for (Intervention intervention : r.interventions()) {
      names.add(intervention.name());
      names.addAll(intervention.otherNames());
    }
    names.removeIf(text -> text == null || text.isBlank());
    List<String> mentions = new ArrayList<>(names);
    mentions.addAll(r.conditions());

    Set<String> antigens = new LinkedHashSet<>();
    for (String text : mentions) {
      Matcher cd = CD_ANTIGEN.matcher(text);
      while (cd.find()) {
        antigens.add(cd.group());
      }
    }
    for (String text : names) {
      antigens.addAll(antigenNames.in(text));
    }
    Set<String> codes = new LinkedHashSet<>();
    for (String antigen : antigens) {
      Optional<Coding> gene = translate(ANTIGEN_MAP, antigen);
      if (gene.isEmpty() && !maps.knows(ANTIGEN_MAP, antigen)) {
        diagnostics.add(new Diagnostic(Severity.INFO, SECTION, 0, antigen,
            "antigen target not in " + file(ANTIGEN_MAP) + "; keyword kept as text"));
      }
      addKeyword(byText, codes, antigen, gene);
    }

    Set<String> kinds = new LinkedHashSet<>();
    for (String text : mentions) {
      kinds.addAll(productKinds.in(text));
    }
    for (String spelling : kinds) {
      translate(PRODUCT_KIND_MAP, spelling).ifPresent(kind -> addKeyword(byText, codes, kind.getCode(), Optional.of(kind)));
    }
    return List.copyOf(byText.values());
  }

  /**
   * Adds a keyword once: a coding already given (HER2 and HER-2 are one gene) adds nothing; a text the record's own
   * keywords already have gets the coding there instead of a second keyword.
   */
  private static void addKeyword(
      Map<String, CodeableConcept> byText, Set<String> codes, String text, Optional<Coding> coding) {
    if (coding.isPresent() && !codes.add(coding.get().getSystem() + "|" + coding.get().getCode())) {
      return;
    }
    CodeableConcept existing = byText.get(key(text));
    if (existing == null) {
      CodeableConcept concept = new CodeableConcept().setText(text);
      coding.ifPresent(concept::addCoding);
      byText.put(key(text), concept);
    } else if (coding.isPresent() && !existing.hasCoding()) {
      existing.addCoding(coding.get());
    }
  }

  private static String key(String text) {
    return text.strip().toLowerCase(Locale.ROOT);
  }

  // CT.gov briefSummary and detailedDescription, as markdown sections.
  private static Optional<MarkdownType> description(TrialRecord r) {
    List<String> parts = new ArrayList<>();
    if (r.briefSummary() != null && !r.briefSummary().isBlank()) {
      parts.add("## Brief summary\n\n" + r.briefSummary().strip());
    }
    if (r.detailedDescription() != null && !r.detailedDescription().isBlank()) {
      parts.add("## Detailed description\n\n" + r.detailedDescription().strip());
    }
    return parts.isEmpty() ? Optional.empty() : Optional.of(new MarkdownType(String.join("\n\n", parts)));
  }

  // CT.gov startDateStruct and completionDateStruct; partial dates keep their precision.
  private static Optional<Period> period(TrialRecord r, List<Diagnostic> diagnostics) {
    Period period = new Period();
    date(r.startDate(), "start date", diagnostics).ifPresent(period::setStartElement);
    date(r.completionDate(), "completion date", diagnostics).ifPresent(period::setEndElement);
    return period.isEmpty() ? Optional.empty() : Optional.of(period);
  }

  private static Optional<DateTimeType> date(String text, String what, List<Diagnostic> diagnostics) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new DateTimeType(text.strip()));
    } catch (DataFormatException | IllegalArgumentException e) {
      diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, text,
          what + " is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD); left out"));
      return Optional.empty();
    }
  }

  // CT.gov lastUpdatePostDateStruct: a date, never a time.
  private static Optional<DateType> lastUpdated(String text, List<Diagnostic> diagnostics) {
    try {
      return Optional.of(new DateType(text.strip()));
    } catch (DataFormatException | IllegalArgumentException e) {
      diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, text,
          "last update date is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD); left out"));
      return Optional.empty();
    }
  }

  // CT.gov sponsorCollaboratorsModule and overallOfficials.
  private void parties(Parties parties, ResearchStudy study, List<Diagnostic> diagnostics) {
    if (parties.sponsor() != null) {
      study.setSponsor(reference(parties.sponsor()));
    }
    for (Organization collaborator : parties.collaborators()) {
      study.addExtension(EXT_COLLABORATOR, reference(collaborator));
    }
    Official principal = parties.officials().stream()
        .filter(o -> "PRINCIPAL_INVESTIGATOR".equals(o.source().role()))
        .findFirst()
        .orElse(null);
    if (principal != null) {
      study.setPrincipalInvestigator(investigatorReference(principal));
    }
    Set<String> seen = new LinkedHashSet<>();
    if (principal != null) {
      seen.add(principal.practitioner().getIdElement().getIdPart());
    }
    for (Official official : parties.officials()) {
      if (official != principal && seen.add(official.practitioner().getIdElement().getIdPart())) {
        study.addExtension(EXT_INVESTIGATOR, investigatorReference(official));
      }
    }
    Map<String, Reference> sites = new LinkedHashMap<>();
    for (PlacedSite placed : parties.sites()) {
      Reference site = sites.computeIfAbsent(placed.location().getIdElement().getIdPart(), id -> {
        Reference reference = siteReference(placed.location());
        study.addSite(reference);
        return reference;
      });
      // CT.gov locations[].status, in the same CodeSystem as the overall status.
      String status = placed.site().status();
      if (status != null && !site.hasExtension(EXT_SITE_RECRUITMENT_STATUS)) {
        site.addExtension(EXT_SITE_RECRUITMENT_STATUS, registryCoding(STATUS_MAP, status, "site status", diagnostics));
      }
    }
  }

  private static Reference investigatorReference(Official official) {
    Reference reference = new Reference("Practitioner/" + official.practitioner().getIdElement().getIdPart())
        .setDisplay(official.source().name());
    if (official.source().role() != null) {
      reference.addExtension(EXT_INVESTIGATOR_ROLE,
          new Coding(OFFICIAL_ROLE_SYSTEM, official.source().role(), null));
    }
    if (official.affiliation() != null) {
      reference.addExtension(EXT_INVESTIGATOR_AFFILIATION, reference(official.affiliation()));
    }
    return reference;
  }

  private static Reference reference(Organization organization) {
    return new Reference("Organization/" + organization.getIdElement().getIdPart())
        .setDisplay(organization.getName());
  }

  private static Reference siteReference(Location location) {
    String display = location.hasName() ? location.getName() : location.getAddress().getCity();
    return new Reference("Location/" + location.getIdElement().getIdPart()).setDisplay(display);
  }

  // CT.gov centralContacts, locations[].contacts and facility contacts the page could not place.
  private static void contacts(TrialRecord r, Parties parties, ResearchStudy study) {
    for (Contact contact : r.centralContacts()) {
      contactDetail(contact).ifPresent(study::addContact);
    }
    for (PlacedSite placed : parties.sites()) {
      for (Contact contact : placed.site().contacts()) {
        contactDetail(contact).ifPresent(detail -> {
          detail.addExtension(EXT_CONTACT_SITE, siteReference(placed.location()));
          study.addContact(detail);
        });
      }
    }
    Set<TrialRecord.Site> placedSites = new LinkedHashSet<>();
    parties.sites().forEach(placed -> placedSites.add(placed.site()));
    for (TrialRecord.Site site : r.sites()) {
      if (!placedSites.contains(site)) {
        site.contacts().forEach(contact -> contactDetail(contact).ifPresent(study::addContact));
      }
    }
    for (Contact contact : r.unplacedFacilityContacts()) {
      contactDetail(contact).ifPresent(study::addContact);
    }
  }

  private static Optional<ContactDetail> contactDetail(Contact contact) {
    ContactDetail detail = new ContactDetail();
    if (contact.name() != null && !contact.name().isBlank()) {
      detail.setName(contact.name().strip());
    }
    if (contact.phone() != null && !contact.phone().isBlank()) {
      // ContactPoint has no place for an extension number, so it is written into the value.
      String phone = contact.phone().strip();
      if (contact.phoneExt() != null && !contact.phoneExt().isBlank()) {
        phone += " ext. " + contact.phoneExt().strip();
      }
      detail.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
    }
    if (contact.email() != null && !contact.email().isBlank()) {
      detail.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(contact.email().strip());
    }
    return detail.isEmpty() ? Optional.empty() : Optional.of(detail);
  }

  // CT.gov enrollmentInfo: a count that is not ACTUAL is the target (DESIGN.md, "Where facts live").
  private static void enrollment(Enrollment enrollment, ResearchStudy study, List<Diagnostic> diagnostics) {
    if (enrollment == null || enrollment.count() == null) {
      return;
    }
    if (enrollment.count() < 0) {
      diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, enrollment.count().toString(),
          "negative enrollment count; left out"));
      return;
    }
    String url = "ACTUAL".equals(enrollment.type()) ? EXT_ACTUAL_ENROLLMENT : EXT_TARGET_NUMBER;
    study.addExtension(url, new UnsignedIntType(enrollment.count()));
  }

  // CT.gov armGroups: label, type, description.
  private ResearchStudyArmComponent arm(Arm arm, int index, List<Diagnostic> diagnostics) {
    ResearchStudyArmComponent component = new ResearchStudyArmComponent();
    if (arm.label() != null && !arm.label().isBlank()) {
      component.setName(arm.label().strip());
    } else {
      // ResearchStudy.arm.name is required in R4.
      component.setName("Arm " + (index + 1));
      diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, String.valueOf(arm.description()),
          "arm without a label; named \"Arm " + (index + 1) + "\" by its position"));
    }
    if (arm.type() != null) {
      component.setType(concept(ARM_TYPE_MAP, arm.type(), "arm type", Severity.WARNING, diagnostics));
    }
    if (arm.description() != null && !arm.description().isBlank()) {
      component.setDescription(arm.description());
    }
    return component;
  }

  // CT.gov primaryOutcomes, secondaryOutcomes, otherOutcomes: measure, timeFrame, description.
  private ResearchStudyObjectiveComponent objective(Outcome outcome, List<Diagnostic> diagnostics) {
    ResearchStudyObjectiveComponent objective = new ResearchStudyObjectiveComponent();
    if (outcome.measure() != null) {
      objective.setName(outcome.measure());
    }
    if (outcome.kind() != null) {
      CodeableConcept type = new CodeableConcept();
      Optional<Coding> mapped = translate(OUTCOME_TYPE_MAP, outcome.kind());
      if (mapped.isPresent()) {
        type.addCoding(mapped.get());
      } else {
        type.setText(outcome.kind());
        diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, outcome.kind(),
            "outcome kind not mapped by " + file(OUTCOME_TYPE_MAP) + "; objective type kept as text"));
      }
      objective.setType(type);
    }
    if (outcome.timeFrame() != null && !outcome.timeFrame().isBlank()) {
      objective.addExtension(EXT_OBJECTIVE_TIME_FRAME, new StringType(outcome.timeFrame()));
    }
    if (outcome.description() != null && !outcome.description().isBlank()) {
      objective.addExtension(EXT_OBJECTIVE_DESCRIPTION, new MarkdownType(outcome.description()));
    }
    return objective;
  }

  // CT.gov designInfo: allocation, interventionModel (+ description), maskingInfo (+ description).
  private Optional<Extension> design(Design design, List<Diagnostic> diagnostics) {
    Extension extension = new Extension(EXT_STUDY_DESIGN);
    if (design.allocation() != null) {
      extension.addExtension("allocation",
          concept(ALLOCATION_MAP, design.allocation(), "allocation", Severity.WARNING, diagnostics));
    }
    if (design.interventionModel() != null) {
      extension.addExtension("interventionModel",
          concept(MODEL_MAP, design.interventionModel(), "intervention model", Severity.WARNING, diagnostics));
    }
    if (design.interventionModelDescription() != null && !design.interventionModelDescription().isBlank()) {
      extension.addExtension("interventionModelDescription", new MarkdownType(design.interventionModelDescription()));
    }
    if (design.masking() != null) {
      extension.addExtension("masking",
          concept(MASKING_MAP, design.masking(), "masking", Severity.WARNING, diagnostics));
    }
    if (design.maskingDescription() != null && !design.maskingDescription().isBlank()) {
      extension.addExtension("maskingDescription", new MarkdownType(design.maskingDescription()));
    }
    return extension.hasExtension() ? Optional.of(extension) : Optional.empty();
  }

  /**
   * A registry enum word as a CodeableConcept: the map's target coding when it has one, our own source coding
   * when the map knows the word, and the word as text; a word the map does not know is text only, with a diagnostic.
   */
  private CodeableConcept concept(
      String mapId, String word, String what, Severity severity, List<Diagnostic> diagnostics) {
    CodeableConcept concept = new CodeableConcept();
    if (!maps.knows(mapId, word)) {
      diagnostics.add(new Diagnostic(severity, SECTION, 0, word,
          what + " not in " + file(mapId) + "; kept as text"));
      return concept.setText(word);
    }
    translate(mapId, word).ifPresent(concept::addCoding);
    Coding source = sourceCoding(mapId, word);
    concept.addCoding(source);
    return concept.setText(source.hasDisplay() ? source.getDisplay() : word);
  }

  /**
   * A registry word as a Coding of our CodeSystem when the map knows it; otherwise the word as display only (our
   * CodeSystem does not have it), with a diagnostic when {@code what} names the field (null: reported elsewhere).
   */
  private Coding registryCoding(String mapId, String word, String what, List<Diagnostic> diagnostics) {
    if (maps.knows(mapId, word)) {
      return sourceCoding(mapId, word);
    }
    if (what != null) {
      diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, word,
          what + " not in " + file(mapId) + "; kept as display text only"));
    }
    return new Coding().setDisplay(word);
  }

  /** Our CodeSystem's coding for a registry word: {@code https://trialfhir.org/fhir/CodeSystem/<map id>}. */
  private Coding sourceCoding(String mapId, String word) {
    return new Coding(CODE_SYSTEM + mapId, word, sourceDisplays.getOrDefault(mapId, Map.of()).get(word));
  }

  /** The map's target coding; ConceptMaps gives a fresh copy, so no two resources share one mutable Coding. */
  private Optional<Coding> translate(String mapId, String code) {
    return maps.translate(mapId, code);
  }

  private static String file(String mapId) {
    return "mappings/ConceptMap-" + mapId + ".json";
  }
}
