package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.fhir.ucum.UcumEssenceService;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConceptMapsTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();
  private static final Set<String> EXPECTED_IDS = Set.of(
      "ctgov-overall-status", "ctgov-phase", "ctgov-study-type", "ctgov-primary-purpose", "ctgov-allocation",
      "ctgov-intervention-model", "ctgov-masking", "ctgov-intervention-type", "ctgov-arm-type", "ctgov-sex",
      "drug-rxnorm", "analyte-loinc", "unit-ucum", "condition-snomed", "route-snomed", "eligibility-topic",
      "result-polarity", "icd10cm-snomed", "observation-analyte");

  private static ConceptMaps maps;

  @BeforeAll
  static void load() {
    maps = ConceptMaps.load(CTX);
  }

  @Test
  void everyMapHasTheCanonicalUrlOfItsId() {
    Set<String> ids = maps.all().stream().map(m -> m.getIdElement().getIdPart()).collect(Collectors.toSet());
    assertTrue(ids.containsAll(EXPECTED_IDS), "missing maps: " + EXPECTED_IDS.stream().filter(Predicate.not(ids::contains)).toList());
    for (ConceptMap map : maps.all()) {
      String id = map.getIdElement().getIdPart();
      assertEquals(ConceptMaps.CANONICAL_BASE + id, map.getUrl(), id);
      assertFalse(map.getGroup().isEmpty(), id);
    }
  }

  @Test
  void terminologyMapsCarryTheProjectMetadata() {
    for (String id : EXPECTED_IDS) {
      ConceptMap map = map(id);
      assertEquals(PublicationStatus.ACTIVE, map.getStatus(), id);
      assertFalse(map.getExperimental(), id);
      assertEquals("trialfhir", map.getPublisher(), id);
      assertEquals("0.1.0", map.getVersion(), id);
      assertTrue(map.hasName() && map.hasTitle() && map.hasDescription(), id + " needs name, title and description");
      for (SourceElementComponent element : map.getGroupFirstRep().getElement()) {
        assertTrue(element.hasDisplay(), id + "/" + element.getCode() + ": no display");
        for (TargetElementComponent target : element.getTarget()) {
          assertTrue(target.getEquivalence() == ConceptMapEquivalence.UNMATCHED || target.hasDisplay(),
              id + "/" + element.getCode() + ": target without display");
        }
      }
    }
  }

  @Test
  void everyElementIsWellFormed() {
    for (ConceptMap map : maps.all()) {
      String id = map.getIdElement().getIdPart();
      for (ConceptMapGroupComponent group : map.getGroup()) {
        assertTrue(group.hasTarget(), id + ": group without target system");
        for (SourceElementComponent element : group.getElement()) {
          String where = id + "/" + element.getCode();
          assertFalse(element.getTarget().isEmpty(), where + ": no target");
          for (TargetElementComponent target : element.getTarget()) {
            ConceptMapEquivalence equivalence = target.getEquivalence();
            assertNotNull(equivalence, where + ": no equivalence");
            if (equivalence == ConceptMapEquivalence.UNMATCHED) {
              assertFalse(target.hasCode(), where + ": unmatched target with a code");
              assertTrue(target.hasComment(), where + ": unmatched target without a comment");
            } else {
              assertTrue(target.hasCode(), where + ": target without code");
            }
            if (equivalence == ConceptMapEquivalence.NARROWER || equivalence == ConceptMapEquivalence.INEXACT) {
              // R4 invariant cmd-1
              assertTrue(target.hasComment(), where + ": " + equivalence.toCode() + " needs a comment");
            }
          }
          // What translate returns carries the group's target system.
          Optional<Coding> coding = maps.translate(id, element.getCode());
          coding.ifPresent(c -> assertEquals(group.getTarget(), c.getSystem(), where));
          assertTrue(maps.knows(id, element.getCode()), where);
        }
      }
    }
  }

  @Test
  void ctgovMapsCoverEveryCodeOfTheirSourceCodeSystem() {
    Map<String, CodeSystem> systems = ctgovCodeSystems();
    Set<String> enumMaps = EXPECTED_IDS.stream().filter(id -> id.startsWith("ctgov-")).collect(Collectors.toSet());
    assertTrue(systems.keySet().containsAll(enumMaps), "one CodeSystem per CT.gov enum map: " + systems.keySet());
    Set<String> mapIds = maps.all().stream().map(m -> m.getIdElement().getIdPart()).collect(Collectors.toSet());
    for (CodeSystem system : systems.values()) {
      String id = system.getIdElement().getIdPart();
      if (!mapIds.contains(id)) {
        continue; // a registry vocabulary carried as codes, with no map to translate it
      }
      assertEquals("https://trialfhir.org/fhir/CodeSystem/" + id, system.getUrl());
      assertEquals(CodeSystem.CodeSystemContentMode.COMPLETE, system.getContent(), id);
      ConceptMap map = map(id);
      assertEquals(system.getUrl(), map.getGroupFirstRep().getSource(), id + ": group source");
      Set<String> mapped = map.getGroupFirstRep().getElement().stream()
          .map(SourceElementComponent::getCode).collect(Collectors.toCollection(TreeSet::new));
      Set<String> defined = new TreeSet<>();
      for (CodeSystem.ConceptDefinitionComponent concept : system.getConcept()) {
        if (enumMaps.contains(id)) {
          assertTrue(concept.hasDisplay() && concept.hasDefinition(), id + "/" + concept.getCode());
        }
        defined.add(concept.getCode());
      }
      assertEquals(defined, mapped, id + ": map elements must be exactly the CodeSystem's codes");
    }
  }

  @Test
  void overallStatusAlwaysHasATarget() {
    // ResearchStudy.status is 1..1: every registry status needs a target, UNKNOWN included.
    for (SourceElementComponent element : map("ctgov-overall-status").getGroupFirstRep().getElement()) {
      assertTrue(maps.translate("ctgov-overall-status", element.getCode()).isPresent(), element.getCode());
    }
    assertEquals("active", code("ctgov-overall-status", "RECRUITING"));
    assertEquals("closed-to-accrual", code("ctgov-overall-status", "UNKNOWN"));
    assertEquals("http://hl7.org/fhir/research-study-status",
        maps.translate("ctgov-overall-status", "RECRUITING").orElseThrow().getSystem());
  }

  @Test
  void spotChecks() {
    assertEquals("phase-1-phase-2", code("ctgov-phase", "PHASE1/PHASE2"));
    assertEquals("phase-2-phase-3", code("ctgov-phase", "PHASE2/PHASE3"));
    assertEquals("n-a", code("ctgov-phase", "NA"));
    assertEquals("MedicationRequest", code("ctgov-intervention-type", "BIOLOGICAL"));
    assertEquals("female", code("ctgov-sex", "FEMALE"));
    assertEquals("24698", code("drug-rxnorm", "fludarabine"));
    assertEquals("3002", code("drug-rxnorm", "Cyclophosphamide"));
    assertEquals("89247-1", code("analyte-loinc", "ECOG performance status"));
    assertEquals("47625008", code("route-snomed", "IV"));
    assertEquals("{cells}/kg", code("unit-ucum", "CAR-positive cells/kg"));
    assertEquals("a", code("unit-ucum", "YEARS"));
    assertEquals("{ULN}", code("unit-ucum", "×ULN"));
  }

  @Test
  void lookupIsCaseInsensitiveWithWhiteSpaceFolded() {
    Coding anc = maps.translate("analyte-loinc", "ANC").orElseThrow();
    assertEquals("http://loinc.org", anc.getSystem());
    assertEquals("751-8", anc.getCode());
    assertEquals("Neutrophils [#/volume] in Blood by Automated count", anc.getDisplay());
    assertEquals("777-3", code("analyte-loinc", "  Platelet \t  Count\u00a0"));
    assertEquals("91861009", code("condition-snomed", "Acute Myeloid Leukemia"));
    assertEquals("109385007", code("condition-snomed", "Sarcoma, Kaposi"));
  }

  @Test
  void unitSpellingsMapToUcum() {
    assertEquals("mg/m2", code("unit-ucum", "mg/m²"));
    assertEquals("mg/m2", code("unit-ucum", "mg/ m^2"));
    assertEquals("10*9/L", code("unit-ucum", "×109/L"));
    assertEquals("10*9/L", code("unit-ucum", "x 10^9/L"));
    assertEquals("mm[Hg]", code("unit-ucum", "mmHg"));
    assertEquals("umol/L", code("unit-ucum", "μmol/L"));
  }

  @Test
  void everyUcumTargetParses() throws Exception {
    try (InputStream essence = ConceptMapsTest.class.getResourceAsStream("/ucum-essence.xml")) {
      assertNotNull(essence, "ucum-essence.xml (org.fhir:ucum) on the test classpath");
      UcumEssenceService ucum = new UcumEssenceService(essence);
      for (Coding target : targets("unit-ucum")) {
        assertNull(ucum.validate(target.getCode()), target.getCode() + " is not valid UCUM");
      }
    }
  }

  @Test
  void loincAndSnomedCodesCarryValidCheckDigits() {
    // Guards against typing errors: LOINC's mod-10 check digit, SNOMED CT's Verhoeff check digit.
    for (Coding target : targets("analyte-loinc")) {
      assertTrue(target.getCode().matches("\\d{1,7}-\\d") && loincCheckDigitValid(target.getCode()), target.getCode());
    }
    for (String id : List.of("condition-snomed", "route-snomed")) {
      for (Coding target : targets(id)) {
        assertTrue(target.getCode().matches("\\d{6,18}") && verhoeffValid(target.getCode()), id + ": " + target.getCode());
      }
    }
    for (Coding target : targets("drug-rxnorm")) {
      assertTrue(target.getCode().matches("\\d+"), target.getCode());
    }
  }

  @Test
  void matcherMapsCarryValidCodesInEveryGroup() {
    // The matcher's maps have several groups, one per code system: check every group's source and target codes.
    for (String id : List.of("eligibility-topic", "result-polarity", "icd10cm-snomed", "observation-analyte")) {
      for (ConceptMapGroupComponent group : map(id).getGroup()) {
        for (SourceElementComponent element : group.getElement()) {
          assertCode(id, group.getSource(), element.getCode());
          element.getTarget().stream().filter(TargetElementComponent::hasCode)
              .forEach(target -> assertCode(id, group.getTarget(), target.getCode()));
        }
      }
    }
  }

  private static void assertCode(String map, String system, String code) {
    String where = map + ": " + system + "|" + code;
    if ("http://snomed.info/sct".equals(system)) {
      assertTrue(code.matches("\\d{6,18}") && verhoeffValid(code), where);
    } else if ("http://loinc.org".equals(system) && !code.startsWith("LA")) {
      assertTrue(code.matches("\\d{1,7}-\\d") && loincCheckDigitValid(code), where);
    } else if ("http://loinc.org".equals(system)) {
      assertTrue(code.matches("LA\\d{1,6}-\\d"), where); // answer codes: no mod-10 check digit to test
    } else if ("http://hl7.org/fhir/sid/icd-10-cm".equals(system)) {
      assertTrue(code.matches("[A-Z]\\d{2}(\\.[0-9A-Z]{1,4})?"), where);
    }
  }

  @Test
  void unmatchedTermIsKnownButHasNoTarget() {
    assertEquals(Optional.empty(), maps.translate("ctgov-sex", "ALL"));
    assertTrue(maps.knows("ctgov-sex", "ALL"));
    assertEquals(Optional.empty(), maps.translate("ctgov-primary-purpose", "ECT"));
    assertTrue(maps.knows("ctgov-primary-purpose", "ect"));
    assertTrue(maps.knows("analyte-loinc", "Expected survival"));
    assertEquals(Optional.empty(), maps.translate("analyte-loinc", "Expected survival"));
  }

  @Test
  void unknownTermIsNeitherTranslatedNorKnown() {
    assertEquals(Optional.empty(), maps.translate("drug-rxnorm", "unobtainium"));
    assertFalse(maps.knows("drug-rxnorm", "unobtainium"));
    assertEquals(Optional.empty(), maps.translate("drug-rxnorm", null));
    assertFalse(maps.knows("drug-rxnorm", null));
    // No partial matches: a term inside a longer phrase is not the phrase.
    assertFalse(maps.knows("drug-rxnorm", "fludarabine 30 mg/m2"));
  }

  @Test
  void unknownMapIdFailsLoudly() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> maps.translate("no-such-map", "X"));
    assertTrue(e.getMessage().contains("no-such-map"), e.getMessage());
  }

  @Test
  void translateReturnsACopy() {
    maps.translate("ctgov-phase", "PHASE1").orElseThrow().setCode("changed");
    assertEquals("phase-1", code("ctgov-phase", "PHASE1"));
  }

  @Test
  void sourceCodesKeepFileOrder() {
    List<String> drugs = maps.sourceCodes("drug-rxnorm");
    assertEquals("fludarabine", drugs.get(0));
    assertTrue(drugs.contains("alemtuzumab"));
    assertThrows(UnsupportedOperationException.class, () -> drugs.add("x"));
  }

  @Test
  void classpathFolderListsDirectFilesOnly() {
    List<String> paths = ClasspathFolder.list("mappings");
    assertTrue(paths.contains("mappings/ConceptMap-ctgov-phase.json"), paths.toString());
    assertEquals(paths.stream().sorted().toList(), paths);
    assertTrue(paths.stream().allMatch(p -> p.startsWith("mappings/") && p.indexOf('/', "mappings/".length()) < 0));
    assertEquals(paths, ClasspathFolder.list("/mappings/"));
    assertEquals(List.of(), ClasspathFolder.list("no-such-folder"));
  }

  @Test
  void foldCollapsesWhiteSpaceAndCase() {
    assertEquals("x 10^9/l", ConceptMaps.fold("  X \t10^9/L  "));
    assertEquals("", ConceptMaps.fold(" \u00a0 "));
  }

  private static String code(String mapId, String source) {
    return maps.translate(mapId, source).map(Coding::getCode).orElse(null);
  }

  private static ConceptMap map(String id) {
    return maps.all().stream().filter(m -> m.getIdElement().getIdPart().equals(id)).findFirst().orElseThrow();
  }

  private static List<Coding> targets(String mapId) {
    List<Coding> out = new ArrayList<>();
    for (SourceElementComponent element : map(mapId).getGroupFirstRep().getElement()) {
      maps.translate(mapId, element.getCode()).ifPresent(out::add);
    }
    assertFalse(out.isEmpty(), mapId);
    return out;
  }

  private static Map<String, CodeSystem> ctgovCodeSystems() {
    Map<String, CodeSystem> out = new TreeMap<>();
    for (String path : ClasspathFolder.list("profiles")) {
      String file = path.substring(path.lastIndexOf('/') + 1);
      if (!file.startsWith("CodeSystem-ctgov-")) {
        continue;
      }
      try (InputStream in = ConceptMapsTest.class.getClassLoader().getResourceAsStream(path);
          Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        CodeSystem system = CTX.newJsonParser().parseResource(CodeSystem.class, reader);
        out.put(system.getIdElement().getIdPart(), system);
      } catch (IOException e) {
        throw new AssertionError(path, e);
      }
    }
    return out;
  }

  /** LOINC's mod-10 (Luhn) check digit over the digits before the hyphen. */
  private static boolean loincCheckDigitValid(String code) {
    String digits = code.substring(0, code.indexOf('-'));
    int sum = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(digits.length() - 1 - i) - '0';
      if (i % 2 == 0) {
        d *= 2;
        sum += d / 10 + d % 10;
      } else {
        sum += d;
      }
    }
    return (10 - sum % 10) % 10 == code.charAt(code.length() - 1) - '0';
  }

  private static final int[][] VERHOEFF_D = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
    {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
    {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};

  /** SNOMED CT identifiers end in a Verhoeff check digit. */
  private static boolean verhoeffValid(String id) {
    // The permutation table: row i is the base permutation applied i times.
    int[] base = {1, 5, 7, 6, 2, 8, 3, 0, 9, 4};
    int[][] p = new int[8][10];
    for (int j = 0; j < 10; j++) {
      p[0][j] = j;
    }
    for (int i = 1; i < 8; i++) {
      for (int j = 0; j < 10; j++) {
        p[i][j] = base[p[i - 1][j]];
      }
    }
    int c = 0;
    for (int i = 0; i < id.length(); i++) {
      c = VERHOEFF_D[c][p[i % 8][id.charAt(id.length() - 1 - i) - '0']];
    }
    return c == 0;
  }
}
