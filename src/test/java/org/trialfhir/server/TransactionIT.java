package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trialfhir.server.ReadIT.assertOutcome;
import static org.trialfhir.server.WriteIT.assertValid;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * transaction and batch Bundles at the base: a transaction stores all entries or none (one invalid entry, one stale
 * If-Match: nothing stored), rewrites urn:uuid references to the ids it gives; a batch answers entry by entry.
 */
class TransactionIT {
  private static final String TOKEN = WriteIT.TOKEN;

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
  void aTransactionStoresEveryEntryAndRewritesUrnUuidReferences() {
    Organization sponsor = organization("Transaction Sponsor");
    Location site = location("Transaction Site");
    site.setManagingOrganization(new Reference("urn:uuid:6f1f7a2e-0000-4000-8000-000000000001"));
    Practitioner investigator = (Practitioner) server.store().all("Practitioner").get(0).copy();
    String investigatorId = investigator.getIdElement().getIdPart();
    investigator.setIdElement(new IdType("Practitioner", investigatorId));
    investigator.getNameFirstRep().setText("Renamed In A Transaction");

    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    transaction.addEntry().setFullUrl("urn:uuid:6f1f7a2e-0000-4000-8000-000000000001").setResource(sponsor)
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Organization");
    transaction.addEntry().setFullUrl("urn:uuid:6f1f7a2e-0000-4000-8000-000000000002").setResource(site)
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Location");
    transaction.addEntry().setResource(investigator)
        .getRequest().setMethod(HTTPVerb.PUT).setUrl("Practitioner/" + investigatorId).setIfMatch("W/\"1\"");

    Bundle response = client.transaction().withBundle(transaction).execute();
    assertEquals(BundleType.TRANSACTIONRESPONSE, response.getType());
    assertEquals(3, response.getEntry().size());
    assertEquals("201 Created", response.getEntry().get(0).getResponse().getStatus());
    assertEquals("201 Created", response.getEntry().get(1).getResponse().getStatus());
    assertEquals("200 OK", response.getEntry().get(2).getResponse().getStatus());
    assertEquals("W/\"2\"", response.getEntry().get(2).getResponse().getEtag());
    assertValid(response);

    IdType sponsorId = new IdType(response.getEntry().get(0).getResponse().getLocation());
    IdType siteId = new IdType(response.getEntry().get(1).getResponse().getLocation());
    Location storedSite = client.read().resource(Location.class).withId(siteId.getIdPart()).execute();
    assertEquals("Organization/" + sponsorId.getIdPart(), storedSite.getManagingOrganization().getReference());
    assertEquals("Transaction Sponsor",
        client.read().resource(Organization.class).withId(sponsorId.getIdPart()).execute().getName());
    assertEquals("Renamed In A Transaction", client.read().resource(Practitioner.class).withId(investigatorId)
        .execute().getNameFirstRep().getText());
  }

  @Test
  void oneInvalidEntryStoresNothing() {
    int organizations = server.store().all("Organization").size();
    int locations = server.store().all("Location").size();
    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    transaction.addEntry().setResource(organization("Never Stored")).getRequest()
        .setMethod(HTTPVerb.POST).setUrl("Organization");
    Location nameless = location("x");
    nameless.setMode(null);
    transaction.addEntry().setResource(nameless).getRequest().setMethod(HTTPVerb.POST).setUrl("Location");

    HttpResponse<String> response = post(TestServer.CTX.newJsonParser().encodeResourceToString(transaction));
    OperationOutcome outcome = assertOutcome(response, 422, "Location.mode");
    assertTrue(outcome.getIssue().stream().allMatch(i -> i.getExpression().get(0).getValue()
        .startsWith("Bundle.entry[1].resource")), response.body());
    assertEquals(organizations, server.store().all("Organization").size());
    assertEquals(locations, server.store().all("Location").size());

    assertThrows(UnprocessableEntityException.class, () -> client.transaction().withBundle(transaction).execute());
  }

  @Test
  void aStaleIfMatchInOneEntryStoresNothing() {
    Organization organization = (Organization) server.store().all("Organization").get(1).copy();
    String id = organization.getIdElement().getIdPart();
    organization.setName("Should Not Stick");
    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    transaction.addEntry().setResource(organization("Neither This")).getRequest()
        .setMethod(HTTPVerb.POST).setUrl("Organization");
    transaction.addEntry().setResource(organization).getRequest()
        .setMethod(HTTPVerb.PUT).setUrl("Organization/" + id).setIfMatch("W/\"7\"");
    int organizations = server.store().all("Organization").size();
    assertOutcome(post(TestServer.CTX.newJsonParser().encodeResourceToString(transaction)), 412, "expected version 7");
    assertEquals(organizations, server.store().all("Organization").size());
    assertFalse(((Organization) server.store().read("Organization", id).orElseThrow()).getName()
        .equals("Should Not Stick"));
  }

  @Test
  void aConditionalCreateInATransactionPointsReferencesAtWhatItFound() {
    Organization sponsor = (Organization) server.store().read("Organization", "org-essen-biotech").orElseThrow().copy();
    sponsor.setId((String) null);
    Location site = location("Conditional Site");
    site.setManagingOrganization(new Reference("urn:uuid:6f1f7a2e-0000-4000-8000-0000000000aa"));
    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    transaction.addEntry().setFullUrl("urn:uuid:6f1f7a2e-0000-4000-8000-0000000000aa").setResource(sponsor)
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Organization").setIfNoneExist("_id=org-essen-biotech");
    transaction.addEntry().setResource(site).getRequest().setMethod(HTTPVerb.POST).setUrl("Location");
    Bundle response = client.transaction().withBundle(transaction).execute();
    assertEquals("200 OK", response.getEntry().get(0).getResponse().getStatus());
    assertTrue(response.getEntry().get(0).getResponse().getLocation().startsWith("Organization/org-essen-biotech/"));
    Location stored = (Location) response.getEntry().get(1).getResource();
    assertEquals("Organization/org-essen-biotech", stored.getManagingOrganization().getReference());
    assertValid(response);
  }

  @Test
  void aTransactionDeletesAndAnswers204WithTheDeleteVersion() {
    String id = client.create().resource(location("Doomed Site")).execute().getId().getIdPart();
    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    transaction.addEntry().getRequest().setMethod(HTTPVerb.DELETE).setUrl("Location/" + id);
    Bundle response = client.transaction().withBundle(transaction).execute();
    assertEquals("204 No Content", response.getEntry().get(0).getResponse().getStatus());
    assertEquals("W/\"2\"", response.getEntry().get(0).getResponse().getEtag());
    assertOutcome(server.get("/Location/" + id), 410, "was deleted");
  }

  @Test
  void aBatchAnswersEntryByEntry() {
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    batch.addEntry().setResource(organization("Batch Org")).getRequest()
        .setMethod(HTTPVerb.POST).setUrl("Organization");
    Organization nameless = organization("x");
    nameless.setName(null);
    batch.addEntry().setResource(nameless).getRequest().setMethod(HTTPVerb.POST).setUrl("Organization");
    batch.addEntry().getRequest().setMethod(HTTPVerb.DELETE).setUrl("Organization/no-such-org");
    batch.addEntry().setResource(organization("y")).getRequest().setMethod(HTTPVerb.POST).setUrl("CodeSystem");

    Bundle response = client.transaction().withBundle(batch).execute();
    assertEquals(BundleType.BATCHRESPONSE, response.getType());
    assertEquals("201 Created", response.getEntry().get(0).getResponse().getStatus());
    assertEquals("422 Unprocessable Entity", response.getEntry().get(1).getResponse().getStatus());
    assertTrue(((OperationOutcome) response.getEntry().get(1).getResponse().getOutcome()).getIssue().stream()
        .anyMatch(i -> i.getDiagnostics().contains("Organization.name")));
    assertEquals("404 Not Found", response.getEntry().get(2).getResponse().getStatus());
    assertEquals("400 Bad Request", response.getEntry().get(3).getResponse().getStatus());
    assertValid(response);

    String created = new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart();
    assertEquals("Batch Org", client.read().resource(Organization.class).withId(created).execute().getName());
  }

  @Test
  void whatIsNotATransactionOrBatchIs400() {
    assertOutcome(post("{\"resourceType\":\"Bundle\",\"type\":\"collection\"}"), 400, "transaction or batch");
    assertOutcome(post("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
        + "{\"method\":\"GET\",\"url\":\"Organization\"}}]}"), 400, "GET entries are not supported");
    assertOutcome(post("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
        + "{\"method\":\"DELETE\",\"url\":\"Organization?name=x\"}}]}"), 400, "conditional DELETE");
  }

  private static Organization organization(String name) {
    return server.sample(Organization.class, 0).setName(name);
  }

  private static Location location(String name) {
    return server.sample(Location.class, 0).setName(name);
  }

  private static HttpResponse<String> post(String body) {
    return server.send(HttpRequest.newBuilder(server.uri("")).POST(HttpRequest.BodyPublishers.ofString(body)),
        "Content-Type", "application/fhir+json", "Authorization", "Bearer " + TOKEN);
  }
}
