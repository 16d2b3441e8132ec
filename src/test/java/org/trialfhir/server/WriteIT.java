package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trialfhir.server.ReadIT.assertOutcome;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.validation.ProfileValidator;

/**
 * create, update, delete and history on a server started with a write token: 201 with Location, ETag on every write
 * answer, versions, If-Match (412), If-None-Exist, validation on the way in (422), 410 for what was deleted.
 */
class WriteIT {
  static final String TOKEN = "write-it-token-7Q2c";

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
  void createAssignsAnIdAndAnswers201WithLocationAndETag() {
    Organization organization = sampleOrganization();
    organization.setName("Create Test Biotech");
    HttpResponse<String> response = send("POST", "/Organization", json(organization));
    assertEquals(201, response.statusCode(), response.body());
    String location = response.headers().firstValue("Location").orElseThrow();
    assertTrue(location.matches(".*/fhir/Organization/[0-9a-f-]{36}/_history/1"), location);
    assertEquals("W/\"1\"", response.headers().firstValue("ETag").orElseThrow());
    Organization created = TestServer.parse(Organization.class, response);
    assertEquals("1", created.getMeta().getVersionId());
    assertEquals("Create Test Biotech", created.getName());
    assertValid(created);

    Organization read = client.read().resource(Organization.class).withUrl(location).execute();
    assertEquals("Create Test Biotech", read.getName());
  }

  @Test
  void clientCreateUpdateAndReadBackAPractitioner() {
    Practitioner practitioner = client.read().resource(Practitioner.class)
        .withId(server.store().all("Practitioner").get(0).getIdElement().getIdPart()).execute();
    practitioner.setId((String) null);
    practitioner.getNameFirstRep().setText("Ada Client");
    MethodOutcome created = client.create().resource(practitioner).execute();
    assertTrue(created.getCreated());
    String id = created.getId().getIdPart();
    assertEquals("1", created.getId().getVersionIdPart());

    Practitioner changed = client.read().resource(Practitioner.class).withId(id).execute();
    changed.getNameFirstRep().setText("Ada Client-Updated");
    MethodOutcome updated = client.update().resource(changed).execute();
    assertEquals("2", updated.getId().getVersionIdPart());
    assertEquals("Ada Client-Updated",
        client.read().resource(Practitioner.class).withId(id).execute().getNameFirstRep().getText());
  }

  @Test
  void anUnchangedUpdateKeepsTheVersionAndAChangedOneAddsOne() {
    ResearchStudy study = client.read().resource(ResearchStudy.class).withId("NCT06412458").execute();
    String before = study.getMeta().getVersionId();
    int versions = server.store().history("ResearchStudy", "NCT06412458").size();

    HttpResponse<String> same = send("PUT", "/ResearchStudy/NCT06412458", json(study));
    assertEquals(200, same.statusCode(), same.body());
    assertEquals("W/\"" + before + "\"", same.headers().firstValue("ETag").orElseThrow());
    assertEquals(versions, server.store().history("ResearchStudy", "NCT06412458").size());

    study.setTitle(study.getTitle() + " (retitled)");
    HttpResponse<String> changed = send("PUT", "/ResearchStudy/NCT06412458", json(study));
    assertEquals(200, changed.statusCode(), changed.body());
    int after = Integer.parseInt(before) + 1;
    assertEquals("W/\"" + after + "\"", changed.headers().firstValue("ETag").orElseThrow());
    ResearchStudy stored = TestServer.parse(ResearchStudy.class, changed);
    assertTrue(stored.getTitle().endsWith("(retitled)"));
    assertValid(stored);
    // The old version is still there, unchanged.
    ResearchStudy old = client.read().resource(ResearchStudy.class).withIdAndVersion("NCT06412458", before).execute();
    assertFalse(old.getTitle().endsWith("(retitled)"));
  }

  @Test
  void ifMatchWithAStaleVersionIs412AndChangesNothing() {
    Practitioner practitioner = server.sample(Practitioner.class, 0);
    String id = client.create().resource(practitioner).execute().getId().getIdPart();
    practitioner.setId(id);
    practitioner.getNameFirstRep().setText("If-Match Person");
    HttpResponse<String> first = send("PUT", "/Practitioner/" + id, json(practitioner), "If-Match", "W/\"1\"");
    assertEquals(200, first.statusCode(), first.body());
    assertEquals("W/\"2\"", first.headers().firstValue("ETag").orElseThrow());

    practitioner.getNameFirstRep().setText("Lost Update");
    HttpResponse<String> stale = send("PUT", "/Practitioner/" + id, json(practitioner), "If-Match", "W/\"1\"");
    assertOutcome(stale, 412, "expected version 1 but the current version is 2");
    assertEquals("If-Match Person",
        ((Practitioner) server.store().read("Practitioner", id).orElseThrow()).getNameFirstRep().getText());

    assertThrows(PreconditionFailedException.class,
        () -> client.update().resource(practitioner).withId("Practitioner/" + id + "/_history/1").execute());
  }

  @Test
  void aResourceThatBreaksOurProfileIs422WithTheValidatorsOutcome() {
    // Valid R4, but our trial-organization profile requires a name; the body does not claim the profile.
    String body = "{\"resourceType\":\"Organization\",\"text\":{\"status\":\"generated\","
        + "\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">No name</div>\"}}";
    OperationOutcome outcome = assertOutcome(send("POST", "/Organization", body), 422, "Organization.name");
    assertFalse(ValidateIT.errors(outcome).isEmpty());
    assertValid(outcome);

    assertThrows(UnprocessableEntityException.class,
        () -> client.create().resource(new ResearchStudy()).execute());
  }

  @Test
  void anElementTheParserWouldDropIs422() {
    Organization organization = sampleOrganization();
    String body = json(organization).replaceFirst("\\{", "{\"colour\":\"blue\",");
    assertOutcome(send("POST", "/Organization", body), 422, "colour");
  }

  @Test
  void conditionalCreateFindsTheOneMatchOr412sOnSeveral() {
    int studies = server.store().all("ResearchStudy").size();
    ResearchStudy study = client.read().resource(ResearchStudy.class).withId("NCT07066982").execute();
    study.setId((String) null);
    HttpResponse<String> existing = send("POST", "/ResearchStudy", json(study),
        "If-None-Exist", "identifier=https://clinicaltrials.gov|NCT07066982");
    assertEquals(200, existing.statusCode(), existing.body());
    assertEquals("NCT07066982", TestServer.parse(ResearchStudy.class, existing).getIdElement().getIdPart());
    assertEquals(studies, server.store().all("ResearchStudy").size());

    assertOutcome(send("POST", "/Organization", json(sampleOrganization()), "If-None-Exist", "_lastUpdated=gt2000"),
        412, "matches");

    Organization fresh = sampleOrganization();
    fresh.setName("Only Once Oncology");
    HttpResponse<String> created = send("POST", "/Organization", json(fresh), "If-None-Exist",
        "name:exact=Only Once Oncology");
    assertEquals(201, created.statusCode(), created.body());
    HttpResponse<String> again = send("POST", "/Organization", json(fresh), "If-None-Exist",
        "name:exact=Only Once Oncology");
    assertEquals(200, again.statusCode(), again.body());
    assertEquals(TestServer.parse(Organization.class, created).getIdElement().getIdPart(),
        TestServer.parse(Organization.class, again).getIdElement().getIdPart());

    assertOutcome(send("POST", "/Organization", json(fresh), "If-None-Exist", "colour=blue"), 400, "colour");
  }

  @Test
  void deleteRecordsAVersionAfterWhichReadsAre410AndHistoryShowsIt() {
    Location site = server.sample(Location.class, 0).setName("Short-lived Site");
    String id = client.create().resource(site).execute().getId().getIdPart();

    HttpResponse<String> deleted = send("DELETE", "/Location/" + id, null);
    assertEquals(200, deleted.statusCode(), deleted.body());
    assertEquals("W/\"2\"", deleted.headers().firstValue("ETag").orElseThrow());
    assertOutcome(deleted, 200, "deleted (version 2)");

    assertOutcome(server.get("/Location/" + id), 410, "was deleted");
    assertThrows(ResourceGoneException.class, () -> client.read().resource(Location.class).withId(id).execute());
    assertOutcome(server.get("/Location/" + id + "/_history/2"), 410, "records its deletion");
    assertEquals(200, server.get("/Location/" + id + "/_history/1").statusCode());
    assertOutcome(server.get("/Location/" + id + "/_history/3"), 404, "has no version 3");
    assertFalse(server.get("/Location?name=Short-lived").body().contains(id));

    assertOutcome(send("DELETE", "/Location/" + id, null), 200, "already deleted");
    assertOutcome(send("DELETE", "/Location/no-such-site", null), 404, "not known");

    Bundle history = client.history().onInstance("Location/" + id).returnBundle(Bundle.class).execute();
    assertEquals(2, history.getTotal());
    assertEquals(HTTPVerb.DELETE, history.getEntry().get(0).getRequest().getMethod());
    assertFalse(history.getEntry().get(0).hasResource());
    assertEquals(HTTPVerb.POST, history.getEntry().get(1).getRequest().getMethod());
    assertEquals("Short-lived Site", ((Location) history.getEntry().get(1).getResource()).getName());
    assertValid(history);

    // Putting it back is an update-as-create: version 3.
    site.setId(id);
    HttpResponse<String> back = send("PUT", "/Location/" + id, json(site));
    assertEquals(201, back.statusCode(), back.body());
    assertEquals("W/\"3\"", back.headers().firstValue("ETag").orElseThrow());
  }

  @Test
  void deleteWithAStaleIfMatchIs412() {
    Location site = server.sample(Location.class, 1);
    String id = client.create().resource(site).execute().getId().getIdPart();
    site.setId(id);
    site.setName("Renamed");
    client.update().resource(site).execute();
    assertOutcome(send("DELETE", "/Location/" + id, null, "If-Match", "W/\"1\""), 412, "current version is 2");
    assertEquals(200, send("DELETE", "/Location/" + id, null, "If-Match", "W/\"2\"").statusCode());
  }

  @Test
  void historyListsEveryVersionNewestFirstAndValidates() {
    ResearchStudy study = client.read().resource(ResearchStudy.class).withId("NCT03754764").execute();
    study.setDescription(study.getDescription() + "\n\nEdited.");
    client.update().resource(study).execute();
    Bundle history = client.history().onInstance("ResearchStudy/NCT03754764").returnBundle(Bundle.class).execute();
    assertEquals(Bundle.BundleType.HISTORY, history.getType());
    assertEquals(2, history.getTotal());
    assertEquals("2", history.getEntry().get(0).getResource().getMeta().getVersionId());
    assertEquals(HTTPVerb.PUT, history.getEntry().get(0).getRequest().getMethod());
    assertEquals("1", history.getEntry().get(1).getResource().getMeta().getVersionId());
    assertValid(history);

    assertOutcome(server.get("/ResearchStudy/NCT00000000/_history"), 404, "not known");
  }

  @Test
  void updateNeedsTheBodyIdToBeTheUrlId() {
    Organization organization = sampleOrganization();
    organization.setId("org-somewhere-else");
    String id = server.store().all("Organization").get(0).getIdElement().getIdPart();
    assertOutcome(send("PUT", "/Organization/" + id, json(organization)), 400, "must be the id in the URL");
  }

  @Test
  void everyWriteAnswerValidates() {
    Organization organization = sampleOrganization();
    organization.setName("Valid Answers Inc");
    HttpResponse<String> created = send("POST", "/Organization", json(organization));
    assertValid(TestServer.parse(Organization.class, created));
    assertValid(TestServer.parse(OperationOutcome.class,
        send("DELETE", "/Organization/" + TestServer.parse(Organization.class, created).getIdElement().getIdPart(),
            null)));
  }

  @Test
  void theCapabilityStatementDeclaresTheWritesAndEachAnswers() {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();
    assertValid(statement);
    CapabilityStatementRestComponent rest = statement.getRestFirstRep();
    assertEquals(Set.of("transaction", "batch"),
        rest.getInteraction().stream().map(i -> i.getCode().toCode()).collect(Collectors.toSet()));
    assertTrue(rest.getSecurity().getDescription().contains("Bearer"));
    Set<String> writable = new TreeSet<>();
    for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
      String type = resource.getType();
      Set<String> interactions = resource.getInteraction().stream().map(i -> i.getCode().toCode())
          .collect(Collectors.toCollection(TreeSet::new));
      if (!interactions.contains("create")) {
        assertEquals(Set.of("read", "vread", "search-type"), interactions, type);
        continue;
      }
      // History is a read: served on read-only servers too; CapabilityStatementIT checks those.
      writable.add(type);
      assertEquals(Set.of("read", "vread", "search-type", "create", "update", "delete", "history-instance"),
          interactions, type);
      assertEquals(ResourceVersionPolicy.VERSIONEDUPDATE, resource.getVersioning(), type);
      assertTrue(resource.getConditionalCreate() && resource.getUpdateCreate() && resource.getReadHistory(), type);
      // Each declared write answers for itself: validation (422), an unknown id (404), a history (200).
      String empty = "{\"resourceType\":\"" + type + "\"}";
      assertEquals(422, send("POST", "/" + type, empty).statusCode(), type);
      assertEquals(422, send("PUT", "/" + type + "/capability-probe", empty).statusCode(), type);
      assertOutcome(send("DELETE", "/" + type + "/capability-probe", null), 404, "not known");
      String id = server.store().all(type).get(0).getIdElement().getIdPart();
      assertEquals(200, server.get("/" + type + "/" + id + "/_history").statusCode(), type);
    }
    assertEquals(new TreeSet<>(List.of("ResearchStudy", "PlanDefinition", "ActivityDefinition", "Group",
        "Organization", "Location", "Practitioner")), writable);
    CapabilityStatementRestResourceComponent studies = rest.getResource().stream()
        .filter(r -> r.getType().equals("ResearchStudy")).findFirst().orElseThrow();
    assertEquals("https://trialfhir.org/fhir/OperationDefinition/import-record", studies.getOperation().stream()
        .filter(o -> o.getName().equals("import-record")).findFirst().orElseThrow().getDefinition());
  }

  private static Organization sampleOrganization() {
    return server.sample(Organization.class, 0);
  }

  static String json(Resource resource) {
    return TestServer.CTX.newJsonParser().encodeResourceToString(resource);
  }

  private static HttpResponse<String> send(String method, String path, String body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    List<String> all = new java.util.ArrayList<>(List.of(
        "Content-Type", "application/fhir+json", "Authorization", "Bearer " + TOKEN));
    all.addAll(List.of(headers));
    return server.send(request, all.toArray(String[]::new));
  }

  static void assertValid(IBaseResource resource) {
    assertEquals(List.of(), ValidateIT.errors(ProfileValidator.shared().validate(resource)));
  }
}
