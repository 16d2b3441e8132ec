package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Range;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code $match} follows writes: after an update of one study's eligibility Group, the next match reads that study
 * again (the matcher is rebuilt from the previous one, the other studies kept as read) and answers as the store now
 * says, the other studies' entries unchanged.
 */
class MatchAfterWriteIT {
  private static final String TOKEN = "match-after-write-5Hq1";
  private static final String AML_TRIAL = "NCT06690827";
  private static final String EVERY_STUDY = "/ResearchStudy/$match?date=2025-06-01&includeIneligible=true";

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
  void aChangedAgeRangeIsWhatTheNextMatchUses() {
    Bundle before = match();
    assertEquals(AML_TRIAL, id(before.getEntry().get(0)), "the AML trial first for the AML patient (45 years old)");
    assertEquals("met", status(before.getEntry().get(0), "age"));

    Group group = client.read().resource(Group.class).withId(AML_TRIAL + "-eligibility").execute();
    Range age = (Range) group.getCharacteristic().stream().filter(c -> "age".equals(c.getId())).findFirst()
        .orElseThrow().getValue();
    age.getHigh().setValue(30);
    client.update().resource(group).execute();

    Bundle after = match();
    BundleEntryComponent changed = after.getEntry().stream().filter(e -> id(e).equals(AML_TRIAL)).findFirst()
        .orElseThrow();
    assertEquals("not-met", status(changed, "age"));
    assertEquals("certainly-not", changed.getSearch().getExtensionByUrl(MatchBundleWriter.MATCH_GRADE).getValue()
        .primitiveValue());
    assertEquals(before.getTotal(), after.getTotal());
    for (BundleEntryComponent entry : before.getEntry()) {
      if (!id(entry).equals(AML_TRIAL)) {
        BundleEntryComponent same = after.getEntry().stream().filter(e -> id(e).equals(id(entry))).findFirst()
            .orElseThrow();
        assertTrue(entry.getSearch().equalsDeep(same.getSearch()), id(entry));
      }
    }
  }

  @Test
  void aDeletedStudyIsNotInTheNextMatch() {
    Bundle before = match();
    String deleted = before.getEntry().stream().map(MatchAfterWriteIT::id).filter(id -> !id.equals(AML_TRIAL))
        .reduce((first, second) -> second).orElseThrow();

    client.delete().resourceById("ResearchStudy", deleted).execute();

    Bundle after = match();
    assertEquals(before.getTotal() - 1, after.getTotal());
    assertTrue(after.getEntry().stream().noneMatch(e -> id(e).equals(deleted)), deleted + " still matched");
  }

  private static Bundle match() {
    HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri(EVERY_STUDY))
        .POST(HttpRequest.BodyPublishers.ofString(fixture())), "Content-Type", "application/fhir+json");
    assertEquals(200, response.statusCode(), response.body());
    return TestServer.parse(Bundle.class, response);
  }

  private static String id(BundleEntryComponent entry) {
    return entry.getResource().getIdElement().getIdPart();
  }

  private static String status(BundleEntryComponent entry, String criterion) {
    List<Extension> criteria = entry.getSearch().getExtensionsByUrl(MatchBundleWriter.MATCH_CRITERION);
    return criteria.stream().filter(c -> criterion.equals(c.getExtensionByUrl("id").getValue().primitiveValue()))
        .findFirst().orElseThrow().getExtensionByUrl("status").getValue().primitiveValue();
  }

  private static String fixture() {
    try (InputStream in = MatchAfterWriteIT.class.getResourceAsStream("/patients/mcode-aml-patient.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
