package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.validation.ProfileValidator;

/**
 * {@code $validate} at type and instance level, with and without {@code profile}. The answer is 200 with an
 * OperationOutcome whether or not the resource is valid (HAPI's convention); only a request that cannot be
 * validated (no resource, wrong type, unknown profile) is a 400.
 */
class ValidateIT {
  private static TestServer server;
  private static IGenericClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    client = server.client();
    // Builds the chain once for the JVM, so the first test does not carry the seconds it takes.
    ProfileValidator.shared().warmUp();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void aValidResourceHasNoErrors() {
    // Our own CodeSystem, as served, with and without naming the base profile.
    CodeSystem phases = client.read().resource(CodeSystem.class).withId("ctgov-phase").execute();
    assertEquals(List.of(), errors(validate("CodeSystem", phases, null)));
    assertEquals(List.of(), errors(validate("CodeSystem", phases, "http://hl7.org/fhir/StructureDefinition/CodeSystem")));

    ResearchStudy minimal = new ResearchStudy().setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    assertEquals(List.of(), errors(validate("ResearchStudy", minimal, "http://hl7.org/fhir/StructureDefinition/ResearchStudy")));
  }

  @Test
  void anInvalidResourceHasErrorsSayingWhat() {
    // R4 ResearchStudy.status is required; "colour" is no element of it.
    HttpResponse<String> response = post("/ResearchStudy/$validate", "{\"resourceType\":\"ResearchStudy\",\"colour\":\"blue\"}");
    assertEquals(200, response.statusCode());
    List<String> errors = errors(TestServer.CTX.newJsonParser().parseResource(OperationOutcome.class, response.body()));
    assertTrue(errors.stream().anyMatch(e -> e.contains("colour")), errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.contains("status")), errors.toString());
  }

  @Test
  void theProfileParameterIsApplied() {
    ResearchStudy study = new ResearchStudy().setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    // A ResearchStudy is not a Group: validating against the Group profile must fail.
    assertFalse(errors(validate("ResearchStudy", study, "http://hl7.org/fhir/StructureDefinition/Group")).isEmpty());

    // The same through a Parameters body (resource + profile), as the operation defines.
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("resource").setResource(study);
    parameters.addParameter().setName("profile").setValue(new UriType("http://hl7.org/fhir/StructureDefinition/Group"));
    HttpResponse<String> response = post("/ResearchStudy/$validate", TestServer.CTX.newJsonParser().encodeResourceToString(parameters));
    assertEquals(200, response.statusCode());
    assertFalse(errors(TestServer.CTX.newJsonParser().parseResource(OperationOutcome.class, response.body())).isEmpty());
  }

  @Test
  void ourProfileForTheTypeAppliesWithoutMetaProfile() {
    List<String> profiles = TrialFhirServer.profilesByType(server.store()).getOrDefault("ResearchStudy", List.of());
    Assumptions.assumeFalse(profiles.isEmpty(),
        "profiles/ has no ResearchStudy profile yet (the mapping stage adds cell-therapy-research-study)");
    // A bare study that claims no profile is still held to ours: the outcome names it.
    HttpResponse<String> response = post("/ResearchStudy/$validate", "{\"resourceType\":\"ResearchStudy\",\"status\":\"active\"}");
    assertEquals(200, response.statusCode());
    assertTrue(profiles.stream().anyMatch(response.body()::contains), response.body());
  }

  @Test
  void instanceLevelValidatesTheStoredResourceOrTheBody() {
    HttpResponse<String> stored = server.send(
        HttpRequest.newBuilder(server.uri("/ResearchStudy/NCT07066982/$validate")).POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, stored.statusCode(), stored.body());
    TestServer.CTX.newJsonParser().parseResource(OperationOutcome.class, stored.body());

    ResearchStudy body = new ResearchStudy().setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    body.setId("NCT07066982");
    MethodOutcome outcome = client.validate().resource(body).execute();
    assertTrue(outcome.getOperationOutcome() instanceof OperationOutcome);

    ReadIT.assertOutcome(server.send(HttpRequest.newBuilder(server.uri("/ResearchStudy/NCT00000000/$validate"))
        .POST(HttpRequest.BodyPublishers.noBody())), 404, "NCT00000000");
  }

  @Test
  void servesXmlBodiesToo() {
    String xml = "<ResearchStudy xmlns=\"http://hl7.org/fhir\"><status value=\"active\"/></ResearchStudy>";
    HttpResponse<String> response = server.send(
        HttpRequest.newBuilder(server.uri("/ResearchStudy/$validate")).POST(HttpRequest.BodyPublishers.ofString(xml)),
        "Content-Type", "application/fhir+xml", "Accept", "application/fhir+xml");
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().startsWith("<OperationOutcome"));
  }

  @Test
  void requestsThatCannotBeValidatedAre400() {
    ReadIT.assertOutcome(post("/ResearchStudy/$validate?profile=https://example.org/StructureDefinition/none",
        "{\"resourceType\":\"ResearchStudy\",\"status\":\"active\"}"), 400, "https://example.org/StructureDefinition/none");
    ReadIT.assertOutcome(post("/ResearchStudy/$validate", "{\"resourceType\":\"Organization\",\"name\":\"x\"}"), 400,
        "Organization");
    ReadIT.assertOutcome(post("/ResearchStudy/$validate", "{\"resourceType\":\"ResearchStudy\""), 400, "parse");
    ReadIT.assertOutcome(server.send(HttpRequest.newBuilder(server.uri("/ResearchStudy/$validate"))
        .POST(HttpRequest.BodyPublishers.noBody())), 400, "needs a resource");
  }

  private static OperationOutcome validate(String type, Resource resource, String profile) {
    String query = profile == null ? "" : "?profile=" + profile;
    HttpResponse<String> response = post("/" + type + "/$validate" + query,
        TestServer.CTX.newJsonParser().encodeResourceToString(resource));
    assertEquals(200, response.statusCode(), response.body());
    return TestServer.CTX.newJsonParser().parseResource(OperationOutcome.class, response.body());
  }

  private static HttpResponse<String> post(String path, String body) {
    return server.send(
        HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)),
        "Content-Type", "application/fhir+json");
  }

  /** The resource validates against base R4 (and the profiles it claims) with no error. */
  static void assertValid(Resource resource) {
    assertEquals(List.of(), errors(ProfileValidator.shared().validate(resource)));
  }

  static List<String> errors(OperationOutcome outcome) {
    return outcome.getIssue().stream()
        .filter(i -> i.getSeverity() == IssueSeverity.ERROR || i.getSeverity() == IssueSeverity.FATAL)
        .map(i -> i.getExpression() + " " + i.getDiagnostics())
        .collect(Collectors.toList());
  }
}
