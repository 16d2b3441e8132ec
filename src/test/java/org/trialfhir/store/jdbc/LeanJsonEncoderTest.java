package org.trialfhir.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseDecimalDatatype;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;
import org.trialfhir.corpus.CorpusFormat;
import org.trialfhir.corpus.CorpusGenerator;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;

/**
 * {@link LeanJsonEncoder} writes byte for byte what {@link ResourceCodec}'s HAPI path writes, for every resource it
 * does not leave to HAPI: the resources converted from every case, sample and corpus format, every conformance
 * resource the server loads and every golden file, and resources built to hold what the walk treats apart. It must
 * leave nothing converted to HAPI (else the speed-up is lost), and what it leaves must be what it cannot write.
 */
class LeanJsonEncoderTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();
  private final ResourceCodec codec = new ResourceCodec(CTX);
  private final LeanJsonEncoder lean = new LeanJsonEncoder(CTX);
  private final Map<String, Integer> leftToHapi = new TreeMap<>();

  @Test
  void writesHapisBytesForEveryConvertedResourceWithoutLeavingAnyToHapi() throws IOException {
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(CTX));
    List<Resource> resources = new ArrayList<>();
    List<Path> inputs = new ArrayList<>(files(Path.of("src/main/resources/samples"), ".txt"));
    inputs.addAll(files(Path.of("src/test/resources/cases"), "input.txt"));
    for (Path input : inputs) {
      resources.addAll(mapper.map(TrialReaders.standard().read(input).record()).resources());
    }
    CorpusGenerator generator = new CorpusGenerator(5, EnumSet.allOf(CorpusFormat.class));
    for (long index = 0; index < 40; index++) {
      resources.addAll(mapper.map(TrialReaders.standard().read(generator.render(generator.trial(index))).record())
          .resources());
    }
    int written = 0;
    for (Resource resource : resources) {
      resource.setIdElement(new IdType(resource.fhirType(), resource.getIdElement().getIdPart()));
      written += sameAsHapi(resource) ? 1 : 0;
    }
    assertTrue(inputs.size() >= 8, inputs.toString());
    assertEquals(Map.of(), leftToHapi);
    assertEquals(resources.size(), written);
  }

  @Test
  void writesHapisBytesForEveryConformanceResourceAndGoldenFile() throws IOException {
    List<Path> files = new ArrayList<>(files(Path.of("profiles"), ".json"));
    files.addAll(files(Path.of("mappings"), ".json"));
    files.addAll(files(Path.of("src/test/resources/cases"), ".json"));
    files.addAll(files(Path.of("src/test/resources/patients"), ".json"));
    int written = 0;
    for (Path file : files) {
      String json = Files.readString(file);
      if (!json.contains("\"resourceType\"")) {
        continue; // a case's registry record, not a resource
      }
      Resource resource = (Resource) CTX.newJsonParser().parseResource(json);
      written += sameAsHapi(resource) ? 1 : 0;
    }
    assertTrue(files.size() > 100, files.size() + " files");
    // Conformance resources may hold what is left to HAPI (a primitive's extensions); most must not.
    assertTrue(written > files.size() * 9 / 10, written + " of " + files.size() + " written; left: " + leftToHapi);
  }

  /**
   * Resources made to hold what the walk treats apart; each is either written the same or left to HAPI, and the
   * reasons it leaves them are the expected ones.
   */
  @Test
  void writesHapisBytesOrLeavesToHapiTheAwkwardResources() throws IOException {
    List<Resource> written = new ArrayList<>();
    for (Resource resource : List.of(ResourceCodecTest.awkwardStudy(), ResourceCodecTest.awkwardActivity(),
        everyExtensionValueType(), emptyElements(), choicesAndDecimals(), unicode(), metaAndReferences())) {
      if (sameAsHapi(resource)) {
        written.add(resource);
      }
    }
    for (Resource resource : List.of(primitiveWithExtension(), primitiveWithId(), repeatingPrimitivesWithGaps(),
        extensionWithoutValue(), extensionWithValueAndNested(), versionedId(), unpairedSurrogate(), bundle(),
        referenceHoldingResource(), tagWithoutCodeOrSystem())) {
      assertEquals(false, sameAsHapi(resource), resource.fhirType() + " is left to HAPI");
    }
    assertEquals(5, written.size(), "written: " + written + "; left: " + leftToHapi);
    assertTrue(leftToHapi.keySet().stream().anyMatch(r -> r.contains("contained")), leftToHapi.toString());
    assertTrue(leftToHapi.keySet().stream().anyMatch(r -> r.contains("primitive with an id")), leftToHapi.toString());
  }

  /** Every character Jackson's generator writes in a string, as the codec's generator is set up. */
  @Test
  void writesStringsAsJacksonDoes() throws IOException {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0xD800; c++) {
      all.append(c);
    }
    for (char c = 0xE000; c != 0; c++) {
      all.append(c);
    }
    all.append("\ud83d\ude00 \udbff\udfff \ud800\udc00");
    for (String text : List.of("", "plain", all.toString(), "\"\\/\b\f\n\r\t\u0000\u001f\u007f")) {
      Utf8JsonOut out = new Utf8JsonOut(4);
      out.string(text);
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      try (JsonGenerator json = JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build().createGenerator(expected)) {
        json.writeString(text);
      }
      assertArrayEquals(expected.toByteArray(), out.toByteArray(), text.length() + " characters");
    }
  }

  /** Whether the lean encoder wrote the resource (then the same bytes as HAPI's path, asserted); else why not. */
  private boolean sameAsHapi(Resource resource) {
    String key = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    LeanJsonEncoder.Result result;
    try {
      result = lean.encodeOrThrow(resource, true);
    } catch (LeanJsonEncoder.Unsupported | Utf8JsonOut.UnpairedSurrogate e) {
      leftToHapi.merge(String.valueOf(e.getMessage()), 1, Integer::sum);
      return false;
    }
    ResourceCodec.Utf8 standard = codec.standardUtf8(resource, true);
    assertEquals(new String(standard.json(), java.nio.charset.StandardCharsets.UTF_8),
        new String(result.json(), java.nio.charset.StandardCharsets.UTF_8), key);
    assertArrayEquals(standard.json(), result.json(), key);
    assertEquals(standard.plainedDecimals(), result.plainedDecimals(), key);
    assertEquals(exponentDecimals(resource), identities(result.plained()), key);
    return true;
  }

  /**
   * The decimals in exponent form a walk of the resource by HAPI's terser finds (the codec's walk before the lean
   * encoder listed the ones it wrote), as identities in order: the decimals the codec gives their plain form.
   */
  private static List<Integer> exponentDecimals(Resource resource) {
    List<IBaseDecimalDatatype> found = new ArrayList<>();
    for (DecimalType decimal : CTX.newTerser().getAllPopulatedChildElementsOfType(resource, DecimalType.class)) {
      String text = decimal.getValueAsString();
      if (decimal.getValue() != null && (text.indexOf('E') >= 0 || text.indexOf('e') >= 0)) {
        found.add(decimal);
      }
    }
    return identities(found);
  }

  private static List<Integer> identities(List<IBaseDecimalDatatype> decimals) {
    return decimals.stream().map(System::identityHashCode).sorted().toList();
  }

  private static List<Path> files(Path folder, String suffix) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  /** An extension of every value type R4 allows, each with content (a primitive's value, a composite's id). */
  private static Patient everyExtensionValueType() {
    Patient patient = new Patient();
    patient.setId("every-type");
    BaseRuntimeChildDefinition value = CTX.getRuntimeChildUndeclaredExtensionDefinition();
    int types = 0;
    for (String name : new java.util.TreeSet<>(value.getValidChildNames())) {
      BaseRuntimeElementDefinition<?> definition = value.getChildByName(name);
      IBase instance = definition.newInstance();
      if (instance instanceof PrimitiveType<?> primitive) {
        primitive.setValueAsString(sample(definition.getName()));
      } else if (instance instanceof org.hl7.fhir.r4.model.Meta) {
        continue;
      } else if (instance instanceof Element element) {
        element.setId("id-" + name);
      } else {
        continue;
      }
      patient.addExtension("http://example.org/" + name, (Type) instance);
      types++;
    }
    assertTrue(types > 45, types + " value types");
    return patient;
  }

  private static String sample(String type) {
    return switch (type) {
      case "boolean" -> "true";
      case "integer" -> "-5";
      case "unsignedInt" -> "0";
      case "positiveInt" -> "7";
      case "decimal" -> "1.50";
      case "date" -> "2024-02";
      case "dateTime" -> "2024-02-03T04:05:06+01:00";
      case "instant" -> "2024-02-03T04:05:06.789Z";
      case "time" -> "12:30:00";
      case "base64Binary" -> "aGVsbG8=";
      default -> "text-" + type;
    };
  }

  /** Empty and blank elements at every level, which HAPI leaves out, beside ones with only an id or extension. */
  private static Group emptyElements() {
    Group group = new Group();
    group.setId("empty");
    group.setName("   ");
    group.addIdentifier();
    group.addIdentifier().setValue("");
    group.addIdentifier().setSystem("urn:s").setValue("v");
    group.addIdentifier(new Identifier().setType(new CodeableConcept()));
    group.addCharacteristic().setCode(new CodeableConcept().addCoding(new Coding()));
    group.addCharacteristic().setCode(new CodeableConcept().setText("t")).setValue(new CodeableConcept());
    CodeableConcept onlyId = new CodeableConcept();
    onlyId.setId("only-id");
    group.addCharacteristic().setCode(onlyId);
    group.addCharacteristic().getCode().addExtension("http://example.org/only-extension", new StringType("x"));
    group.getCode().addCoding().setCode("c").setId("coding-id");
    group.addExtension().setUrl("http://example.org/empty-extension");
    group.addExtension(new Extension());
    group.getText();
    return group;
  }

  /** Choice elements of several types and decimals in many forms, in and out of arrays. */
  private static PlanDefinition choicesAndDecimals() {
    PlanDefinition plan = new PlanDefinition();
    plan.setId("choices");
    plan.setSubject(new CodeableConcept().setText("subject"));
    for (String number : List.of("1", "1.0", "-0.000", "1E+3", "2.5e-4", "123456789012345678901234567890.5")) {
      PlanDefinition.PlanDefinitionActionComponent action = plan.addAction().setTitle(number);
      action.setTiming(new org.hl7.fhir.r4.model.Age().setValue(new BigDecimal(number)).setUnit("a"));
      action.addRelatedAction().setActionId("a" + number).setOffset(new DecimalType(number).hasValue()
          ? new org.hl7.fhir.r4.model.Duration().setValue(new BigDecimal(number)) : null);
      action.getRelatedActionFirstRep().setRelationship(PlanDefinition.ActionRelationshipType.AFTER);
    }
    plan.addAction().setTiming(new DateTimeType("2024-01-01"));
    plan.addAction().setTiming(new org.hl7.fhir.r4.model.Range().setLow(new Quantity(3)));
    plan.addGoal().addTarget().setDetail(new Quantity(4));
    return plan;
  }

  private static Observation unicode() {
    Observation observation = new Observation();
    observation.setId("unicode");
    observation.setValue(new StringType("é ü 中文 😀 \u2028 \u0000 \u001b \"q\" \\ / <>&"));
    observation.getCode().setText("tab\there\r\nnew");
    observation.addNote().setText("𝄞 music, ﬁ ligature, \ufeff bom");
    return observation;
  }

  private static Observation metaAndReferences() {
    Observation observation = new Observation();
    observation.setId("meta");
    observation.getMeta().addProfile("http://example.org/p").addTag("urn:t", "c", "d").setSource("#src");
    observation.setSubject(new Reference("Patient/p/_history/2").setDisplay("versioned, kept"));
    observation.addPerformer(new Reference("urn:uuid:0e6b7b6e-0000-4000-8000-000000000000"));
    observation.addPerformer(new Reference().setDisplay("display only"));
    observation.setValue(new Quantity().setValue(new BigDecimal("0.0000001")).setSystem("http://unitsofmeasure.org"));
    return observation;
  }

  private static Patient primitiveWithExtension() {
    Patient patient = new Patient();
    patient.setId("p1");
    patient.getBirthDateElement().setValueAsString("2000-01-01");
    patient.getBirthDateElement().addExtension("http://example.org/time", new StringType("noon"));
    return patient;
  }

  private static Patient primitiveWithId() {
    Patient patient = new Patient();
    patient.setId("p2");
    patient.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
    patient.getGenderElement().setId("g");
    return patient;
  }

  private static Patient repeatingPrimitivesWithGaps() {
    Patient patient = new Patient();
    patient.setId("p3");
    HumanName name = patient.addName();
    name.addGiven("A");
    name.getGiven().add(new StringType());
    StringType withExtension = new StringType();
    withExtension.addExtension("http://example.org/absent", new StringType("unknown"));
    name.getGiven().add(withExtension);
    name.addGiven("D");
    return patient;
  }

  private static Patient extensionWithoutValue() {
    Patient patient = new Patient();
    patient.setId("p4");
    patient.addModifierExtension().setUrl("http://example.org/modifier-without-value");
    return patient;
  }

  private static Patient extensionWithValueAndNested() {
    Patient patient = new Patient();
    patient.setId("p5");
    Extension extension = new Extension("http://example.org/both", new StringType("v"));
    patient.addExtension(extension);
    extension.addExtension("nested", new StringType("n"));
    return patient;
  }

  private static Patient versionedId() {
    Patient patient = new Patient();
    patient.setIdElement(new IdType("Patient", "p6", "3"));
    patient.setActive(true);
    return patient;
  }

  private static Patient unpairedSurrogate() {
    Patient patient = new Patient();
    patient.setId("p7");
    patient.addName().setText("lone \ud800 high");
    return patient;
  }

  private static Bundle bundle() {
    Bundle bundle = new Bundle();
    bundle.setId("b");
    bundle.addEntry().setResource(new Patient().setActive(true));
    return bundle;
  }

  private static Observation referenceHoldingResource() {
    Observation observation = new Observation();
    observation.setId("o1");
    Patient patient = new Patient();
    patient.setId("Patient/held");
    observation.setSubject(new Reference(patient));
    return observation;
  }

  private static Observation tagWithoutCodeOrSystem() {
    Observation observation = new Observation();
    observation.setId("o2");
    observation.getMeta().addTag().setDisplay("no code, no system");
    assertNotNull(observation.getMeta());
    return observation;
  }
}
