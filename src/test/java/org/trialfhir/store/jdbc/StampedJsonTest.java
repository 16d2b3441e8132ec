package org.trialfhir.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.trialfhir.corpus.CorpusFormat;
import org.trialfhir.corpus.CorpusGenerator;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;

/**
 * {@link StampedJson}: the stored JSON with its stamps spliced in is byte for byte what HAPI writes for the stamped
 * parse of that JSON (the read the store would otherwise answer), for every converted resource; and what it cannot
 * vouch for is refused rather than guessed.
 */
class StampedJsonTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();
  private static final ResourceCodec CODEC = new ResourceCodec(CTX);
  private static final Instant WRITTEN = Instant.parse("2026-11-30T09:41:07.123Z");

  @Test
  void isHapisEncodingOfTheStampedParseForEveryConvertedResource() {
    CorpusGenerator generator = new CorpusGenerator(11, EnumSet.allOf(CorpusFormat.class));
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(CTX));
    int compared = 0;
    for (long index = 0; index < 40; index++) {
      for (Resource resource : mapper.map(TrialReaders.standard().read(generator.render(generator.trial(index)))
          .record()).resources()) {
        String type = resource.fhirType();
        String id = resource.getIdElement().getIdPart();
        byte[] stored = CODEC.encode(resource, type, id, false).canonical().compressed();
        byte[] stamped = StampedJson.fromStored(stored, type, id, 3, WRITTEN);
        String expected = store().encodeResourceToString(CODEC.decode(stored, type, id, 3, WRITTEN));
        if (ResourceCodec.hasExponentNumber(expected)) {
          assertNull(stamped, type + "/" + id + " has a number in exponent form");
          continue;
        }
        assertNotNull(stamped, type + "/" + id);
        assertEquals(expected, utf8(stamped), type + "/" + id);
        compared++;
      }
    }
    assertTrue(compared > 200, "compared " + compared);
  }

  @Test
  void stampsGoFirstIntoAnExistingMetaAndMakeOneOtherwise() {
    ResearchStudy withProfile = new ResearchStudy();
    withProfile.getMeta().addProfile("http://example.org/StructureDefinition/study");
    withProfile.setTitle("T");
    assertAgrees(withProfile);
    ResearchStudy bare = new ResearchStudy();
    bare.setTitle("T");
    assertAgrees(bare);
    // Only an id: the stamps close the object.
    assertAgrees(new ResearchStudy());
    ResearchStudy withLanguage = new ResearchStudy();
    withLanguage.setLanguage("en");
    assertAgrees(withLanguage);
  }

  @Test
  void refusesWhatItCannotVouchFor() {
    ResearchStudy metaExtension = new ResearchStudy();
    metaExtension.getMeta().addExtension(new Extension("http://example.org/x", new StringType("y")));
    assertNull(stamp(metaExtension), "meta's extensions come before versionId");

    byte[] json = "{\"resourceType\":\"ResearchStudy\",\"id\":\"s\",\"_id\":{\"extension\":[]},\"title\":\"T\"}"
        .getBytes(StandardCharsets.UTF_8);
    assertNull(StampedJson.stamped(json, "ResearchStudy", "s", 1, WRITTEN), "the id's own extensions");

    byte[] stored = "{\"resourceType\":\"ActivityDefinition\",\"id\":\"a\",\"quantity\":{\"value\":1E+6}}"
        .getBytes(StandardCharsets.UTF_8);
    assertNull(StampedJson.stamped(stored, "ActivityDefinition", "a", 1, WRITTEN), "a number in exponent form");

    byte[] other = "{\"resourceType\":\"Group\",\"id\":\"s\"}".getBytes(StandardCharsets.UTF_8);
    assertNull(StampedJson.stamped(other, "ResearchStudy", "s", 1, WRITTEN), "another type's JSON");
    assertNull(StampedJson.stamped(other, "Group", "t", 1, WRITTEN), "another id's JSON");
  }

  private static void assertAgrees(Resource resource) {
    byte[] stored = CODEC.encode(resource, "ResearchStudy", "s", false).canonical().compressed();
    assertEquals(store().encodeResourceToString(CODEC.decode(stored, "ResearchStudy", "s", 12, WRITTEN)),
        utf8(StampedJson.fromStored(stored, "ResearchStudy", "s", 12, WRITTEN)));
  }

  private static byte[] stamp(Resource resource) {
    return StampedJson.fromStored(
        CODEC.encode(resource, "ResearchStudy", "s", false).canonical().compressed(), "ResearchStudy", "s", 1, WRITTEN);
  }

  /** The store's parser: versions in references kept, as the store keeps them. */
  private static IParser store() {
    return CTX.newJsonParser().setStripVersionsFromReferences(false);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
