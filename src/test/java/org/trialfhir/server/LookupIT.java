package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code CodeSystem/$lookup} over the served CodeSystems of profiles/, type and instance level, GET and POST, JSON and
 * XML: every code answers the CodeSystem's title, version, display and definition; the {@code property} parameter
 * narrows the properties; an unknown code is a 404, a request that cannot be answered a 400. Every answer validates.
 */
class LookupIT {
  private static final String PHASE = "https://trialfhir.org/fhir/CodeSystem/ctgov-phase";

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
  void phase1HasItsDisplayAndDefinition() {
    Parameters out = client.operation().onType(CodeSystem.class).named("$lookup")
        .withParameter(Parameters.class, "system", new UriType(PHASE))
        .andParameter("code", new CodeType("PHASE1"))
        .useHttpGet().execute();
    assertEquals("CT.gov Study Phase", out.getParameter("name").getValue().primitiveValue());
    assertEquals("0.1.0", out.getParameter("version").getValue().primitiveValue());
    assertEquals("Phase 1", out.getParameter("display").getValue().primitiveValue());
    assertTrue(properties(out).get("definition").startsWith("Initial studies to determine the metabolism"),
        properties(out).toString());
    assertNull(out.getParameter("abstract"), "R4's $lookup has no 'abstract' output");
    ValidateIT.assertValid(out);
  }

  /** The general rule: each code of each served CodeSystem looks up to its own display and definition. */
  @Test
  void everyCodeOfEveryServedCodeSystemLooksUpToItsConcept() {
    int codes = 0;
    for (Resource resource : server.store().all("CodeSystem")) {
      CodeSystem cs = (CodeSystem) resource;
      for (ConceptDefinitionComponent concept : cs.getConcept()) {
        // Instance level, the code as a coding, POSTed.
        Parameters out = client.operation().onInstance(new IdType("CodeSystem", cs.getIdPart())).named("$lookup")
            .withParameter(Parameters.class, "coding", new Coding(cs.getUrl(), concept.getCode(), null))
            .execute();
        String where = cs.getUrl() + " " + concept.getCode();
        assertEquals(cs.getTitle(), out.getParameter("name").getValue().primitiveValue(), where);
        assertEquals(concept.getDisplay(), out.getParameter("display").getValue().primitiveValue(), where);
        assertEquals(concept.hasDefinition() ? Map.of("definition", concept.getDefinition()) : Map.of(),
            properties(out), where);
        codes++;
      }
    }
    assertTrue(codes > 50, "only " + codes + " codes in the served CodeSystems");
  }

  @Test
  void thePropertyParameterChoosesTheProperties() {
    Parameters displayOnly = lookup("/CodeSystem/ctgov-phase/$lookup?code=PHASE2&property=display");
    assertEquals("Phase 2", displayOnly.getParameter("display").getValue().primitiveValue());
    assertEquals(Map.of(), properties(displayOnly));
    Parameters definition = lookup("/CodeSystem/ctgov-phase/$lookup?code=PHASE2&property=definition");
    assertEquals(List.of("definition"), new ArrayList<>(properties(definition).keySet()));
    ValidateIT.assertValid(definition);
    // date and displayLanguage are accepted; our CodeSystems have one version and English displays only.
    Parameters dated = lookup("/CodeSystem/$lookup?system=" + PHASE + "&code=PHASE2&date=2020-01-01&displayLanguage=en");
    assertEquals("Phase 2", dated.getParameter("display").getValue().primitiveValue());
  }

  @Test
  void xmlAndJsonAnswerTheSame() {
    HttpResponse<String> xml = server.get("/CodeSystem/ctgov-sex/$lookup?code=FEMALE&_format=xml");
    assertEquals(200, xml.statusCode(), xml.body());
    assertTrue(xml.body().startsWith("<Parameters"), xml.body());
    Parameters fromXml = TestServer.parse(Parameters.class, xml);
    Parameters fromJson = lookup("/CodeSystem/ctgov-sex/$lookup?code=FEMALE");
    assertTrue(fromXml.equalsDeep(fromJson), xml.body());

    HttpResponse<String> postXml = server.send(HttpRequest.newBuilder(server.uri("/CodeSystem/$lookup"))
            .POST(HttpRequest.BodyPublishers.ofString("<Parameters xmlns=\"http://hl7.org/fhir\">"
                + "<parameter><name value=\"system\"/><valueUri value=\"https://trialfhir.org/fhir/CodeSystem/ctgov-sex\"/></parameter>"
                + "<parameter><name value=\"code\"/><valueCode value=\"FEMALE\"/></parameter></Parameters>")),
        "Content-Type", "application/fhir+xml", "Accept", "application/fhir+xml");
    assertEquals(200, postXml.statusCode(), postXml.body());
    assertTrue(TestServer.parse(Parameters.class, postXml).equalsDeep(fromJson), postXml.body());
  }

  @Test
  void anUnknownCodeIs404() {
    // HAPI's JPA server answers 404 too: the code looked up does not exist.
    ReadIT.assertOutcome(server.get("/CodeSystem/$lookup?system=" + PHASE + "&code=PHASE5"), 404, "PHASE5");
    ReadIT.assertOutcome(server.get("/CodeSystem/ctgov-phase/$lookup?code=phase1"), 404, "phase1");
    ReadIT.assertOutcome(server.get("/CodeSystem/no-such-system/$lookup?code=PHASE1"), 404, "CodeSystem/no-such-system");
  }

  @Test
  void requestsThatCannotBeAnsweredAre400() {
    ReadIT.assertOutcome(server.get("/CodeSystem/$lookup?system=" + PHASE), 400, "needs the code");
    ReadIT.assertOutcome(server.get("/CodeSystem/$lookup?code=PHASE1"), 400, "needs the code's 'system'");
    ReadIT.assertOutcome(server.get("/CodeSystem/$lookup?system=http://loinc.org&code=789-8"), 400, "http://loinc.org");
    ReadIT.assertOutcome(server.get("/CodeSystem/$lookup?system=" + PHASE + "&code=PHASE1&version=2.0"), 400, "2.0");
    ReadIT.assertOutcome(server.get("/CodeSystem/ctgov-sex/$lookup?system=" + PHASE + "&code=PHASE1"), 400, PHASE);
    ReadIT.assertOutcome(server.get("/CodeSystem/$lookup?system=" + PHASE + "&code=PHASE1&date=yesterday"), 400, "date");
  }

  private static Parameters lookup(String path) {
    HttpResponse<String> response = server.get(path);
    assertEquals(200, response.statusCode(), response.body());
    return TestServer.parse(Parameters.class, response);
  }

  /** The property outputs, code to value. */
  private static Map<String, String> properties(Parameters parameters) {
    Map<String, String> properties = new TreeMap<>();
    for (ParametersParameterComponent property : parameters.getParameter()) {
      if ("property".equals(property.getName())) {
        String code = null;
        String value = null;
        for (ParametersParameterComponent part : property.getPart()) {
          if ("code".equals(part.getName())) {
            code = part.getValue().primitiveValue();
          } else if ("value".equals(part.getName())) {
            value = part.getValue().primitiveValue();
          }
        }
        properties.put(code, value);
      }
    }
    return properties;
  }
}
