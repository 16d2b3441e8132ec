package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionContainsComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ValueSet/$expand} over the served ValueSets of profiles/, type and instance level, GET and POST, JSON and
 * XML: every ValueSet expands to its CodeSystem's codes in the CodeSystem's order; filter, count and offset narrow and
 * page the codes with an accurate total; a ValueSet this server does not serve is a 400 (an unknown instance a 404).
 * Every expansion validates.
 */
class ExpandIT {
  private static final String PHASE_VS = "https://trialfhir.org/fhir/ValueSet/ctgov-phase";

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

  /** Each served ValueSet includes one of our CodeSystems whole: it expands to that CodeSystem's codes, in order. */
  @Test
  void everyServedValueSetExpandsToItsCodeSystemInOrder() {
    int valueSets = 0;
    for (Resource resource : server.store().all("ValueSet")) {
      ValueSet vs = (ValueSet) resource;
      String system = vs.getCompose().getIncludeFirstRep().getSystem();
      CodeSystem cs = (CodeSystem) server.store().all("CodeSystem").stream()
          .filter(r -> system.equals(((CodeSystem) r).getUrl())).findFirst().orElseThrow(() -> new AssertionError(system));
      List<String> expected = new ArrayList<>();
      for (ConceptDefinitionComponent concept : cs.getConcept()) {
        expected.add(system + "|" + concept.getCode() + " " + concept.getDisplay());
      }
      ValueSet expanded = client.operation().onInstance(new IdType("ValueSet", vs.getIdPart())).named("$expand")
          .withNoParameters(Parameters.class).returnResourceType(ValueSet.class).execute();
      assertEquals(expected, codes(expanded), vs.getUrl());
      assertEquals(expected.size(), expanded.getExpansion().getTotal(), vs.getUrl());
      assertEquals(vs.getUrl(), expanded.getUrl());
      ValidateIT.assertValid(expanded);
      valueSets++;
    }
    assertTrue(valueSets >= 10, "only " + valueSets + " served ValueSets");
  }

  @Test
  void filterKeepsCodesWhoseWordsStartWithTheFiltersWords() {
    ValueSet phase1 = client.operation().onType(ValueSet.class).named("$expand")
        .withParameter(Parameters.class, "url", new UriType(PHASE_VS))
        .andParameter("filter", new StringType("phase 1"))
        .useHttpGet().returnResourceType(ValueSet.class).execute();
    assertEquals(List.of("EARLY_PHASE1", "PHASE1", "PHASE1/PHASE2"), bareCodes(phase1));
    assertEquals(3, phase1.getExpansion().getTotal());
    assertEquals("phase 1", phase1.getExpansion().getParameter().get(0).getValue().primitiveValue());
    ValidateIT.assertValid(phase1);

    // The code's words count too (PHASE2/PHASE3), case and accents aside.
    assertEquals(List.of("PHASE2/PHASE3", "PHASE3"), bareCodes(expand("/ValueSet/ctgov-phase/$expand?filter=PHÄSE3")));
    ValueSet none = expand("/ValueSet/ctgov-phase/$expand?filter=device");
    assertEquals(0, none.getExpansion().getTotal());
    assertEquals(List.of(), bareCodes(none));
    ValidateIT.assertValid(none);
  }

  @Test
  void countAndOffsetPageThroughTheWholeExpansion() {
    List<String> whole = bareCodes(expand("/ValueSet/ctgov-overall-status/$expand"));
    assertEquals(14, whole.size());
    List<String> paged = new ArrayList<>();
    for (int offset = 0; offset < whole.size(); offset += 4) {
      ValueSet page = expand("/ValueSet/ctgov-overall-status/$expand?count=4&offset=" + offset);
      assertEquals(whole.size(), page.getExpansion().getTotal());
      assertEquals(offset, page.getExpansion().getOffset());
      assertEquals(Math.min(4, whole.size() - offset), page.getExpansion().getContains().size());
      paged.addAll(bareCodes(page));
      ValidateIT.assertValid(page);
    }
    assertEquals(whole, paged);

    ValueSet sizeOnly = expand("/ValueSet/ctgov-overall-status/$expand?count=0");
    assertEquals(14, sizeOnly.getExpansion().getTotal());
    assertEquals(List.of(), bareCodes(sizeOnly));
    assertEquals(List.of(), bareCodes(expand("/ValueSet/ctgov-overall-status/$expand?offset=20")));
    // Paging and filtering together: the total counts the filtered codes.
    ValueSet filteredPage = expand("/ValueSet/ctgov-overall-status/$expand?filter=not&count=1&offset=1");
    assertEquals(3, filteredPage.getExpansion().getTotal());
    assertEquals(List.of("NOT_YET_RECRUITING"), bareCodes(filteredPage));
  }

  @Test
  void aValueSetSentInTheRequestIsExpandedInItsOwnOrder() {
    // Codes of R4's research-study-status, listed by hand: the expansion keeps the listed order.
    ValueSet sent = new ValueSet();
    sent.setUrl("https://example.org/ValueSet/open-statuses").setStatus(PublicationStatus.DRAFT);
    ValueSet.ConceptSetComponent include = sent.getCompose().addInclude().setSystem("http://hl7.org/fhir/research-study-status");
    include.addConcept().setCode("active");
    include.addConcept().setCode("approved");
    ValueSet expanded = client.operation().onType(ValueSet.class).named("$expand")
        .withParameter(Parameters.class, "valueSet", sent)
        .andParameter("activeOnly", new org.hl7.fhir.r4.model.BooleanType(true))
        .returnResourceType(ValueSet.class).execute();
    assertEquals(List.of("http://hl7.org/fhir/research-study-status|active Active",
        "http://hl7.org/fhir/research-study-status|approved Approved"), codes(expanded));
    ValidateIT.assertValid(expanded);

    // Sent with the id and url of a served ValueSet, it is still its own codes that are expanded.
    expand("/ValueSet/ctgov-phase/$expand");
    sent.setId("ctgov-phase");
    sent.setUrl(PHASE_VS);
    ValueSet impostor = client.operation().onType(ValueSet.class).named("$expand")
        .withParameter(Parameters.class, "valueSet", sent).returnResourceType(ValueSet.class).execute();
    assertEquals(List.of("active", "approved"), bareCodes(impostor));
  }

  @Test
  void xmlAndJsonAnswerTheSame() {
    HttpResponse<String> xml = server.get("/ValueSet/$expand?url=" + PHASE_VS + "&count=2&_format=xml");
    assertEquals(200, xml.statusCode(), xml.body());
    assertTrue(xml.body().startsWith("<ValueSet"), xml.body());
    ValueSet fromXml = TestServer.parse(ValueSet.class, xml);
    assertEquals(bareCodes(expand("/ValueSet/$expand?url=" + PHASE_VS + "&count=2")), bareCodes(fromXml));
    assertEquals(List.of("NA", "EARLY_PHASE1"), bareCodes(fromXml));

    Parameters in = new Parameters();
    in.addParameter("url", new UriType(PHASE_VS));
    in.addParameter().setName("offset").setValue(new IntegerType(6));
    HttpResponse<String> post = server.send(HttpRequest.newBuilder(server.uri("/ValueSet/$expand"))
            .POST(HttpRequest.BodyPublishers.ofString(TestServer.CTX.newXmlParser().encodeResourceToString(in))),
        "Content-Type", "application/fhir+xml", "Accept", "application/fhir+xml");
    assertEquals(200, post.statusCode(), post.body());
    assertEquals(List.of("PHASE3", "PHASE4"), bareCodes(TestServer.parse(ValueSet.class, post)));
  }

  @Test
  void aValueSetThisServerDoesNotServeIs400AndAnUnknownInstance404() {
    ReadIT.assertOutcome(server.get("/ValueSet/$expand?url=https://trialfhir.org/fhir/ValueSet/none"), 400,
        "https://trialfhir.org/fhir/ValueSet/none");
    ReadIT.assertOutcome(server.get("/ValueSet/$expand?url=" + PHASE_VS + "|9.9"), 400, "9.9");
    ReadIT.assertOutcome(server.get("/ValueSet/$expand?url=" + PHASE_VS + "&valueSetVersion=9.9"), 400, "9.9");
    ReadIT.assertOutcome(server.get("/ValueSet/$expand"), 400, "needs one ValueSet");
    ReadIT.assertOutcome(server.get("/ValueSet/ctgov-phase/$expand?url=" + PHASE_VS), 400, "not several");
    ReadIT.assertOutcome(server.get("/ValueSet/ctgov-phase/$expand?count=-1"), 400, "count");
    ReadIT.assertOutcome(server.get("/ValueSet/ctgov-phase/$expand?offset=x"), 400, "offset");
    ReadIT.assertOutcome(server.get("/ValueSet/ctgov-phase/$expand?activeOnly=maybe"), 400, "maybe");
    ReadIT.assertOutcome(server.get("/ValueSet/no-such-set/$expand"), 404, "ValueSet/no-such-set");
  }

  private static ValueSet expand(String path) {
    HttpResponse<String> response = server.get(path);
    assertEquals(200, response.statusCode(), response.body());
    return TestServer.parse(ValueSet.class, response);
  }

  private static List<String> codes(ValueSet expanded) {
    List<String> codes = new ArrayList<>();
    for (ValueSetExpansionContainsComponent c : expanded.getExpansion().getContains()) {
      codes.add(c.getSystem() + "|" + c.getCode() + " " + c.getDisplay());
    }
    return codes;
  }

  private static List<String> bareCodes(ValueSet expanded) {
    return expanded.getExpansion().getContains().stream().map(ValueSetExpansionContainsComponent::getCode).toList();
  }
}
