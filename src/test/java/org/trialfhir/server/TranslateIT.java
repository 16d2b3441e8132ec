package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ConceptMap/$translate} over the served maps of mappings/, type and instance level, GET and POST, JSON and
 * XML: every element of every map translates to exactly its targets, reversed lookups, codes without a mapping (200,
 * result false) and requests that cannot be answered (400, or 404 for an unknown instance). Every answer validates.
 */
class TranslateIT {
  private static final String STATUS_SYSTEM = "https://trialfhir.org/fhir/CodeSystem/ctgov-overall-status";
  private static final String STATUS_MAP = "https://trialfhir.org/fhir/ConceptMap/ctgov-overall-status";
  private static final String DRUG_MAP = "https://trialfhir.org/fhir/ConceptMap/drug-rxnorm";
  private static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  private static final String R4_STATUS = "http://hl7.org/fhir/research-study-status";

  private static TestServer server;
  private static IGenericClient client;

  @BeforeAll
  static void start() {
    server = TestServer.startWithChain();
    client = server.client();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void recruitingTranslatesToActive() {
    // CT.gov overallStatus RECRUITING is R4 research-study-status "active", equivalent (ConceptMap/ctgov-overall-status).
    Parameters typeLevel = client.operation().onType(ConceptMap.class).named("$translate")
        .withParameter(Parameters.class, "system", new UriType(STATUS_SYSTEM))
        .andParameter("code", new CodeType("RECRUITING"))
        .useHttpGet().execute();
    assertEquals(List.of("equivalent " + R4_STATUS + "|active Active from " + STATUS_MAP), matches(typeLevel));
    assertTrue(result(typeLevel));
    ValidateIT.assertValid(typeLevel);

    Parameters instanceLevel = client.operation().onInstance(new IdType("ConceptMap", "ctgov-overall-status"))
        .named("$translate")
        .withParameter(Parameters.class, "coding", new Coding(STATUS_SYSTEM, "RECRUITING", null))
        .execute();
    assertEquals(matches(typeLevel), matches(instanceLevel));
  }

  @Test
  void drugNamesTranslateToRxnormThroughTheirMap() {
    // drug-rxnorm holds registry words without a code system: naming the map is enough.
    Parameters salt = client.operation().onType(ConceptMap.class).named("$translate")
        .withParameter(Parameters.class, "url", new UriType(DRUG_MAP))
        .andParameter("code", new CodeType("fludarabine phosphate"))
        .execute();
    assertEquals(List.of("wider " + RXNORM + "|24698 fludarabine from " + DRUG_MAP), matches(salt));
    ValidateIT.assertValid(salt);

    HttpResponse<String> get = server.get("/ConceptMap/drug-rxnorm/$translate?code=cyclophosphamide");
    assertEquals(200, get.statusCode(), get.body());
    assertEquals(List.of("equivalent " + RXNORM + "|3002 cyclophosphamide from " + DRUG_MAP),
        matches(TestServer.parse(Parameters.class, get)));
  }

  /** The general rule behind the two cases above: each element of each served map gives exactly its targets. */
  @Test
  void everyElementOfEveryServedMapTranslatesToItsTargets() {
    int elements = 0;
    for (Resource resource : server.store().all("ConceptMap")) {
      ConceptMap map = (ConceptMap) resource;
      for (ConceptMapGroupComponent group : map.getGroup()) {
        for (SourceElementComponent element : group.getElement()) {
          Parameters in = new Parameters();
          in.addParameter("url", new UriType(map.getUrl()));
          in.addParameter("code", new CodeType(element.getCode()));
          if (group.hasSource()) {
            in.addParameter("system", new UriType(group.getSource()));
          }
          Parameters out = client.operation().onType(ConceptMap.class).named("$translate")
              .withParameters(in).execute();
          List<String> expected = new ArrayList<>();
          for (TargetElementComponent target : element.getTarget()) {
            expected.add(match(target.getEquivalence().toCode(), target.hasCode() ? group.getTarget() : null,
                target.getCode(), target.getDisplay(), map.getUrl()));
          }
          String where = map.getUrl() + " " + element.getCode();
          assertEquals(expected, matches(out), where);
          assertEquals(element.getTarget().stream().anyMatch(t -> t.getEquivalence() != ConceptMapEquivalence.UNMATCHED
              && t.getEquivalence() != ConceptMapEquivalence.DISJOINT), result(out), where);
          elements++;
        }
      }
    }
    assertTrue(elements > 200, "only " + elements + " elements in the served maps");
  }

  @Test
  void reverseGivesTheSourcesWithTheEquivalenceSeenFromThem() {
    // Three CT.gov statuses map to "active": RECRUITING (equivalent), ENROLLING_BY_INVITATION ("active" is wider,
    // so the status is narrower) and AVAILABLE (inexact).
    HttpResponse<String> response = server.get("/ConceptMap/$translate?system=" + R4_STATUS + "&code=active&reverse=true");
    assertEquals(200, response.statusCode(), response.body());
    Parameters out = TestServer.parse(Parameters.class, response);
    assertEquals(Set.of(
        "equivalent " + STATUS_SYSTEM + "|RECRUITING Recruiting from " + STATUS_MAP,
        "narrower " + STATUS_SYSTEM + "|ENROLLING_BY_INVITATION Enrolling by invitation from " + STATUS_MAP,
        "inexact " + STATUS_SYSTEM + "|AVAILABLE Available from " + STATUS_MAP), new TreeSet<>(matches(out)));
    ValidateIT.assertValid(out);

    // RxNorm 24698 comes from fludarabine and, wider, from its salt; reversed, the salt is narrower.
    Parameters drug = client.operation().onType(ConceptMap.class).named("$translate")
        .withParameter(Parameters.class, "coding", new Coding(RXNORM, "24698", null))
        .andParameter("reverse", new BooleanType(true))
        .execute();
    assertEquals(List.of("equivalent fludarabine fludarabine from " + DRUG_MAP,
        "narrower fludarabine phosphate fludarabine phosphate from " + DRUG_MAP), matches(drug));
  }

  @Test
  void aCodeWithoutMappingIsResultFalseWithAMessage() {
    HttpResponse<String> response = server.get("/ConceptMap/$translate?system=" + STATUS_SYSTEM + "&code=PAUSED");
    assertEquals(200, response.statusCode(), response.body());
    Parameters out = TestServer.parse(Parameters.class, response);
    assertFalse(result(out));
    assertEquals(List.of(), matches(out));
    assertTrue(message(out).contains(STATUS_SYSTEM + "|PAUSED"), message(out));
    ValidateIT.assertValid(out);

    // Known but explicitly unmatched: CT.gov allocation NA has no SEVCO code; the map's comment says why.
    Parameters unmatched = client.operation().onType(ConceptMap.class).named("$translate")
        .withParameter(Parameters.class, "system", new UriType("https://trialfhir.org/fhir/CodeSystem/ctgov-allocation"))
        .andParameter("code", new CodeType("NA"))
        .execute();
    assertFalse(result(unmatched));
    assertEquals(List.of("unmatched null|null null from https://trialfhir.org/fhir/ConceptMap/ctgov-allocation"),
        matches(unmatched));
    assertTrue(message(unmatched).contains("single-arm"), message(unmatched));
    ValidateIT.assertValid(unmatched);

    // A target system the map does not translate to narrows the answer to nothing.
    Parameters elsewhere = client.operation().onType(ConceptMap.class).named("$translate")
        .withParameter(Parameters.class, "coding", new Coding(STATUS_SYSTEM, "RECRUITING", null))
        .andParameter("targetsystem", new UriType("http://snomed.info/sct"))
        .execute();
    assertFalse(result(elsewhere));
  }

  @Test
  void sourceTargetAndCodeableConceptSelectAsTheSpecSays() {
    // target is the map's target value set; source its source value set.
    Parameters byTarget = client.operation().onType(ConceptMap.class).named("$translate")
        .withParameter(Parameters.class, "coding", new Coding(STATUS_SYSTEM, "COMPLETED", null))
        .andParameter("source", new UriType("https://trialfhir.org/fhir/ValueSet/ctgov-overall-status"))
        .andParameter("target", new UriType("http://hl7.org/fhir/ValueSet/research-study-status"))
        .execute();
    assertEquals(List.of("equivalent " + R4_STATUS + "|completed Completed from " + STATUS_MAP), matches(byTarget));
    Parameters otherTarget = client.operation().onType(ConceptMap.class).named("$translate")
        .withParameter(Parameters.class, "coding", new Coding(STATUS_SYSTEM, "COMPLETED", null))
        .andParameter("target", new UriType("http://hl7.org/fhir/ValueSet/research-study-phase"))
        .execute();
    assertFalse(result(otherTarget));

    // Every coding of a codeableConcept is translated; one that maps is enough for result = true.
    CodeableConcept concept = new CodeableConcept()
        .addCoding(new Coding("https://example.org/other", "RECRUITING", null))
        .addCoding(new Coding(STATUS_SYSTEM, "WITHDRAWN", null));
    Parameters both = client.operation().onType(ConceptMap.class).named("$translate")
        .withParameter(Parameters.class, "codeableConcept", concept).execute();
    assertTrue(result(both));
    assertEquals(List.of("equivalent " + R4_STATUS + "|withdrawn Withdrawn from " + STATUS_MAP), matches(both));
  }

  @Test
  void aConceptMapSentInTheRequestIsUsed() {
    ConceptMap map = new ConceptMap();
    map.setUrl("https://example.org/ConceptMap/colours").setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.DRAFT);
    ConceptMapGroupComponent group = map.addGroup().setSource("https://example.org/colour").setTarget("https://example.org/farbe");
    group.addElement().setCode("red").addTarget().setCode("rot").setEquivalence(ConceptMapEquivalence.EQUIVALENT);
    Parameters out = client.operation().onType(ConceptMap.class).named("$translate")
        .withParameter(Parameters.class, "conceptMap", map)
        .andParameter("coding", new Coding("https://example.org/colour", "red", null))
        .execute();
    assertEquals(List.of("equivalent https://example.org/farbe|rot null from https://example.org/ConceptMap/colours"),
        matches(out));
    // The served maps are not consulted when a map is sent.
    Parameters status = client.operation().onType(ConceptMap.class).named("$translate")
        .withParameter(Parameters.class, "conceptMap", map)
        .andParameter("coding", new Coding(STATUS_SYSTEM, "RECRUITING", null))
        .execute();
    assertFalse(result(status));
  }

  @Test
  void xmlAndJsonAnswerTheSame() {
    String path = "/ConceptMap/ctgov-overall-status/$translate?system=" + STATUS_SYSTEM + "&code=SUSPENDED";
    HttpResponse<String> xml = server.get(path + "&_format=xml");
    HttpResponse<String> json = server.get(path, "Accept", "application/fhir+json");
    assertEquals(200, xml.statusCode(), xml.body());
    assertTrue(xml.body().startsWith("<Parameters"), xml.body());
    assertTrue(json.body().startsWith("{"), json.body());
    Parameters fromXml = TestServer.parse(Parameters.class, xml);
    assertEquals(matches(TestServer.parse(Parameters.class, json)), matches(fromXml));
    assertEquals(List.of("narrower " + R4_STATUS + "|temporarily-closed-to-accrual Temporarily Closed to Accrual from "
        + STATUS_MAP), matches(fromXml));

    HttpResponse<String> postXml = server.send(HttpRequest.newBuilder(server.uri("/ConceptMap/$translate"))
            .POST(HttpRequest.BodyPublishers.ofString("<Parameters xmlns=\"http://hl7.org/fhir\"><parameter>"
                + "<name value=\"coding\"/><valueCoding><system value=\"" + STATUS_SYSTEM + "\"/><code value=\"SUSPENDED\"/>"
                + "</valueCoding></parameter></Parameters>")),
        "Content-Type", "application/fhir+xml", "Accept", "application/fhir+xml");
    assertEquals(200, postXml.statusCode(), postXml.body());
    assertEquals(matches(fromXml), matches(TestServer.parse(Parameters.class, postXml)));
  }

  @Test
  void requestsThatCannotBeAnsweredAre400() {
    ReadIT.assertOutcome(server.get("/ConceptMap/$translate?url=https://trialfhir.org/fhir/ConceptMap/none"
        + "&system=" + STATUS_SYSTEM + "&code=RECRUITING"), 400, "https://trialfhir.org/fhir/ConceptMap/none");
    ReadIT.assertOutcome(server.get("/ConceptMap/$translate?system=" + STATUS_SYSTEM), 400, "needs the code");
    ReadIT.assertOutcome(server.get("/ConceptMap/$translate"), 400, "needs the code");
    // FHIR: a code needs its system, unless the map named holds registry words without one.
    ReadIT.assertOutcome(server.get("/ConceptMap/$translate?code=RECRUITING"), 400, "needs its 'system'");
    ReadIT.assertOutcome(server.get("/ConceptMap/ctgov-overall-status/$translate?code=RECRUITING"), 400, STATUS_SYSTEM);
    ReadIT.assertOutcome(server.get("/ConceptMap/$translate?url=" + STATUS_MAP + "&conceptMapVersion=9.9&system="
        + STATUS_SYSTEM + "&code=RECRUITING"), 400, "9.9");
    ReadIT.assertOutcome(server.get("/ConceptMap/drug-rxnorm/$translate?url=" + STATUS_MAP + "&code=mesna"), 400,
        "name the ConceptMap once");

    Parameters twoWays = new Parameters();
    twoWays.addParameter("code", new CodeType("RECRUITING"));
    twoWays.addParameter("system", new UriType(STATUS_SYSTEM));
    twoWays.addParameter().setName("coding").setValue(new Coding(STATUS_SYSTEM, "RECRUITING", null));
    ReadIT.assertOutcome(post("/ConceptMap/$translate", twoWays), 400, "not several");

    Parameters systemWithCoding = new Parameters();
    systemWithCoding.addParameter("system", new UriType(STATUS_SYSTEM));
    systemWithCoding.addParameter().setName("coding").setValue(new Coding(STATUS_SYSTEM, "RECRUITING", null));
    ReadIT.assertOutcome(post("/ConceptMap/$translate", systemWithCoding), 400, "go with 'code'");

    ReadIT.assertOutcome(server.get("/ConceptMap/ctgov-phase/$translate?system=" + STATUS_SYSTEM + "&code=RECRUITING&reverse=maybe"), 400, "maybe");
    ReadIT.assertOutcome(server.get("/ConceptMap/no-such-map/$translate?code=x&system=y"), 404, "ConceptMap/no-such-map");
  }

  private static HttpResponse<String> post(String path, Parameters body) {
    return server.send(HttpRequest.newBuilder(server.uri(path))
            .POST(HttpRequest.BodyPublishers.ofString(TestServer.CTX.newJsonParser().encodeResourceToString(body))),
        "Content-Type", "application/fhir+json");
  }

  private static boolean result(Parameters parameters) {
    return ((BooleanType) parameters.getParameter("result").getValue()).booleanValue();
  }

  private static String message(Parameters parameters) {
    ParametersParameterComponent message = parameters.getParameter("message");
    return message == null ? "" : ((StringType) message.getValue()).getValue();
  }

  /** Each match as "equivalence system|code display from map" (just "code" when the concept has no system). */
  static List<String> matches(Parameters parameters) {
    List<String> matches = new ArrayList<>();
    for (ParametersParameterComponent match : parameters.getParameter()) {
      if (!"match".equals(match.getName())) {
        continue;
      }
      String equivalence = null;
      Coding concept = new Coding();
      String source = null;
      for (ParametersParameterComponent part : match.getPart()) {
        switch (part.getName()) {
          case "equivalence" -> equivalence = ((CodeType) part.getValue()).getValue();
          case "concept" -> concept = (Coding) part.getValue();
          case "source" -> source = ((UriType) part.getValue()).getValue();
          default -> throw new AssertionError("unexpected part " + part.getName());
        }
      }
      matches.add(match(equivalence, concept.getSystem(), concept.getCode(), concept.getDisplay(), source));
    }
    return matches;
  }

  private static String match(String equivalence, String system, String code, String display, String source) {
    String concept = system == null && code != null ? code : system + "|" + code;
    return equivalence + " " + concept + " " + display + " from " + source;
  }
}
