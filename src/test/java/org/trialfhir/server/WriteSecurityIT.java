package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trialfhir.server.ReadIT.assertOutcome;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The write guard on a server started with a token: 401 without it (with a Bearer challenge), 403 with another one,
 * the token never echoed or logged; 405 for patch, conformance types and conditional update/delete; 413, 415, XML
 * external entities never resolved, no stack traces in answers. Reads stay public.
 */
class WriteSecurityIT {
  private static final String TOKEN = "security-it-Zx81-token";
  private static final String ORGANIZATION = "{\"resourceType\":\"Organization\",\"name\":\"Guarded Org\","
      + "\"text\":{\"status\":\"generated\","
      + "\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">Guarded</div>\"}}";

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.startWritable(TOKEN);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @ParameterizedTest(name = "{0} {1} without a token is 401")
  @CsvSource({
    "POST, /Organization",
    "PUT, /Organization/org-guarded",
    "DELETE, /Organization/org-guarded",
    "POST, ''",
    "POST, /ResearchStudy/$import-record",
  })
  void writesWithoutATokenAre401WithABearerChallenge(String method, String path) {
    HttpResponse<String> response = send(method, path, ORGANIZATION);
    assertOutcome(response, 401, "Authorization: Bearer");
    assertEquals(WriteAccess.CHALLENGE, response.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertOutcome(send(method, path, ORGANIZATION, "Authorization", "Basic dXNlcjpwYXNz"), 401, "Bearer");
    assertOutcome(send(method, path, ORGANIZATION, "Authorization", "Bearer "), 401, "Bearer");
  }

  @Test
  void aWrongTokenIs403AndIsNeverEchoed() {
    String wrong = "guess-" + TOKEN;
    int organizations = server.store().all("Organization").size();
    HttpResponse<String> response = send("POST", "/Organization", ORGANIZATION, "Authorization", "Bearer " + wrong);
    assertOutcome(response, 403, "does not allow writes");
    assertFalse(response.body().contains(wrong));
    assertFalse(response.headers().map().toString().contains(wrong));
    assertEquals(organizations, server.store().all("Organization").size());
    // A prefix of the right token is not the token either.
    assertEquals(403, send("POST", "/Organization", ORGANIZATION, "Authorization",
        "Bearer " + TOKEN.substring(0, TOKEN.length() - 1)).statusCode());
  }

  @Test
  void theTokenAppearsInNoLogLineOfAWriteOrARefusal() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(201, send("POST", "/Organization", ORGANIZATION, "Authorization", "Bearer " + TOKEN).statusCode());
      assertEquals(403, send("POST", "/Organization", ORGANIZATION, "Authorization", "Bearer x" + TOKEN).statusCode());
      assertEquals(400, send("POST", "/Organization", "{not json", "Authorization", "Bearer " + TOKEN).statusCode());
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertFalse(log.contains(TOKEN), log);
  }

  @Test
  void readsAndValidateStayPublic() {
    assertEquals(200, server.get("/ResearchStudy/NCT07066982").statusCode());
    assertEquals(200, server.get("/ResearchStudy?status=active").statusCode());
    assertEquals(200, server.get("/ResearchStudy/NCT07066982/_history").statusCode());
    assertEquals(200, send("POST", "/Organization/$validate", ORGANIZATION).statusCode());
  }

  @ParameterizedTest(name = "{0} {1} is 405 even with the token")
  @CsvSource({
    "PATCH, /Organization/org-x, Patch is not supported",
    "PUT, /StructureDefinition/trial-organization, read-only on this server",
    "POST, /CodeSystem, read-only on this server",
    "DELETE, /OperationDefinition/import-record, read-only on this server",
    "DELETE, /Organization?name=Guarded, Conditional delete",
    "PUT, /Organization?name=Guarded, Conditional update",
    "POST, /Organization/org-x, not an interaction",
  })
  void unsupportedWritesAre405(String method, String path, String message) {
    HttpResponse<String> response = send(method, path, ORGANIZATION, "Authorization", "Bearer " + TOKEN);
    assertOutcome(response, 405, message);
    assertTrue(response.headers().firstValue("Allow").isPresent());
  }

  @Test
  void xmlExternalEntitiesAreNeverResolved(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET-MARKER");
    String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE Organization [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
        + "<Organization xmlns=\"http://hl7.org/fhir\"><text><status value=\"generated\"/>"
        + "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div></text><name value=\"&xxe;\"/></Organization>";
    int organizations = server.store().all("Organization").size();
    List<HttpResponse<String>> answers = new ArrayList<>();
    answers.add(sendXml("POST", "/Organization", xxe, "Authorization", "Bearer " + TOKEN));
    answers.add(sendXml("POST", "/Organization/$validate", xxe));
    answers.add(sendXml("POST", "/ResearchStudy/$import-record", "<?xml version=\"1.0\"?>\n<!DOCTYPE Parameters"
        + " [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n<Parameters xmlns=\"http://hl7.org/fhir\">"
        + "<parameter><name value=\"record\"/><valueString value=\"&xxe;\"/></parameter></Parameters>",
        "Authorization", "Bearer " + TOKEN));
    for (HttpResponse<String> answer : answers) {
      assertTrue(answer.statusCode() >= 400 && answer.statusCode() < 500, answer.statusCode() + " " + answer.body());
      assertFalse(answer.body().contains("TOP-SECRET-MARKER"), answer.body());
      TestServer.parse(org.hl7.fhir.r4.model.OperationOutcome.class, answer);
    }
    assertEquals(organizations, server.store().all("Organization").size());
  }

  @Test
  void errorAnswersCarryNoStackTrace() {
    List<HttpResponse<String>> answers = List.of(
        send("POST", "/Organization", "{not json", "Authorization", "Bearer " + TOKEN),
        send("PUT", "/Organization/org-x", "{\"resourceType\":\"Patient\"}", "Authorization", "Bearer " + TOKEN),
        send("POST", "", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{}]}",
            "Authorization", "Bearer " + TOKEN),
        send("POST", "/ResearchStudy/$import-record", "\u0000\u0001binary", "Authorization", "Bearer " + TOKEN));
    for (HttpResponse<String> answer : answers) {
      assertEquals(400, answer.statusCode(), answer.body());
      assertFalse(answer.body().contains(".java:") || answer.body().contains("\tat "), answer.body());
    }
  }

  @Test
  void aTextBodyIs415ExceptForImportRecord() {
    HttpResponse<String> create = send("POST", "/Organization", "name=x", "Authorization", "Bearer " + TOKEN,
        "Content-Type", "text/plain");
    assertOutcome(create, 415, "text/plain");
    HttpResponse<String> csv = send("POST", "/ResearchStudy/$import-record", "a,b", "Authorization", "Bearer " + TOKEN,
        "Content-Type", "text/csv");
    assertOutcome(csv, 415, "text/csv");
  }

  @Test
  void anOversizedWriteIs413BeforeItsBodyIsRead() throws Exception {
    String response = server.announceBody("PUT", "/Organization/org-big", ReadOnlyRules.MAX_BODY_BYTES + 1,
        "Authorization: Bearer " + TOKEN);
    assertTrue(response.startsWith("HTTP/1.1 413"), response);
    assertTrue(response.contains("\"resourceType\":\"OperationOutcome\""), response);
  }

  /** Sends JSON (unless a Content-Type is among the headers). */
  private static HttpResponse<String> send(String method, String path, String body, String... headers) {
    List<String> all = new ArrayList<>(List.of(headers));
    if (!all.contains("Content-Type")) {
      all.addAll(List.of("Content-Type", "application/fhir+json"));
    }
    return server.send(HttpRequest.newBuilder(server.uri(path))
        .method(method, HttpRequest.BodyPublishers.ofString(body)), all.toArray(String[]::new));
  }

  private static HttpResponse<String> sendXml(String method, String path, String body, String... headers) {
    List<String> all = new ArrayList<>(List.of(headers));
    all.addAll(List.of("Content-Type", "application/fhir+xml"));
    return server.send(HttpRequest.newBuilder(server.uri(path))
        .method(method, HttpRequest.BodyPublishers.ofString(body)), all.toArray(String[]::new));
  }
}
