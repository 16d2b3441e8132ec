package org.trialfhir.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.hapi.converters.canonical.VersionCanonicalizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.validator.ProfileKnowledgeWorkerR5;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r5.conformance.profile.ProfileUtilities;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.utilities.validation.ValidationMessage.IssueSeverity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trialfhir.testing.Conversions;

/**
 * The conformance resources in {@code profiles/} against the chain and the converter's output: each
 * StructureDefinition's snapshot generates without an error message (HAPI's snapshot support drops the messages, so
 * they are collected here), every profile and extension a converted Bundle uses is defined in {@code profiles/} or
 * base R4, and every coding of our CodeSystems it holds is a code of that CodeSystem.
 */
class ProfilesTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();
  private static final String PROFILES = "profiles/";
  private static final String OUR_CODE_SYSTEMS = "https://trialfhir.org/fhir/CodeSystem/";

  /** The differential-only StructureDefinitions of {@code profiles/}, by file name, as shipped. */
  static Stream<String> structureDefinitionFiles() {
    return shipped().keySet().stream();
  }

  private static Map<String, StructureDefinition> shipped() {
    Map<String, StructureDefinition> byFile = new TreeMap<>();
    for (ValidationSupportFactory.Source source : ValidationSupportFactory.classpathSources()) {
      if (source.name().startsWith(PROFILES)
          && CTX.newJsonParser().parseResource(source.json()) instanceof StructureDefinition sd) {
        byFile.put(source.name(), sd);
      }
    }
    return byFile;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structureDefinitionFiles")
  void snapshotGeneratesWithoutErrors(String file) {
    StructureDefinition sd = shipped().get(file);
    assertFalse(sd.hasSnapshot(), file + ": profiles/ holds differentials; the snapshot is generated at start-up");
    IWorkerContext worker = ValidationSupportFactory.conformance(CTX).workerContext();
    org.hl7.fhir.r5.model.StructureDefinition derived = new VersionCanonicalizer(CTX).structureDefinitionToCanonical(sd);
    org.hl7.fhir.r5.model.StructureDefinition base =
        worker.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, sd.getBaseDefinition());
    assertTrue(base != null && base.hasSnapshot(), file + ": base " + sd.getBaseDefinition() + " has no snapshot");

    List<ValidationMessage> messages = new ArrayList<>();
    new ProfileUtilities(worker, messages, new ProfileKnowledgeWorkerR5(CTX))
        .generateSnapshot(base, derived, sd.getUrl(), null, sd.getName());

    List<String> errors = messages.stream()
        .filter(m -> m.getLevel() == IssueSeverity.ERROR || m.getLevel() == IssueSeverity.FATAL)
        .map(m -> m.getLocation() + ": " + m.getMessage())
        .toList();
    assertEquals(List.of(), errors, file);
    assertTrue(derived.getSnapshot().getElement().size() > derived.getDifferential().getElement().size(), file);
  }

  @Test
  void everyExtensionAndProfileAConvertedBundleUsesIsDefined() {
    Set<String> ours = shipped().values().stream().map(StructureDefinition::getUrl).collect(Collectors.toSet());
    DefaultProfileValidationSupport baseR4 = new DefaultProfileValidationSupport(CTX);
    Map<String, Set<String>> undefined = new TreeMap<>();
    for (Path input : Conversions.inputs()) {
      Bundle bundle = Conversions.of(input).bundle();
      Set<String> used = new TreeSet<>();
      bundle.getEntry().forEach(entry -> used.addAll(extensionUrls(entry.getResource())));
      for (String url : used) {
        if (!ours.contains(url) && !(baseR4.fetchStructureDefinition(url) instanceof StructureDefinition sd
            && "Extension".equals(sd.getType()))) {
          undefined.computeIfAbsent(url, u -> new TreeSet<>()).add(input.getParent().getFileName().toString());
        }
      }
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        for (CanonicalType profile : entry.getResource().getMeta().getProfile()) {
          if (!ours.contains(profile.getValue())) {
            undefined.computeIfAbsent(profile.getValue(), u -> new TreeSet<>())
                .add(input.getParent().getFileName().toString());
          }
        }
      }
    }
    assertEquals(Map.of(), undefined, "URLs used by converted Bundles with no StructureDefinition in profiles/ "
        + "or base R4, and the cases that use them");
  }

  /**
   * Codings of our CodeSystems in converted Bundles: the code exists and the display is the CodeSystem's. The
   * validator cannot be relied on for this: with the chain accepting a CodeableConcept when one of its codings is in
   * the bound ValueSet (FHIR's rule), HAPI drops the issues of the other codings, unknown codes included.
   */
  @Test
  void everyCodingOfOurCodeSystemsInAConvertedBundleIsDefined() {
    Map<String, Map<String, String>> displays = new TreeMap<>();
    for (ValidationSupportFactory.Source source : ValidationSupportFactory.classpathSources()) {
      if (source.name().startsWith(PROFILES)
          && CTX.newJsonParser().parseResource(source.json()) instanceof CodeSystem cs) {
        Map<String, String> byCode = new TreeMap<>();
        cs.getConcept().forEach(c -> byCode.put(c.getCode(), c.getDisplay()));
        displays.put(cs.getUrl(), byCode);
      }
    }
    Set<String> problems = new TreeSet<>();
    for (Path input : Conversions.inputs()) {
      for (Bundle.BundleEntryComponent entry : Conversions.of(input).bundle().getEntry()) {
        for (Coding coding : CTX.newTerser().getAllPopulatedChildElementsOfType(entry.getResource(), Coding.class)) {
          if (coding.getSystem() == null || !coding.getSystem().startsWith(OUR_CODE_SYSTEMS)) {
            continue;
          }
          Map<String, String> codes = displays.get(coding.getSystem());
          String where = input.getParent().getFileName() + " " + coding.getSystem() + "#" + coding.getCode();
          if (codes == null) {
            problems.add(where + ": no CodeSystem in profiles/");
          } else if (!codes.containsKey(coding.getCode())) {
            problems.add(where + ": no such code");
          } else if (coding.hasDisplay() && !coding.getDisplay().equals(codes.get(coding.getCode()))) {
            problems.add(where + ": display '" + coding.getDisplay() + "', CodeSystem says '"
                + codes.get(coding.getCode()) + "'");
          }
        }
      }
    }
    assertEquals(Set.of(), problems);
  }

  /** Every extension URL in a resource tree, sub-extensions of complex extensions (relative URLs) left out. */
  private static Set<String> extensionUrls(IBaseResource resource) {
    Set<String> urls = new TreeSet<>();
    for (Extension extension : CTX.newTerser().getAllPopulatedChildElementsOfType(resource, Extension.class)) {
      if (extension.getUrl().contains(":")) {
        urls.add(extension.getUrl());
      }
    }
    return urls;
  }
}
