package org.trialfhir.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;
import org.junit.jupiter.api.Test;
import org.trialfhir.corpus.CorpusFormat;
import org.trialfhir.corpus.CorpusGenerator;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.NarrativeWriter;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;

/**
 * {@link ResourceCodec}: what it stores for a converted resource is exactly what HAPI gives when the resource's JSON
 * is parsed and encoded again (the canonical form a read-back and re-write hashes the same as), although it gives
 * decimals their plain form instead of parsing; that its JSON is byte for byte HAPI's standard encoder's; and the
 * narrative it drops before an index parses stored JSON.
 */
class ResourceCodecTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();
  private static final int RECORDS = 60;

  @Test
  void storesTheParsedFormOfEveryConvertedResource() throws IOException {
    ResourceCodec codec = new ResourceCodec(CTX);
    CorpusGenerator generator = new CorpusGenerator(7, EnumSet.allOf(CorpusFormat.class));
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(CTX));
    int withExponents = 0;
    for (long index = 0; index < RECORDS; index++) {
      for (Resource resource : mapper.map(TrialReaders.standard().read(generator.render(generator.trial(index)))
          .record()).resources()) {
        String type = resource.fhirType();
        String id = resource.getIdElement().getIdPart();
        String first = parser().encodeResourceToString(resource);
        withExponents += ResourceCodec.hasExponentNumber(first) ? 1 : 0;

        ResourceCodec.Encoded stored = codec.encode(resource, type, id, false).canonical();
        // A handed-over instance is used itself, not copied, and stored the same.
        Resource given = resource.copy();
        ResourceCodec.Encoded handedOver = codec.encode(given, type, id, true).canonical();
        assertSame(given, handedOver.unstamped(), type + "/" + id);
        assertEquals(stored.sha256(), handedOver.sha256(), type + "/" + id);

        String parsedAgain = parser().encodeResourceToString(parser().parseResource(first));
        assertEquals(parsedAgain, json(stored.compressed()), type + "/" + id);
        assertEquals(parsedAgain, parser().encodeResourceToString(stored.unstamped()), type + "/" + id);
        // The caller's resource is left as it was.
        assertEquals(first, parser().encodeResourceToString(resource), type + "/" + id);
      }
    }
    assertTrue(withExponents > RECORDS / 2, withExponents + " resources with numbers in exponent form: too few to test");
  }

  @Test
  void givesDecimalsThePlainFormAParseGives() throws IOException {
    ResourceCodec codec = new ResourceCodec(CTX);
    ActivityDefinition activity = new ActivityDefinition();
    activity.addDosage().addDoseAndRate()
        .setDose(new Quantity().setValue(new BigDecimal("2.50E+9")).setUnit("{cells}"))
        .setRate(new Quantity().setValue(new BigDecimal("1E-7")));

    String stored = json(codec.encode(activity, "ActivityDefinition", "a", false).canonical().compressed());

    assertTrue(stored.contains("\"value\":2500000000,"), stored);
    assertTrue(stored.contains("\"value\":0.0000001}"), stored);
    assertFalse(ResourceCodec.hasExponentNumber(stored), stored);
    assertEquals(parser().encodeResourceToString(parser().parseResource(parser().encodeResourceToString(activity)))
        .replace("\"resourceType\":\"ActivityDefinition\",", "\"resourceType\":\"ActivityDefinition\",\"id\":\"a\","),
        stored);
  }

  /**
   * The JSON the codec writes through its own Jackson generator is byte for byte what HAPI's standard encoder writes,
   * with each narrative as the node tree a parse of its XHTML gives (not the string our narratives are written as),
   * and its stored bytes decompress to that: for the converted resources of records in every input
   * format, and for a resource made to hold what the corpus has little of: a contained resource, extensions at every
   * level, decimals in every form, and texts that need escaping in JSON and in XHTML.
   */
  @Test
  void writesTheBytesOfHapisStandardEncoder() throws IOException {
    ResourceCodec codec = new ResourceCodec(CTX);
    CorpusGenerator generator = new CorpusGenerator(11, EnumSet.allOf(CorpusFormat.class));
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(CTX));
    Set<CorpusFormat> formats = EnumSet.noneOf(CorpusFormat.class);
    List<Resource> resources = new ArrayList<>();
    for (long index = 0; index < 30; index++) {
      formats.add(generator.format(index));
      resources.addAll(mapper.map(TrialReaders.standard().read(generator.render(generator.trial(index))).record())
          .resources());
    }
    resources.add(awkwardStudy());
    resources.add(awkwardActivity());
    int narratives = 0;
    for (Resource resource : resources) {
      String key = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
      ResourceCodec.Encoded stored =
          codec.encode(resource, resource.fhirType(), resource.getIdElement().getIdPart(), false).canonical();

      // Not a copy: a copied decimal's text is its value's toString(), which may be in exponent form again.
      Resource expected = stored.unstamped();
      if (expected instanceof DomainResource domain && domain.hasText()) {
        XhtmlNode tree = new XhtmlNode();
        tree.setValueAsString(domain.getText().getDiv().getValueAsString());
        domain.getText().setDiv(tree);
        narratives++;
      }
      byte[] json = parser().encodeResourceToString(expected).getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(json, StoredCompression.decompress(stored.compressed()), key);
    }
    assertEquals(EnumSet.allOf(CorpusFormat.class), formats);
    assertEquals(resources.size(), narratives, "every resource has a narrative");
  }

  /** A study with what escapes, nests or converts awkwardly, and its narrative. */
  static ResearchStudy awkwardStudy() {
    String awkward = "\"quoted\" back\\slash / tab\t new\nline \r \u0001\u001f \u2028 <script>&amp;</script> "
        + "it's 😀 中文 é \u00a0 lone \ud800 high";
    ResearchStudy study = new ResearchStudy();
    study.setId("awkward");
    study.setTitle(awkward).setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE).setDescription(awkward);
    study.getTitleElement().addExtension("http://example.org/primitive", new StringType("on a primitive " + awkward));
    study.addCondition().setText("Leukemia & <lymphoma> 😀");
    Practitioner investigator = new Practitioner();
    investigator.setId("pi");
    investigator.addName().setText("Zoë O'Brien \"PI\"");
    study.addContained(investigator);
    study.setPrincipalInvestigator(new Reference("#pi"));
    study.addExtension("http://example.org/decimal", new DecimalType("1.50"));
    study.addExtension("http://example.org/exponent", new DecimalType("2.5E+9"));
    study.addExtension("http://example.org/quantity",
        new Quantity().setValue(new BigDecimal("-0.00012300")).setUnit("mg/m2"));
    study.addExtension("http://example.org/long", new DecimalType("12345678901234567890.1234567890"));
    Extension nested = study.addExtension().setUrl("http://example.org/nested");
    nested.addExtension("part", new StringType(awkward));
    nested.addExtension("count", new IntegerType(-3));
    study.addModifierExtension(new Extension("http://example.org/modifier", new BooleanType(true)));
    study.addArm().setName("A & B").setDescription("arm " + awkward);
    new NarrativeWriter().write(study);
    return study;
  }

  /**
   * An activity with what the codec's own writer treats apart from HAPI's: decimals in every exponent form (also in a
   * contained resource, an extension and a primitive's extension), unpaired surrogates (which a character encoder
   * turns into ?), integers at their limits, and a narrative with character references.
   */
  static ActivityDefinition awkwardActivity() {
    ActivityDefinition activity = new ActivityDefinition();
    activity.setId("awkward-activity");
    activity.setStatus(Enumerations.PublicationStatus.ACTIVE).setExperimental(false);
    activity.setTitle("pairs \ud83d\ude00 \ud83e\udd2f; unpaired: high \ud800 low \udc00 reversed \udc00\ud800 "
        + "then pair \ud800\ud83d\ude00 \\ud800 \u2028 \u2029 \u007f \u0080 \ufeff \ufffd end \udbff");
    activity.setDescription("ends unpaired \ud83d");
    activity.setPurpose("\\uD800 is text, not an escape");
    for (String dose : List.of("2.50E+9", "1E-7", "-1.2E-9", "1E+30", "0E-10", "0E+3", "1.0000E+2", "2.5e3", "5.000",
        "0.000001", "0.0000001000", "-0", "100", "12345678901234567890.12345678901234567890")) {
      Dosage dosage = activity.addDosage().setText(dose);
      dosage.addDoseAndRate().setDose(new Quantity().setValueElement(new DecimalType(dose)).setUnit("mg"));
    }
    activity.getDosageFirstRep().getDoseAndRateFirstRep().getDoseQuantity().getValueElement()
        .addExtension("http://example.org/primitive-decimal", new DecimalType("3E+2"));
    activity.addExtension("http://example.org/exponent", new DecimalType("4.5E+6"));
    activity.addExtension("http://example.org/max", new IntegerType(Integer.MAX_VALUE));
    activity.addExtension("http://example.org/min", new IntegerType(Integer.MIN_VALUE));
    activity.addExtension("http://example.org/unsigned", new UnsignedIntType(0));
    activity.addExtension("http://example.org/positive", new PositiveIntType(Integer.MAX_VALUE));
    activity.addExtension("http://example.org/false", new BooleanType(false));
    activity.addExtension("http://example.org/empty-string", new StringType(""));
    activity.addExtension().setUrl("http://example.org/no-value");
    Medication medication = new Medication();
    medication.setId("cells");
    medication.addIngredient().setStrength(new Ratio().setNumerator(new Quantity().setValue(new BigDecimal("6E+8")))
        .setDenominator(new Quantity().setValueElement(new DecimalType("1.0E-3"))));
    activity.addContained(medication);
    activity.setProduct(new Reference("#cells"));
    activity.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">"
        + "&lt;b&gt; &amp; &quot;q&quot; &#160; &#x1F600; &#169; \u00e9 \ud83d\ude00 \u2028 <b>bold</b></div>");
    return activity;
  }

  /**
   * What the codec stores for {@link #awkwardActivity} and {@link #awkwardStudy}: the bytes HAPI's encoder gives for
   * the resource's parse, where the encoder's characters go through a character encoder (an unpaired surrogate
   * becomes ?); and the copy it keeps encodes to them.
   */
  @Test
  void storesTheParsedFormOfAwkwardResources() throws IOException {
    ResourceCodec codec = new ResourceCodec(CTX);
    for (Resource resource : List.of(awkwardActivity())) {
      String key = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
      ResourceCodec.Encoded stored =
          codec.encode(resource, resource.fhirType(), resource.getIdElement().getIdPart(), false).canonical();

      String first = parser().encodeResourceToString(resource);
      byte[] parsedAgain = parser().encodeResourceToString(parser().parseResource(first))
          .getBytes(StandardCharsets.UTF_8);
      assertEquals(new String(parsedAgain, StandardCharsets.UTF_8), json(stored.compressed()), key);
      assertArrayEquals(parsedAgain, StoredCompression.decompress(stored.compressed()), key);
      assertArrayEquals(parsedAgain, parser().encodeResourceToString(stored.unstamped()).getBytes(StandardCharsets.UTF_8),
          key);
      assertTrue(json(stored.compressed()).contains("?"), key);
      assertFalse(ResourceCodec.hasExponentNumber(StoredCompression.decompress(stored.compressed())), key);
    }
  }

  @Test
  void findsEscapedSurrogatesOnlyOutsideEscapedBackslashes() {
    assertTrue(ResourceCodec.hasSurrogateEscape(bytes("{\"a\":\"x\\uD800\"}")));
    assertTrue(ResourceCodec.hasSurrogateEscape(bytes("{\"a\":\"\\\\\\udc00\"}")));
    // An escaped backslash followed by the text uD800, and escapes of other characters.
    assertFalse(ResourceCodec.hasSurrogateEscape(bytes("{\"a\":\"\\\\uD800 \\u0001 \\n \\\"D\"}")));
    assertFalse(ResourceCodec.hasSurrogateEscape(bytes("{\"a\":\"\\\\\"}")));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void withoutMemberDropsOnlyTheTopLevelMember() {
    // In the middle, as HAPI writes it; quotes, braces and "text": inside strings do not confuse it.
    assertEquals("{\"resourceType\":\"Group\",\"id\":\"g\",\"actual\":false}",
        ResourceCodec.withoutMember("{\"resourceType\":\"Group\",\"id\":\"g\",\"text\":{\"status\":\"generated\","
            + "\"div\":\"<div xmlns=\\\"x\\\">{ \\\"text\\\": ] }</div>\"},\"actual\":false}", "text"));
    // First and last member.
    assertEquals("{\"id\":\"g\"}", ResourceCodec.withoutMember("{\"text\":{\"a\":[1,{\"b\":2}]},\"id\":\"g\"}", "text"));
    assertEquals("{\"id\":\"g\"}", ResourceCodec.withoutMember("{\"id\":\"g\",\"text\":{\"a\":1}}", "text"));
    // A nested "text" (a CodeableConcept's) stays; so does a string value that reads "text":.
    String nested = "{\"condition\":[{\"text\":\"Leukemia\"}],\"title\":\"\\\"text\\\":{}\"}";
    assertEquals(nested, ResourceCodec.withoutMember(nested, "text"));
    // A primitive member.
    assertEquals("{\"a\":1}", ResourceCodec.withoutMember("{\"text\":true,\"a\":1}", "text"));
  }

  private static IParser parser() {
    return CTX.newJsonParser().setStripVersionsFromReferences(false);
  }

  private static String json(byte[] stored) {
    return new String(StoredCompression.decompress(stored), StandardCharsets.UTF_8);
  }
}
