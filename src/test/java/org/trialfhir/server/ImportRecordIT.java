package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trialfhir.server.ReadIT.assertOutcome;
import static org.trialfhir.server.WriteIT.assertValid;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.store.TrialStore;
import org.trialfhir.testing.Cases;

/**
 * {@code POST /fhir/ResearchStudy/$import-record} with page text, CT.gov API v2 JSON and a Parameters body, against the
 * real server: what is stored, its versions, the answer (which validates), re-imports, concurrency, bad records.
 * New trials are made from the golden cases by giving them another NCT id, so they are real records.
 */
class ImportRecordIT {
  private static final String TOKEN = WriteIT.TOKEN;
  private static final String PATH = "/ResearchStudy/$import-record";

  private static TestServer server;
  private static IGenericClient client;

  @BeforeAll
  static void start() {
    server = TestServer.startWritable(TOKEN);
    client = server.client(TOKEN);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void aNewPageIsStoredWholeAndTheAnswerListsEveryResourceWithItsVersion() {
    String page = renamed("NCT07066982", "NCT09990001");
    Parameters answer = importOk(page, "text/plain");
    assertEquals("NCT09990001", ((Identifier) answer.getParameter("registryId").getValue()).getValue());
    assertEquals("ctgov-page", answer.getParameter("format").getValue().primitiveValue());
    Map<String, String> actions = actions(answer);
    assertEquals("created 1", actions.get("ResearchStudy/NCT09990001"));
    assertEquals("created 1", actions.get("PlanDefinition/NCT09990001-protocol"));
    assertEquals("created 1", actions.get("Group/NCT09990001-eligibility"));
    // The sponsor is shared with the sample trial, stored already and identical: no new version.
    assertEquals("unchanged 1", actions.get("Organization/org-essen-biotech"));
    assertValid(answer);

    ResearchStudy study = client.read().resource(ResearchStudy.class).withId("NCT09990001").execute();
    assertEquals("1", study.getMeta().getVersionId());
    assertValid(study);
    for (String key : actions.keySet()) {
      String[] parts = key.split("/");
      Resource stored = server.store().read(parts[0], parts[1]).orElseThrow(() -> new AssertionError(key));
      assertValid(stored);
    }
    // Every resource of the trial and only those: the same as converting the record offline.
    assertEquals(actions.keySet().size(), answer.getParameters("resource").size());
  }

  @Test
  void reimportingAnUnchangedRecordMakesNoVersionAndAChangedOneMakesVersion2() {
    String page = renamed("NCT07066982", "NCT09990002");
    importOk(page, "text/plain");
    Map<String, String> again = actions(importOk(page, "text/plain"));
    assertTrue(again.values().stream().allMatch(a -> a.equals("unchanged 1")), again.toString());
    assertEquals(1, server.store().history("ResearchStudy", "NCT09990002").size());

    String changed = page.replace("60 participants", "75 participants");
    Map<String, String> updated = actions(importOk(changed, "text/plain"));
    assertEquals("updated 2", updated.get("ResearchStudy/NCT09990002"));
    assertEquals("unchanged 1", updated.get("Group/NCT09990002-eligibility"));
    ResearchStudy study = client.read().resource(ResearchStudy.class).withId("NCT09990002").execute();
    assertEquals("2", study.getMeta().getVersionId());
    assertTrue(client.search().byUrl("ResearchStudy?_id=NCT09990002").returnBundle(Bundle.class).execute()
        .getTotal() == 1);
  }

  @Test
  void theBundledSamplesImportUnchanged() {
    Map<String, String> actions = actions(importOk(Cases.read(Cases.input("NCT06412458")), "text/plain"));
    assertTrue(actions.values().stream().allMatch(a -> a.startsWith("unchanged")), actions.toString());
  }

  @Test
  void ctgovJsonIsImported() {
    String json = Cases.read(Cases.input("NCT06690827-json")).replace("NCT06690827", "NCT09990003");
    Parameters answer = importOk(json, "application/json");
    assertEquals("ctgov-json", answer.getParameter("format").getValue().primitiveValue());
    assertEquals("created 1", actions(answer).get("ResearchStudy/NCT09990003"));
    assertValid(client.read().resource(ResearchStudy.class).withId("NCT09990003").execute());
  }

  @Test
  void aParametersBodyWithAStringOrAnAttachmentIsImported() {
    Parameters asString = new Parameters();
    asString.addParameter().setName("record").setValue(new StringType(renamed("NCT07052565", "NCT09990004")));
    Parameters answer = client.operation().onType(ResearchStudy.class).named("$import-record")
        .withParameters(asString).execute();
    assertEquals("created 1", actions(answer).get("ResearchStudy/NCT09990004"));

    Parameters asAttachment = new Parameters();
    asAttachment.addParameter().setName("record").setValue(new Attachment().setContentType("text/plain")
        .setData(renamed("NCT03754764", "NCT09990005").getBytes(StandardCharsets.UTF_8)));
    HttpResponse<String> xml = post(TestServer.CTX.newXmlParser().encodeResourceToString(asAttachment),
        "application/fhir+xml");
    assertEquals(200, xml.statusCode(), xml.body());
    assertEquals("created 1", actions(TestServer.parse(Parameters.class, xml)).get("ResearchStudy/NCT09990005"));
    assertEquals("medpath-page", TestServer.parse(Parameters.class, xml).getParameter("format").getValue()
        .primitiveValue());
  }

  @Test
  void theReadersDiagnosticsAreInTheAnswer() {
    // NCT07066982 states 60 participants in the enrollment field and "approximately 40" in the description.
    Parameters answer = importOk(renamed("NCT07066982", "NCT09990006"), "text/plain");
    List<ParametersParameterComponent> diagnostics = answer.getParameters("diagnostic");
    assertFalse(diagnostics.isEmpty());
    assertTrue(diagnostics.stream().anyMatch(d -> part(d, "stage").equals("read")
        && part(d, "message").contains("60")), diagnostics.stream().map(d -> part(d, "message")).toList().toString());
  }

  @Test
  void whatARecordNoLongerProducesIsDeletedWithIt() {
    String page = renamed("NCT07066982", "NCT09990007");
    importOk(page, "text/plain");
    assertTrue(server.store().read("ActivityDefinition", "NCT09990007-cyclophosphamide").isPresent());
    StringBuilder without = new StringBuilder();
    for (String line : page.split("\n", -1)) {
      if (!line.toLowerCase().contains("cyclophosphamide")) {
        without.append(line).append('\n');
      }
    }
    Map<String, String> actions = actions(importOk(without.toString(), "text/plain"));
    assertEquals("deleted 2", actions.get("ActivityDefinition/NCT09990007-cyclophosphamide"), actions.toString());
    assertTrue(server.store().read("ActivityDefinition", "NCT09990007-cyclophosphamide").isEmpty());
    assertOutcome(server.get("/ActivityDefinition/NCT09990007-cyclophosphamide"), 410, "was deleted");
    // The shared sponsor is never deleted.
    assertTrue(server.store().read("Organization", "org-essen-biotech").isPresent());
  }

  @Test
  void concurrentImportsOfOneRecordMakeOneVersion() throws Exception {
    String page = renamed("NCT07066982", "NCT09990008");
    List<Integer> statuses = inParallel(6, () -> post(page, "text/plain").statusCode());
    assertEquals(List.of(200, 200, 200, 200, 200, 200), statuses);
    for (TrialStore.Version version : server.store().history("ResearchStudy", "NCT09990008")) {
      assertEquals(1, version.versionId());
    }
    assertEquals(1, server.store().history("ResearchStudy", "NCT09990008").size());
    assertEquals(1, server.store().history("Group", "NCT09990008-eligibility").size());

    String changed = page.replace("60 participants", "80 participants");
    inParallel(6, () -> post(changed, "text/plain").statusCode());
    assertEquals(2, server.store().history("ResearchStudy", "NCT09990008").size());
  }

  @Test
  void aBodyThatIsNoTrialRecordIs400AndStoresNothing() {
    int studies = server.store().all("ResearchStudy").size();
    assertOutcome(post("Minutes of the Tuesday meeting", "text/plain"), 400, "not a trial record");
    assertOutcome(post("<!DOCTYPE html><html><body>hi</body></html>", "text/plain"), 400, "an HTML page");
    assertOutcome(post("{\"studies\":[]}", "application/json"), 400, "no protocolSection");
    assertOutcome(post("", "text/plain"), 400, "needs a body");
    assertOutcome(post("{\"resourceType\":\"Parameters\"}", "application/fhir+json"), 400, "no 'record' part");
    assertOutcome(post("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"url\",\"valueString\":\"x\"}]}",
        "application/fhir+json"), 400, "no parameter 'url'");
    assertOutcome(post("{\"resourceType\":\"Patient\"}", "application/fhir+json"), 400, "FHIR Patient");
    assertEquals(studies, server.store().all("ResearchStudy").size());
  }

  @Test
  void theOperationIsDeclaredAndItsDefinitionServedAndValid() {
    HttpResponse<String> definition = server.get("/OperationDefinition/import-record");
    assertEquals(200, definition.statusCode());
    assertValid(TestServer.parse(org.hl7.fhir.r4.model.OperationDefinition.class, definition));
  }

  private static Parameters importOk(String record, String contentType) {
    HttpResponse<String> response = post(record, contentType);
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("ETag").orElseThrow().startsWith("W/\""));
    return TestServer.parse(Parameters.class, response);
  }

  private static HttpResponse<String> post(String body, String contentType) {
    return server.send(HttpRequest.newBuilder(server.uri(PATH)).POST(HttpRequest.BodyPublishers.ofString(body)),
        "Content-Type", contentType, "Authorization", "Bearer " + TOKEN);
  }

  /** "Type/id" → "action version" for every resource part of the answer. */
  static Map<String, String> actions(Parameters answer) {
    Map<String, String> actions = new LinkedHashMap<>();
    for (ParametersParameterComponent resource : answer.getParameters("resource")) {
      String reference = ((Reference) resource.getPart().stream().filter(p -> p.getName().equals("reference"))
          .findFirst().orElseThrow().getValue()).getReference();
      actions.put(reference, part(resource, "action") + " " + part(resource, "versionId"));
    }
    return actions;
  }

  private static String part(ParametersParameterComponent parameter, String name) {
    return parameter.getPart().stream().filter(p -> p.getName().equals(name)).findFirst()
        .map(p -> p.getValue().primitiveValue()).orElse("");
  }

  /** A golden case's record under another NCT id: a new trial as far as the server knows. */
  private static String renamed(String caseId, String newId) {
    return Cases.read(Cases.input(caseId)).replace(caseId, newId);
  }

  private static <T> List<T> inParallel(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(task));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
