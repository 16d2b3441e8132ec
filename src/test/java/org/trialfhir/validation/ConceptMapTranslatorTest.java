package org.trialfhir.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport.TranslateCodeRequest;
import ca.uhn.fhir.context.support.TranslateConceptResults;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.junit.jupiter.api.Test;

/**
 * {@link ConceptMapTranslator} on small maps (the R4 rules one by one), and through the shared chain, which answers
 * {@code translateConcept} from the ConceptMaps of mappings/.
 */
class ConceptMapTranslatorTest {
  private static final String FROM = "https://example.org/from";
  private static final String TO = "https://example.org/to";

  @Test
  void theSharedChainTranslatesThroughOurMaps() {
    TranslateConceptResults results = ValidationSupportFactory.chain(FhirContext.forR4Cached()).translateConcept(
        new TranslateCodeRequest(List.of(new Coding("https://trialfhir.org/fhir/CodeSystem/ctgov-phase", "PHASE1", null)),
            null));
    assertTrue(results.getResult());
    assertEquals(1, results.size());
    // CT.gov PHASE1 is R4 phase-1 (ConceptMap/ctgov-phase).
    assertEquals("http://terminology.hl7.org/CodeSystem/research-study-phase|phase-1 equivalent",
        results.getResults().get(0).getSystem() + "|" + results.getResults().get(0).getCode() + " "
            + results.getResults().get(0).getEquivalence());
    assertEquals("https://trialfhir.org/fhir/ConceptMap/ctgov-phase", results.getResults().get(0).getConceptMapUrl());
  }

  @Test
  void versionsRestrictOnlyWhereBothAreStated() {
    ConceptMap map = map("1.0", ConceptMapEquivalence.EQUIVALENT);
    assertTrue(translate(map, new Coding(FROM, "a", null).setVersion("1.0"), false).getResult());
    assertTrue(translate(map, new Coding(FROM, "a", null), false).getResult());
    TranslateConceptResults other = translate(map, new Coding(FROM, "a", null).setVersion("2.0"), false);
    assertFalse(other.getResult());
    assertTrue(other.getMessage().contains(FROM + "|a"), other.getMessage());
  }

  @Test
  void reversedEquivalencesReadFromTheOtherSide() {
    assertEquals("narrower", translate(map(null, ConceptMapEquivalence.WIDER), new Coding(TO, "b", null), true)
        .getResults().get(0).getEquivalence());
    assertEquals("subsumes", translate(map(null, ConceptMapEquivalence.SPECIALIZES), new Coding(TO, "b", null), true)
        .getResults().get(0).getEquivalence());
    TranslateConceptResults inexact = translate(map(null, ConceptMapEquivalence.INEXACT), new Coding(TO, "b", null), true);
    assertEquals("inexact", inexact.getResults().get(0).getEquivalence());
    assertEquals(FROM + "|a", inexact.getResults().get(0).getSystem() + "|" + inexact.getResults().get(0).getCode());
  }

  @Test
  void disjointAndUnmatchedTargetsAreMatchesButNoResult() {
    for (ConceptMapEquivalence none : List.of(ConceptMapEquivalence.DISJOINT, ConceptMapEquivalence.UNMATCHED)) {
      TranslateConceptResults results = translate(map(null, none), new Coding(FROM, "a", null), false);
      assertFalse(results.getResult(), none.toCode());
      assertEquals(1, results.size(), none.toCode());
    }
  }

  private static TranslateConceptResults translate(ConceptMap map, Coding coding, boolean reverse) {
    return ConceptMapTranslator.translate(List.of(map),
        new TranslateCodeRequest(List.of(coding), null, null, null, null, null, null, reverse));
  }

  /** FROM|a maps to TO|b with the given equivalence; the source version is stated when given. */
  private static ConceptMap map(String sourceVersion, ConceptMapEquivalence equivalence) {
    ConceptMap map = new ConceptMap();
    map.setUrl("https://example.org/ConceptMap/test");
    ConceptMapGroupComponent group = map.addGroup().setSource(FROM).setSourceVersion(sourceVersion).setTarget(TO);
    group.addElement().setCode("a").addTarget().setCode("b").setEquivalence(equivalence);
    return map;
  }
}
