package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.validation.ProfileValidator;

/**
 * {@code POST /fhir/ResearchStudy/$match} on the real server over the sample trials: a realistic mCODE-style patient
 * Bundle through HAPI's generic client (Parameters, as CodeX clients send it) and as a bare Bundle, the filters, the
 * result's shape and its validity, its paging ({@code _count}, {@code _offset}), the operation's declaration, and every
 * malformed request a 400 (or 405) saying what is wrong.
 */
class MatchIT {
  private static final String PATIENT = "/patients/mcode-aml-patient.json";
  private static final String DAY = "2025-06-01";

  private static TestServer server;
  private static IGenericClient client;
  private static Bundle patient;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    client = server.client();
    patient = TestServer.CTX.newJsonParser().parseResource(Bundle.class, fixture(PATIENT));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void anMcodePatientThroughTheGenericClientGetsTheAmlTrialFirstCriterionByCriterion() {
    Bundle result = match(parameters(patient).addParameter("date", new DateType(DAY)));
    assertEquals(Bundle.BundleType.SEARCHSET, result.getType());
    assertEquals(List.of("NCT06690827"), ids(result), "the AML trial; the others are certainly not a match");
    BundleEntryComponent entry = result.getEntryFirstRep();
    assertTrue(entry.getResource() instanceof ResearchStudy);
    assertEquals(Bundle.SearchEntryMode.MATCH, entry.getSearch().getMode());
    BigDecimal score = entry.getSearch().getScore();
    assertTrue(score.compareTo(new BigDecimal("0.5")) >= 0 && score.compareTo(BigDecimal.ONE) < 0, score.toString());
    assertEquals("probable", entry.getSearch().getExtensionByUrl(MatchBundleWriter.MATCH_GRADE).getValue()
        .primitiveValue());

    Extension platelets = criterion(entry, "inc-7.1");
    assertEquals("met", sub(platelets, "status"));
    assertEquals("false", sub(platelets, "exclude"));
    assertTrue(sub(platelets, "text").startsWith("Blood routine: white blood cells >1.0×109/L"));
    List<Extension> evidence = platelets.getExtensionsByUrl("evidence");
    assertTrue(evidence.stream().anyMatch(e -> sub(e, "value").contains("135000 /uL on 2025-05-22 = 135 10*9/L")),
        evidence.toString());
    // evidence names the patient's resources as the request did: here by their urn:uuid fullUrls
    List<String> sent = patient.getEntry().stream().map(BundleEntryComponent::getFullUrl).toList();
    assertTrue(evidence.stream().allMatch(e -> sent.contains(((Reference) e.getExtensionByUrl("reference").getValue())
        .getReference())), evidence.toString());
    assertEquals("met", sub(criterion(entry, "condition"), "status"));
    assertEquals("met", sub(criterion(entry, "inc-5"), "status"));
    assertEquals("unknown", sub(criterion(entry, "inc-1"), "status"));
    // "Pregnant or breastfeeding women, as well as ... who plan to have children": not pregnant is not enough
    Extension pregnancy = criterion(entry, "exc-9");
    assertEquals("unknown", sub(pregnancy, "status"));
    assertTrue(pregnancy.getExtensionsByUrl("topic").size() >= 1);
  }

  @Test
  void theResultValidatesWithZeroErrors() {
    Bundle result = match(parameters(patient).addParameter("date", new DateType(DAY))
        .addParameter("includeIneligible", new BooleanType(true)));
    OperationOutcome outcome = ProfileValidator.shared().validate(result);
    assertEquals(List.of(), ValidateIT.errors(outcome));
    // the criteria are checked against profiles/StructureDefinition-match-criterion.json: a status outside its
    // ValueSet, or a sub-extension it does not define, is an error
    Extension first = result.getEntryFirstRep().getSearch().getExtensionsByUrl(MatchBundleWriter.MATCH_CRITERION).get(0);
    first.getExtensionByUrl("status").setValue(new CodeType("maybe"));
    first.addExtension("colour", new StringType("blue"));
    List<String> errors = ValidateIT.errors(ProfileValidator.shared().validate(result));
    assertTrue(errors.stream().anyMatch(e -> e.contains("maybe")), errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.contains("colour")), errors.toString());
  }

  @Test
  void aBareBundleBodyWorksTooAndIncludeIneligibleReturnsEveryStudyRanked() {
    HttpResponse<String> response = post("/ResearchStudy/$match?date=" + DAY + "&includeIneligible=true",
        fixture(PATIENT));
    assertEquals(200, response.statusCode(), response.body());
    Bundle result = TestServer.parse(Bundle.class, response);
    assertEquals(server.store().all("ResearchStudy").size(), result.getEntry().size());
    assertEquals("NCT06690827", ids(result).get(0));
    List<BigDecimal> scores = result.getEntry().stream().map(e -> e.getSearch().getScore()).toList();
    assertEquals(scores.stream().sorted((a, b) -> b.compareTo(a)).toList(), scores);
    for (BundleEntryComponent entry : result.getEntry().subList(1, result.getEntry().size())) {
      assertEquals("certainly-not", entry.getSearch().getExtensionByUrl(MatchBundleWriter.MATCH_GRADE).getValue()
          .primitiveValue());
      assertEquals("not-met", sub(criterion(entry, "condition"), "status"), ids(result).toString());
    }
  }

  @Test
  void filtersNarrowTheStudies() {
    assertEquals(List.of(), ids(match(parameters(patient).addParameter("date", new DateType(DAY))
        .addParameter("phase", new StringType("n-a")))));
    assertEquals(List.of("NCT06690827"), ids(match(parameters(patient).addParameter("date", new DateType(DAY))
        .addParameter("phase", new StringType("PHASE1")).addParameter("recruitmentStatus", new StringType("RECRUITING"))
        .addParameter("country", new StringType("china")))));
    assertEquals(List.of(), ids(match(parameters(patient).addParameter("date", new DateType(DAY))
        .addParameter("country", new StringType("Norway")))));
  }

  @Test
  void theOperationIsDeclaredAndItsDefinitionServed() {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();
    CapabilityStatement.CapabilityStatementRestResourceOperationComponent operation = statement.getRestFirstRep()
        .getResource().stream().filter(r -> r.getType().equals("ResearchStudy")).findFirst().orElseThrow()
        .getOperation().stream().filter(o -> o.getName().equals("match")).findFirst().orElseThrow();
    assertEquals("https://trialfhir.org/fhir/OperationDefinition/match", operation.getDefinition());
    OperationDefinition definition = client.read().resource(OperationDefinition.class).withId("match").execute();
    assertEquals(operation.getDefinition(), definition.getUrl());
    assertTrue(definition.getParameter().stream().anyMatch(p -> p.getName().equals("trialMatchClinicalData")));
  }

  @Test
  void malformedRequestsAre400SayingWhatIsWrong() {
    ReadIT.assertOutcome(post("/ResearchStudy/$match", "{\"resourceType\":\"Bundle\",\"entry\":["), 400,
        "not a FHIR JSON resource");
    ReadIT.assertOutcome(post("/ResearchStudy/$match", "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}"), 400,
        "no Patient");
    ReadIT.assertOutcome(post("/ResearchStudy/$match", "{\"resourceType\":\"Patient\",\"gender\":\"male\"}"), 400,
        "send a Parameters resource");
    ReadIT.assertOutcome(post("/ResearchStudy/$match", ""), 400, "needs a body");
    ReadIT.assertOutcome(post("/ResearchStudy/$match", json(parameters(patient)
        .addParameter("colour", new StringType("blue")))), 400, "unknown parameter colour");
    ReadIT.assertOutcome(post("/ResearchStudy/$match", json(parameters(patient)
        .addParameter("zipCode", new StringType("77030")))), 400, "zipCode");
    ReadIT.assertOutcome(post("/ResearchStudy/$match", json(new Parameters()
        .addParameter("phase", new StringType("phase-1")))), 400, "has no trialMatchClinicalData");
    ReadIT.assertOutcome(post("/ResearchStudy/$match?phase=phase-9", fixture(PATIENT)), 400, "phase 'phase-9'");
    ReadIT.assertOutcome(post("/ResearchStudy/$match?recruitmentStatus=open", fixture(PATIENT)), 400,
        "recruitmentStatus 'open'");
    ReadIT.assertOutcome(post("/ResearchStudy/$match?date=2025-13-01", fixture(PATIENT)), 400, "date '2025-13-01'");
    ReadIT.assertOutcome(post("/ResearchStudy/$match?includeIneligible=yes", fixture(PATIENT)), 400,
        "includeIneligible 'yes'");
    ReadIT.assertOutcome(post("/ResearchStudy/$match?travelRadius=50", fixture(PATIENT)), 400, "travelRadius");
    HttpResponse<String> get = server.get("/ResearchStudy/$match");
    assertEquals(405, get.statusCode(), get.body());
    assertFalse(TestServer.parse(OperationOutcome.class, get).getIssue().isEmpty());
  }

  @Test
  void theAnswerIsAPageOfTheRankingAndTheTotalCountsThemAll() {
    String everyStudy = "/ResearchStudy/$match?date=" + DAY + "&includeIneligible=true";
    Bundle whole = TestServer.parse(Bundle.class, post(everyStudy, fixture(PATIENT)));
    int total = server.store().all("ResearchStudy").size();
    assertEquals(total, whole.getTotal());
    assertEquals(total, whole.getEntry().size(), "fewer studies than the default _count: all of them");
    // pages of two, through the URL, put together are the whole answer, entry for entry
    List<BundleEntryComponent> paged = new ArrayList<>();
    for (int offset = 0; offset < total + 2; offset += 2) {
      HttpResponse<String> response = post(everyStudy + "&_count=2&_offset=" + offset, fixture(PATIENT));
      assertEquals(200, response.statusCode(), response.body());
      Bundle page = TestServer.parse(Bundle.class, response);
      assertEquals(total, page.getTotal());
      assertEquals(Math.max(0, Math.min(2, total - offset)), page.getEntry().size(), "_offset=" + offset);
      paged.addAll(page.getEntry());
    }
    assertEquals(total, paged.size());
    for (int i = 0; i < total; i++) {
      assertTrue(whole.getEntry().get(i).equalsDeep(paged.get(i)), "entry " + i + " of the pages");
    }
    // in the Parameters body, through the generic client
    Bundle best = match(parameters(patient).addParameter("date", new DateType(DAY))
        .addParameter("includeIneligible", new BooleanType(true)).addParameter("_count", new IntegerType(1)));
    assertEquals(total, best.getTotal());
    assertEquals(1, best.getEntry().size());
    assertTrue(whole.getEntry().get(0).equalsDeep(best.getEntry().get(0)));
    // _count=0: how many match, and no entry
    Bundle howMany = match(parameters(patient).addParameter("date", new DateType(DAY))
        .addParameter("_count", new IntegerType(0)));
    assertEquals(1, howMany.getTotal(), "the AML trial");
    assertEquals(List.of(), howMany.getEntry());
    // more than the maximum: the maximum, and here every study
    HttpResponse<String> many = post(everyStudy + "&_count=100000", fixture(PATIENT));
    assertEquals(200, many.statusCode(), many.body());
    assertEquals(total, TestServer.parse(Bundle.class, many).getEntry().size());
  }

  @Test
  void aCountOrOffsetThatIsNotAWholeNumberIs400() {
    ReadIT.assertOutcome(post("/ResearchStudy/$match?_count=-1", fixture(PATIENT)), 400,
        "_count '-1' is not a whole number");
    ReadIT.assertOutcome(post("/ResearchStudy/$match?_count=ten", fixture(PATIENT)), 400, "_count 'ten'");
    ReadIT.assertOutcome(post("/ResearchStudy/$match?_offset=1.5", fixture(PATIENT)), 400, "_offset '1.5'");
    ReadIT.assertOutcome(post("/ResearchStudy/$match?_count=1&_count=2", fixture(PATIENT)), 400,
        "_count is given more than once");
    ReadIT.assertOutcome(post("/ResearchStudy/$match?_count=1", json(parameters(patient)
        .addParameter("_count", new IntegerType(2)))), 400, "_count is given more than once");
  }

  /**
   * A 400 for the URL's parameters leaves the connection usable: the body is read before anything is refused, so the
   * server has no unread body to close the connection over. The body arrives in two parts, the second only after a
   * pause, as from a slow client: a server that answered before reading it would close the connection under the
   * client's next request, which would then get no answer at all (seen in CI).
   */
  @Test
  void aRefusedMatchKeepsItsConnectionForTheNextRequest() throws Exception {
    byte[] body = fixture(PATIENT).getBytes(StandardCharsets.UTF_8);
    try (RawConnection connection = new RawConnection(server)) {
      connection.send(connection.head("POST", "/ResearchStudy/$match?_count=ten", "application/fhir+json",
          body.length));
      connection.send(body, 0, body.length / 2);
      Thread.sleep(300);
      connection.send(body, body.length / 2, body.length - body.length / 2);
      RawResponse refused = connection.read();
      assertTrue(refused.statusLine().startsWith("HTTP/1.1 400"), refused.statusLine());
      assertTrue(refused.body().contains("_count 'ten'"), refused.body());
      assertFalse(refused.headers().toLowerCase(Locale.ROOT).contains("connection: close"), refused.headers());

      connection.send(connection.head("GET", "/metadata", null, 0));
      RawResponse next = connection.read();
      assertTrue(next.statusLine().startsWith("HTTP/1.1 200"), next.statusLine());
      assertTrue(next.body().contains("\"CapabilityStatement\""), next.body());
    }
  }

  @Test
  void theDefinitionDeclaresExactlyTheParametersTheOperationTakes() {
    OperationDefinition definition = client.read().resource(OperationDefinition.class).withId("match").execute();
    Set<String> declared = new TreeSet<>();
    definition.getParameter().stream().filter(p -> p.getUse() == OperationDefinition.OperationParameterUse.IN)
        .forEach(p -> declared.add(p.getName()));
    assertEquals(new TreeSet<>(MatchRequestReader.PARAMETERS), declared);
  }

  private static Parameters parameters(Bundle data) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("trialMatchClinicalData").setResource(data.copy());
    return parameters;
  }

  private static Bundle match(Parameters parameters) {
    return client.operation().onType(ResearchStudy.class).named("$match").withParameters(parameters)
        .returnResourceType(Bundle.class).execute();
  }

  private static HttpResponse<String> post(String path, String body) {
    return server.send(HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)),
        "Content-Type", "application/fhir+json");
  }

  private static String json(Parameters parameters) {
    return TestServer.CTX.newJsonParser().encodeResourceToString(parameters);
  }

  private static List<String> ids(Bundle result) {
    return result.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
  }

  private static Extension criterion(BundleEntryComponent entry, String id) {
    return entry.getSearch().getExtensionsByUrl(MatchBundleWriter.MATCH_CRITERION).stream()
        .filter(e -> id.equals(sub(e, "id"))).findFirst().orElseThrow(() -> new AssertionError("no criterion " + id));
  }

  private static String sub(Extension extension, String url) {
    Extension sub = extension.getExtensionByUrl(url);
    return sub == null ? null : sub.getValue().primitiveValue();
  }

  private static String fixture(String path) {
    try (InputStream in = MatchIT.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
