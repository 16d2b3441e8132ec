package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.store.InMemoryTrialStore;
import org.trialfhir.store.TrialImporter;
import org.trialfhir.store.TrialStore;

/** The hand-written searchset JSON is HAPI's byte for byte, and anything it would drop makes it decline. */
class JsonSearchsetWriterTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();
  private static final String BASE = "http://localhost:8080/fhir";
  private static TrialStore store;

  @BeforeAll
  static void load() {
    store = new InMemoryTrialStore();
    new TrialImporter(CTX, store).samples();
  }

  @Test
  void writesWhatHapisParserWritesForEveryStoredStudyAndItsEligibility() {
    Bundle bundle = searchset();
    assertTrue(JsonSearchsetWriter.canWrite(bundle));
    IParser parser = CTX.newJsonParser().setServerBaseUrl(BASE);
    List<byte[]> resources = bundle.getEntry().stream()
        .map(e -> parser.encodeResourceToString(e.getResource()).getBytes(StandardCharsets.UTF_8)).toList();
    byte[] written = JsonSearchsetWriter.skeleton(bundle).fill(resources);
    assertEquals(parser.encodeResourceToString(bundle), new String(written, StandardCharsets.UTF_8));
  }

  @Test
  void declinesABundleWithAnythingItWouldNotWrite() {
    List<Consumer<Bundle>> extras = List.of(
        b -> b.setTimestamp(new Date()),
        b -> b.getMeta().addTag().setCode("SUBSETTED"),
        b -> b.getTotalElement().addExtension("https://example.org/x", new StringType("x")),
        b -> b.getLinkFirstRep().getUrlElement().setId("u1"),
        b -> b.getEntryFirstRep().getRequest().setUrl("ResearchStudy"),
        b -> b.getEntryFirstRep().getSearch().setScore(0.5),
        b -> b.getEntryFirstRep().addLink().setRelation("alternate").setUrl("x"),
        b -> b.getIdentifier().setValue("1"),
        b -> b.getEntryFirstRep().getSearch().addModifierExtension().setUrl("https://example.org/m"),
        b -> b.getEntryFirstRep().getFullUrlElement().addExtension("https://example.org/x", new StringType("x")),
        b -> b.getMeta().setSource("#src"),
        b -> b.getLinkFirstRep().setId("l1"));
    for (Consumer<Bundle> extra : extras) {
      Bundle bundle = searchset();
      extra.accept(bundle);
      assertFalse(JsonSearchsetWriter.canWrite(bundle), () -> CTX.newJsonParser().encodeResourceToString(bundle));
    }
  }

  /** A searchset as HAPI's search builds one: each stored study a match, its eligibility Group an include. */
  private static Bundle searchset() {
    Bundle bundle = new Bundle();
    bundle.setId("8c0e6a9e-5a43-4d07-9d7e-0d1c4f0b8f41");
    bundle.getMeta().setLastUpdatedElement(new InstantType("2026-11-30T01:15:37.621+00:00"));
    bundle.setType(Bundle.BundleType.SEARCHSET);
    bundle.setTotal(store.all("ResearchStudy").size());
    bundle.addLink().setRelation("self").setUrl(BASE + "/ResearchStudy?_include=ResearchStudy%3Aenrollment");
    bundle.addLink().setRelation("next").setUrl(BASE + "?_getpages=a83f&_getpagesoffset=5&_count=5&_bundletype=searchset");
    for (Resource study : store.all("ResearchStudy")) {
      add(bundle, study, Bundle.SearchEntryMode.MATCH);
    }
    for (Resource group : store.all("Group")) {
      add(bundle, group, Bundle.SearchEntryMode.INCLUDE);
    }
    return bundle;
  }

  private static void add(Bundle bundle, Resource resource, Bundle.SearchEntryMode mode) {
    bundle.addEntry()
        .setFullUrl(resource.getIdElement().withServerBase(BASE, resource.fhirType()).toVersionless().getValue())
        .setResource(resource)
        .getSearch().setMode(mode);
  }
}
