package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** read, vread, ETag/Last-Modified/304, formats, and the error paths: 404, 405, 413, 415, every one an OperationOutcome. */
class ReadIT {
  private static TestServer server;
  private static IGenericClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    client = server.client();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void readsAStudyByItsRegistryIdWithVersionStamps() {
    ResearchStudy study = client.read().resource(ResearchStudy.class).withId("NCT07066982").execute();
    assertEquals("NCT07066982", study.getIdElement().getIdPart());
    assertEquals("1", study.getMeta().getVersionId());
    assertEquals("1", study.getIdElement().getVersionIdPart());
    assertTrue(study.getMeta().hasLastUpdated());
    // Identity contract: the CT.gov identifier is there.
    assertTrue(study.getIdentifier().stream()
        .anyMatch(i -> "https://clinicaltrials.gov".equals(i.getSystem()) && "NCT07066982".equals(i.getValue())));
  }

  @Test
  void vreadsVersionOneAndAnswers404ForAnotherVersion() {
    Group group = client.read().resource(Group.class).withIdAndVersion("NCT07066982-eligibility", "1").execute();
    assertEquals("1", group.getMeta().getVersionId());

    HttpResponse<String> missing = server.get("/Group/NCT07066982-eligibility/_history/7");
    assertOutcome(missing, 404, "has no version 7");
  }

  @Test
  void readSendsETagAndLastModifiedAndIfNoneMatchGives304() {
    HttpResponse<String> first = server.get("/ResearchStudy/NCT06690827");
    assertEquals(200, first.statusCode());
    assertEquals("W/\"1\"", first.headers().firstValue("ETag").orElseThrow());
    String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();
    ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME);

    HttpResponse<String> again = server.get("/ResearchStudy/NCT06690827", "If-None-Match", "W/\"1\"");
    assertEquals(304, again.statusCode());
    assertTrue(again.body().isEmpty());

    HttpResponse<String> stale = server.get("/ResearchStudy/NCT06690827", "If-None-Match", "W/\"0\"");
    assertEquals(200, stale.statusCode());
  }

  @Test
  void unknownIdIs404NamingIt() {
    assertThrows(ResourceNotFoundException.class,
        () -> client.read().resource(ResearchStudy.class).withId("NCT00000000").execute());
    assertOutcome(server.get("/ResearchStudy/NCT00000000"), 404, "ResearchStudy/NCT00000000");
  }

  @Test
  void unknownTypeIs404NamingIt() {
    assertOutcome(server.get("/Patient/1"), 404, "Patient");
  }

  @ParameterizedTest(name = "{0} {1} is 405")
  @CsvSource({
    "POST, /ResearchStudy",
    "PUT, /ResearchStudy/NCT07066982",
    "DELETE, /ResearchStudy/NCT07066982",
    "PATCH, /ResearchStudy/NCT07066982",
    "POST, ''",
    "POST, /ResearchStudy/$import-record",
  })
  void writesAre405WithAnOperationOutcome(String method, String path) {
    String body = "{\"resourceType\":\"ResearchStudy\",\"status\":\"active\"}";
    HttpResponse<String> response = server.send(
        HttpRequest.newBuilder(server.uri(path)).method(method, HttpRequest.BodyPublishers.ofString(body)),
        "Content-Type", "application/fhir+json");
    assertOutcome(response, 405, "read-only");
    assertTrue(response.headers().firstValue("Allow").orElse("").contains("GET"));
    // Nothing changed.
    assertEquals("1", client.read().resource(ResearchStudy.class).withId("NCT07066982").execute().getMeta().getVersionId());
  }

  @Test
  void unsupportedBodyMediaTypeIs415() {
    HttpResponse<String> response = server.send(
        HttpRequest.newBuilder(server.uri("/ResearchStudy/$validate")).POST(HttpRequest.BodyPublishers.ofString("hi")),
        "Content-Type", "text/plain");
    assertOutcome(response, 415, "text/plain");
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    // Raw HTTP: announce a body one byte over the limit and send none; the answer must come without it.
    String response = server.announceBody("POST", "/ResearchStudy/$validate", ReadOnlyRules.MAX_BODY_BYTES + 1);
    assertTrue(response.startsWith("HTTP/1.1 413"), response);
    assertTrue(response.contains("\"resourceType\":\"OperationOutcome\"") && response.contains("at most"), response);
  }

  @Test
  void servesXmlByAcceptHeaderAndFormatParameter() {
    HttpResponse<String> byAccept = server.get("/ResearchStudy/NCT07066982", "Accept", "application/fhir+xml");
    assertTrue(byAccept.headers().firstValue("Content-Type").orElseThrow().startsWith("application/fhir+xml"));
    assertEquals("NCT07066982", TestServer.parse(ResearchStudy.class, byAccept).getIdElement().getIdPart());

    HttpResponse<String> byFormat = server.get("/ResearchStudy/NCT07066982?_format=xml&_pretty=true");
    assertTrue(byFormat.body().startsWith("<ResearchStudy"));
    assertTrue(byFormat.body().contains("\n"), "_pretty=true indents");

    HttpResponse<String> json = server.get("/ResearchStudy/NCT07066982");
    assertTrue(json.headers().firstValue("Content-Type").orElseThrow().startsWith("application/fhir+json"));
  }

  @Test
  void gzipsWhenAskedAndAllowsCrossOriginBrowsers() {
    HttpResponse<String> gzipped = server.get("/metadata", "Accept-Encoding", "gzip");
    assertEquals("gzip", gzipped.headers().firstValue("Content-Encoding").orElse(""));

    HttpResponse<String> cors = server.get("/ResearchStudy/NCT07066982", "Origin", "https://app.example.org");
    assertFalse(cors.headers().firstValue("Access-Control-Allow-Origin").orElse("").isEmpty());
    assertTrue(cors.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains("ETag"));
  }

  /** The response has the status and an OperationOutcome whose error mentions {@code text}. */
  static OperationOutcome assertOutcome(HttpResponse<String> response, int status, String text) {
    assertEquals(status, response.statusCode(), response.body());
    OperationOutcome outcome = assertInstanceOf(OperationOutcome.class,
        TestServer.CTX.newJsonParser().parseResource(response.body()), response.body());
    assertTrue(outcome.getIssue().stream().anyMatch(i -> i.getDiagnostics() != null && i.getDiagnostics().contains(text)),
        "expected an issue mentioning '" + text + "': " + response.body());
    return outcome;
  }
}
