package org.trialfhir.server;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Search requests over the bundled sample trials and the ids they must match, one at least per declared search
 * parameter with a value that matches and one that does not ({@link CapabilityStatementIT} checks the coverage).
 * The facts come from the sample records (src/main/resources/samples/), named in the comments by registry field.
 */
final class SearchCases {
  private SearchCases() {}

  /** A search ({@code Type?query}) and the ids of its matches, in any order. */
  record Case(String query, Set<String> ids) {
    static Case of(String query, String... ids) {
      return new Case(query, new TreeSet<>(List.of(ids)));
    }

    String type() {
      return query.substring(0, query.indexOf('?'));
    }

    @Override
    public String toString() {
      return query;
    }
  }

  static final String PLA = "NCT03754764"; // CD38 CAR-T, B-ALL, COMPLETED/closed, Beijing
  static final String IM83 = "NCT06412458"; // IM83 CAR-T, osteosarcoma, NOT_YET_RECRUITING, Guangdong
  static final String CAR_NK = "NCT06690827"; // CD123 CAR-NK, AML/BPDCN, RECRUITING, Wuhan
  static final String AUTOIMMUNE = "NCT07052565"; // BCMA/CD19 CAR-T, autoimmune, RECRUITING, Hefei
  static final String SARCOMA = "NCT07066982"; // CD146/HER2 CAR-T, sarcoma, RECRUITING, Beijing
  static final String[] ALL_STUDIES = {PLA, IM83, CAR_NK, AUTOIMMUNE, SARCOMA};

  static final List<Case> CASES = List.of(
      // ---- ResearchStudy, R4 parameters
      Case.of("ResearchStudy?_id=" + SARCOMA, SARCOMA),
      Case.of("ResearchStudy?_id=NCT00000000"),
      Case.of("ResearchStudy?_lastUpdated=gt2020-01-01", ALL_STUDIES),
      Case.of("ResearchStudy?_lastUpdated=lt2020-01-01"),
      // any text of the study: here the sponsor's name, in the sponsor reference's display.
      Case.of("ResearchStudy?_content=immunochina", IM83),
      Case.of("ResearchStudy?_content=xylophone"),
      Case.of("ResearchStudy?identifier=https://clinicaltrials.gov|" + IM83, IM83),
      // orgStudyIdInfo of NCT06412458.
      Case.of("ResearchStudy?identifier=IM83-002", IM83),
      Case.of("ResearchStudy?identifier=https://clinicaltrials.gov|NCT0"),
      // briefTitle: string search is "starts with", ignoring case.
      Case.of("ResearchStudy?title=car-t cells therapy", AUTOIMMUNE),
      Case.of("ResearchStudy?title:contains=CAR-NK", CAR_NK),
      Case.of("ResearchStudy?title:exact=CAR-T Cells Therapy for Patients With Autoimmune Diseases", AUTOIMMUNE),
      Case.of("ResearchStudy?title:exact=car-t cells therapy for patients with autoimmune diseases"),
      Case.of("ResearchStudy?title=Therapy"),
      // overallStatus RECRUITING → active: exactly the recruiting studies.
      Case.of("ResearchStudy?status=active", CAR_NK, AUTOIMMUNE, SARCOMA),
      Case.of("ResearchStudy?status=http://hl7.org/fhir/research-study-status|active", CAR_NK, AUTOIMMUNE, SARCOMA),
      Case.of("ResearchStudy?status=approved,closed-to-accrual", IM83, PLA),
      Case.of("ResearchStudy?status:not=active", PLA, IM83),
      Case.of("ResearchStudy?status=withdrawn"),
      // keywords: CD19 (HGNC:1633) is a target of two studies; CAR-NK is the product kind of one.
      Case.of("ResearchStudy?keyword=http://www.genenames.org|HGNC:1633", PLA, AUTOIMMUNE),
      Case.of("ResearchStudy?keyword:text=car-nk", CAR_NK),
      Case.of("ResearchStudy?keyword=HGNC:0"),
      // studyType INTERVENTIONAL for all.
      Case.of("ResearchStudy?category=https://trialfhir.org/fhir/CodeSystem/ctgov-study-type|INTERVENTIONAL", ALL_STUDIES),
      Case.of("ResearchStudy?category=https://trialfhir.org/fhir/CodeSystem/ctgov-study-type|OBSERVATIONAL"),
      // interventions[].name.
      Case.of("ResearchStudy?focus:text=IM83", IM83),
      Case.of("ResearchStudy?focus:text=aspirin"),
      // startDate..completionDate (R4 prefixes against the Period); two studies state no dates.
      Case.of("ResearchStudy?date=lt2024-07-01", IM83),
      Case.of("ResearchStudy?date=sa2025-01-01", SARCOMA),
      Case.of("ResearchStudy?date=eb2027-01-01", IM83),
      Case.of("ResearchStudy?date=ge2025-01-01&date=lt2024-12-01", CAR_NK, IM83),
      Case.of("ResearchStudy?date=lt2000-01-01"),
      Case.of("ResearchStudy?date:missing=true", PLA, AUTOIMMUNE),
      Case.of("ResearchStudy?site=Location/loc-district-one-hospital-beijing-china", SARCOMA),
      Case.of("ResearchStudy?site.address-city=Wuhan", CAR_NK),
      Case.of("ResearchStudy?site:Location.address-country=China", ALL_STUDIES),
      Case.of("ResearchStudy?site.address-country=France"),
      Case.of("ResearchStudy?sponsor=Organization/org-essen-biotech", SARCOMA),
      Case.of("ResearchStudy?sponsor.name=Anhui", AUTOIMMUNE),
      Case.of("ResearchStudy?sponsor=org-nobody"),
      // overallOfficials: one principal investigator.
      Case.of("ResearchStudy?principalinvestigator=Practitioner/prac-yu-zhang", IM83),
      Case.of("ResearchStudy?principalinvestigator:missing=true", PLA, CAR_NK, AUTOIMMUNE, SARCOMA),
      Case.of("ResearchStudy?principalinvestigator=prac-nobody"),
      Case.of("ResearchStudy?protocol=PlanDefinition/" + CAR_NK + "-protocol", CAR_NK),
      Case.of("ResearchStudy?protocol=" + CAR_NK + "-protocol", CAR_NK),
      Case.of("ResearchStudy?protocol=PlanDefinition/" + SARCOMA + "-protocol," + PLA + "-protocol", SARCOMA, PLA),
      Case.of("ResearchStudy?protocol=PlanDefinition/none"),
      // ---- ResearchStudy, ours (profiles/SearchParameter-*.json)
      // conditions: SNOMED CT where condition-snomed maps the term, the registry text always.
      Case.of("ResearchStudy?condition=http://snomed.info/sct|91861009", CAR_NK),
      Case.of("ResearchStudy?condition=424413001", SARCOMA),
      Case.of("ResearchStudy?condition:text=osteosarcoma", IM83),
      Case.of("ResearchStudy?condition:text=leukemia", PLA, CAR_NK),
      Case.of("ResearchStudy?condition:text=melanoma"),
      Case.of("ResearchStudy?condition=http://snomed.info/sct|91861009&condition:text=sarcoma"),
      // phases: PHASE1, PHASE1/PHASE2, NA.
      Case.of("ResearchStudy?phase=phase-1", PLA, IM83, CAR_NK),
      Case.of("ResearchStudy?phase=http://terminology.hl7.org/CodeSystem/research-study-phase|phase-1-phase-2", SARCOMA),
      Case.of("ResearchStudy?phase=https://trialfhir.org/fhir/CodeSystem/ctgov-phase|NA", AUTOIMMUNE),
      Case.of("ResearchStudy?phase=phase-3"),
      Case.of("ResearchStudy?enrollment=Group/" + AUTOIMMUNE + "-eligibility", AUTOIMMUNE),
      Case.of("ResearchStudy?enrollment=Group/none"),
      // eligibility minimumAge/maximumAge: 12-70, >=16, 18-75, >=18, 21-90 years.
      Case.of("ResearchStudy?eligible-age=14", PLA),
      Case.of("ResearchStudy?eligible-age=17", PLA, IM83),
      Case.of("ResearchStudy?eligible-age=80", IM83, AUTOIMMUNE, SARCOMA),
      // "up to 75 Years" admits 75 years and 6 months.
      Case.of("ResearchStudy?eligible-age=75.5", IM83, CAR_NK, AUTOIMMUNE, SARCOMA),
      Case.of("ResearchStudy?eligible-age=204|http://unitsofmeasure.org|mo", PLA, IM83),
      Case.of("ResearchStudy?eligible-age=6|http://unitsofmeasure.org|mo"),
      // sex ALL in every sample: no sex characteristic, every sex admitted (SearchParamsTest covers a restriction).
      Case.of("ResearchStudy?eligible-sex=female", ALL_STUDIES),
      Case.of("ResearchStudy?eligible-sex=http://hl7.org/fhir/administrative-gender|male", ALL_STUDIES),
      Case.of("ResearchStudy?eligible-sex=female&status=withdrawn"),
      Case.of("ResearchStudy?eligible-sex:not=female"),
      // ---- the other types
      Case.of("PlanDefinition?_id=" + IM83 + "-protocol", IM83 + "-protocol"),
      Case.of("PlanDefinition?_id=nothing"),
      Case.of("PlanDefinition?_lastUpdated=gt2020-01-01",
          PLA + "-protocol", IM83 + "-protocol", CAR_NK + "-protocol", AUTOIMMUNE + "-protocol", SARCOMA + "-protocol"),
      Case.of("PlanDefinition?_lastUpdated=lt2020-01-01"),
      Case.of("PlanDefinition?url=https://trialfhir.org/fhir/PlanDefinition/" + IM83 + "-protocol", IM83 + "-protocol"),
      Case.of("PlanDefinition?url:below=https://trialfhir.org/fhir/PlanDefinition/NCT07",
          AUTOIMMUNE + "-protocol", SARCOMA + "-protocol"),
      Case.of("PlanDefinition?url=https://trialfhir.org/fhir/PlanDefinition/x"),
      Case.of("PlanDefinition?name=Protocol_" + CAR_NK, CAR_NK + "-protocol"),
      Case.of("PlanDefinition?name=Schedule"),
      Case.of("PlanDefinition?title=Treatment protocol of " + PLA, PLA + "-protocol"),
      Case.of("PlanDefinition?title=Schedule"),
      Case.of("PlanDefinition?status=active",
          PLA + "-protocol", IM83 + "-protocol", CAR_NK + "-protocol", AUTOIMMUNE + "-protocol", SARCOMA + "-protocol"),
      Case.of("PlanDefinition?status=retired"),
      // the protocol's actions point to their ActivityDefinitions by canonical URL.
      Case.of("PlanDefinition?definition=ActivityDefinition/" + IM83 + "-fludarabine", IM83 + "-protocol"),
      Case.of("PlanDefinition?definition=https://trialfhir.org/fhir/ActivityDefinition/" + IM83 + "-fludarabine",
          IM83 + "-protocol"),
      Case.of("PlanDefinition?definition=ActivityDefinition/none"),
      Case.of("ActivityDefinition?_id=" + SARCOMA + "-cyclophosphamide", SARCOMA + "-cyclophosphamide"),
      Case.of("ActivityDefinition?_id=none"),
      Case.of("ActivityDefinition?_lastUpdated=gt2020-01-01&title:exact=Cyclophosphamide",
          IM83 + "-cyclophosphamide", AUTOIMMUNE + "-cyclophosphamide", SARCOMA + "-cyclophosphamide"),
      Case.of("ActivityDefinition?_lastUpdated=lt2020-01-01"),
      Case.of("ActivityDefinition?url=https://trialfhir.org/fhir/ActivityDefinition/" + SARCOMA + "-cell-product",
          SARCOMA + "-cell-product"),
      Case.of("ActivityDefinition?url=https://trialfhir.org/fhir/ActivityDefinition/none"),
      Case.of("ActivityDefinition?name=" + IM83 + "_fludarabine", IM83 + "-fludarabine"),
      Case.of("ActivityDefinition?name=aspirin"),
      Case.of("ActivityDefinition?title=fludarabine",
          IM83 + "-fludarabine", AUTOIMMUNE + "-fludarabine", SARCOMA + "-fludarabine-phosphate"),
      Case.of("ActivityDefinition?title=aspirin"),
      Case.of("ActivityDefinition?status=active&title:exact=Fludarabine", IM83 + "-fludarabine", AUTOIMMUNE + "-fludarabine"),
      Case.of("ActivityDefinition?status=draft"),
      Case.of("Group?_id=" + PLA + "-eligibility", PLA + "-eligibility"),
      Case.of("Group?_id=none"),
      Case.of("Group?_lastUpdated=gt2020-01-01&_id=" + PLA + "-eligibility", PLA + "-eligibility"),
      Case.of("Group?_lastUpdated=lt2020-01-01"),
      // every Group has an age characteristic (LOINC 30525-0); no sample restricts sex (LOINC 46098-0).
      Case.of("Group?characteristic=http://loinc.org|30525-0", PLA + "-eligibility", IM83 + "-eligibility",
          CAR_NK + "-eligibility", AUTOIMMUNE + "-eligibility", SARCOMA + "-eligibility"),
      Case.of("Group?characteristic=http://loinc.org|46098-0"),
      // eligibility healthyVolunteers false, stated by three records.
      Case.of("Group?value=false", IM83 + "-eligibility", CAR_NK + "-eligibility", SARCOMA + "-eligibility"),
      Case.of("Group?value:text=hepatitis", PLA + "-eligibility", IM83 + "-eligibility", SARCOMA + "-eligibility"),
      Case.of("Group?value:text=pregnancyxyz"),
      Case.of("Group?exclude=true&_id=" + CAR_NK + "-eligibility", CAR_NK + "-eligibility"),
      Case.of("Group?exclude:missing=true"),
      Case.of("Group?actual=false&_id=" + SARCOMA + "-eligibility", SARCOMA + "-eligibility"),
      Case.of("Group?actual=true"),
      Case.of("Group?type=person&_id=" + SARCOMA + "-eligibility", SARCOMA + "-eligibility"),
      Case.of("Group?type=animal"),
      Case.of("Organization?_id=org-essen-biotech", "org-essen-biotech"),
      Case.of("Organization?_id=org-nobody"),
      Case.of("Organization?_lastUpdated=gt2020-01-01&name=Essen", "org-essen-biotech"),
      Case.of("Organization?_lastUpdated=lt2020-01-01"),
      Case.of("Organization?name=anhui", "org-anhui-provincial-hospital"),
      Case.of("Organization?name=Zzz"),
      Case.of("Location?_id=loc-anhui-provincial-hospital-hefei-china", "loc-anhui-provincial-hospital-hefei-china"),
      Case.of("Location?_id=loc-nowhere"),
      Case.of("Location?_lastUpdated=gt2020-01-01&address-city=Hefei", "loc-anhui-provincial-hospital-hefei-china"),
      Case.of("Location?_lastUpdated=lt2020-01-01"),
      Case.of("Location?name=Anhui Provincial", "loc-anhui-provincial-hospital-hefei-china"),
      Case.of("Location?name=Mayo"),
      Case.of("Location?address=Hefei", "loc-anhui-provincial-hospital-hefei-china"),
      Case.of("Location?address=Paris"),
      Case.of("Location?address-city=Wuhan", "loc-tongji-hospital-tongji-medical-college-huazhong-uni-dd1b493b"),
      Case.of("Location?address-city=Paris"),
      Case.of("Location?address-state=Hubei", "loc-tongji-hospital-tongji-medical-college-huazhong-uni-dd1b493b"),
      Case.of("Location?address-state=Texas"),
      Case.of("Location?address-country=China&address-city=Beijing",
          "loc-biotherapeutic-department-and-hematology-department-583cdc3c", "loc-district-one-hospital-beijing-china"),
      Case.of("Location?address-country=France"),
      Case.of("Practitioner?_id=prac-yu-zhang", "prac-yu-zhang"),
      Case.of("Practitioner?_id=prac-nobody"),
      Case.of("Practitioner?_lastUpdated=gt2020-01-01", "prac-yu-zhang"),
      Case.of("Practitioner?_lastUpdated=lt2020-01-01"),
      Case.of("Practitioner?name=Yu Zhang", "prac-yu-zhang"),
      Case.of("Practitioner?name=Smith"),
      // ---- conformance resources (profiles/ and mappings/)
      Case.of("StructureDefinition?_id=study-day", "study-day"),
      Case.of("StructureDefinition?_id=none"),
      Case.of("StructureDefinition?_lastUpdated=gt2020-01-01&_id=study-day", "study-day"),
      Case.of("StructureDefinition?_lastUpdated=lt2020-01-01"),
      Case.of("StructureDefinition?url=https://trialfhir.org/fhir/StructureDefinition/study-day", "study-day"),
      Case.of("StructureDefinition?url=https://trialfhir.org/fhir/StructureDefinition/none"),
      Case.of("StructureDefinition?name=StudyDay&type=Extension", "study-day"),
      Case.of("StructureDefinition?name=Nothing"),
      Case.of("StructureDefinition?title:contains=study day&status=active", "study-day"),
      Case.of("StructureDefinition?title=Nothing"),
      Case.of("StructureDefinition?status=retired"),
      Case.of("StructureDefinition?version=0.1.0&_id=study-day", "study-day"),
      Case.of("StructureDefinition?version=9.9.9"),
      Case.of("StructureDefinition?type=Patient"),
      Case.of("ValueSet?_id=ctgov-phase", "ctgov-phase"),
      Case.of("ValueSet?_id=none"),
      Case.of("ValueSet?_lastUpdated=gt2020-01-01&_id=ctgov-phase", "ctgov-phase"),
      Case.of("ValueSet?_lastUpdated=lt2020-01-01"),
      Case.of("ValueSet?url=https://trialfhir.org/fhir/ValueSet/ctgov-phase", "ctgov-phase"),
      Case.of("ValueSet?url=https://trialfhir.org/fhir/ValueSet/none"),
      Case.of("ValueSet?name=CtgovPhase", "ctgov-phase"),
      Case.of("ValueSet?name=Nothing"),
      Case.of("ValueSet?title=CT.gov Study Phase", "ctgov-phase"),
      Case.of("ValueSet?title=Nothing"),
      Case.of("ValueSet?status=active&_id=ctgov-phase", "ctgov-phase"),
      Case.of("ValueSet?status=retired"),
      Case.of("ValueSet?version=0.1.0&_id=ctgov-phase", "ctgov-phase"),
      Case.of("ValueSet?version=9.9.9"),
      Case.of("CodeSystem?_id=ctgov-phase", "ctgov-phase"),
      Case.of("CodeSystem?_id=none"),
      Case.of("CodeSystem?_lastUpdated=gt2020-01-01&_id=ctgov-phase", "ctgov-phase"),
      Case.of("CodeSystem?_lastUpdated=lt2020-01-01"),
      Case.of("CodeSystem?url=https://trialfhir.org/fhir/CodeSystem/ctgov-phase", "ctgov-phase"),
      Case.of("CodeSystem?url=https://trialfhir.org/fhir/CodeSystem/none"),
      Case.of("CodeSystem?name=CtgovPhase", "ctgov-phase"),
      Case.of("CodeSystem?name=Nothing"),
      Case.of("CodeSystem?title=CT.gov Study Phase", "ctgov-phase"),
      Case.of("CodeSystem?title=Nothing"),
      Case.of("CodeSystem?status=active&_id=ctgov-phase", "ctgov-phase"),
      Case.of("CodeSystem?status=retired"),
      Case.of("CodeSystem?version=0.1.0&_id=ctgov-phase", "ctgov-phase"),
      Case.of("CodeSystem?version=9.9.9"),
      Case.of("ConceptMap?_id=ctgov-overall-status", "ctgov-overall-status"),
      Case.of("ConceptMap?_id=none"),
      Case.of("ConceptMap?_lastUpdated=gt2020-01-01&_id=ctgov-overall-status", "ctgov-overall-status"),
      Case.of("ConceptMap?_lastUpdated=lt2020-01-01"),
      Case.of("ConceptMap?url=https://trialfhir.org/fhir/ConceptMap/ctgov-overall-status", "ctgov-overall-status"),
      Case.of("ConceptMap?url=https://trialfhir.org/fhir/ConceptMap/none"),
      Case.of("ConceptMap?name:exact=CtgovOverallStatus", "ctgov-overall-status"),
      Case.of("ConceptMap?name=Nothing"),
      Case.of("ConceptMap?title:contains=overall status", "ctgov-overall-status"),
      Case.of("ConceptMap?title=Nothing"),
      Case.of("ConceptMap?status=active&_id=ctgov-overall-status", "ctgov-overall-status"),
      Case.of("ConceptMap?status=retired"),
      Case.of("ConceptMap?version=0.1.0&_id=ctgov-overall-status", "ctgov-overall-status"),
      Case.of("ConceptMap?version=9.9.9"),
      Case.of("SearchParameter?_id=eligible-age", "eligible-age"),
      Case.of("SearchParameter?_id=none"),
      Case.of("SearchParameter?_lastUpdated=gt2020-01-01&_id=eligible-age", "eligible-age"),
      Case.of("SearchParameter?_lastUpdated=lt2020-01-01"),
      Case.of("SearchParameter?url=https://trialfhir.org/fhir/SearchParameter/eligible-sex", "eligible-sex"),
      Case.of("SearchParameter?url=https://trialfhir.org/fhir/SearchParameter/none"),
      Case.of("SearchParameter?name=ResearchStudyCondition", "condition"),
      Case.of("SearchParameter?name=Nothing"),
      Case.of("SearchParameter?status=active&code=phase", "phase"),
      Case.of("SearchParameter?status=retired"),
      Case.of("SearchParameter?version=0.1.0&code=enrollment", "enrollment"),
      Case.of("SearchParameter?version=9.9.9"),
      Case.of("SearchParameter?code=eligible-age", "eligible-age"),
      Case.of("SearchParameter?code=nothing"),
      Case.of("SearchParameter?base=ResearchStudy", "condition", "eligible-age", "eligible-sex", "enrollment", "phase"),
      Case.of("SearchParameter?base=Patient"),
      Case.of("OperationDefinition?_id=ConceptMap-translate", "ConceptMap-translate"),
      Case.of("OperationDefinition?_id=none"),
      Case.of("OperationDefinition?_lastUpdated=gt2020-01-01&_id=CodeSystem-lookup", "CodeSystem-lookup"),
      Case.of("OperationDefinition?_lastUpdated=lt2020-01-01"),
      Case.of("OperationDefinition?url=https://trialfhir.org/fhir/OperationDefinition/ValueSet-expand", "ValueSet-expand"),
      Case.of("OperationDefinition?url=https://trialfhir.org/fhir/OperationDefinition/none"),
      Case.of("OperationDefinition?name=ConceptMapTranslate", "ConceptMap-translate"),
      Case.of("OperationDefinition?name=Nothing"),
      Case.of("OperationDefinition?title:contains=our ConceptMaps", "ConceptMap-translate"),
      Case.of("OperationDefinition?title=Nothing"),
      Case.of("OperationDefinition?status=active&code=lookup", "CodeSystem-lookup"),
      Case.of("OperationDefinition?status=retired"),
      Case.of("OperationDefinition?version=0.1.0&code=expand", "ValueSet-expand"),
      Case.of("OperationDefinition?version=9.9.9"),
      Case.of("OperationDefinition?code=validate", "Resource-validate"),
      Case.of("OperationDefinition?_id=match", "match"),
      Case.of("OperationDefinition?code=match&status=active", "match"),
      Case.of("OperationDefinition?code=nothing"));
}
