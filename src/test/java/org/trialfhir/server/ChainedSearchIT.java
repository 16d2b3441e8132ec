package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.server.search.Text;

/**
 * Chained searches over HTTP ({@code ResearchStudy?site.address-country=...}, {@code site.address-city=...}) on a
 * writable server find what a walk over every study and Location read back finds, before and after writes made over
 * HTTP: a Location moving country, a study gaining a site that does not exist yet, that Location created, a site
 * removed, a Location deleted.
 */
class ChainedSearchIT {
  private static final String TOKEN = "chained-search-it-7Qm2";
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.startWritable(TOKEN);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void chainsFindWhatAWalkFindsBeforeAndAfterWrites() {
    Map<String, Location> locations = locations();
    assertFalse(locations.isEmpty(), "the sample trials have sites");
    assertChainsAsWalked();

    // The first study's first site moves to a country no other has.
    Map<String, ResearchStudy> studies = studies();
    String site = studies.values().stream().flatMap(s -> s.getSite().stream())
        .map(r -> r.getReferenceElement().getIdPart()).reduce((a, b) -> a).orElseThrow();
    Location moved = locations.get(site).copy();
    moved.getAddress().setCountry("Atlantis").setCity("Poseidonia");
    put("Location/" + site, WriteIT.json(moved));
    assertTrue(ids("ResearchStudy?site.address-country=Atlantis").size() > 0, "found in its new country");
    assertChainsAsWalked();

    // A study names a site that is not stored yet; the site is then created, in a country of its own.
    ResearchStudy gaining = studies.values().iterator().next().copy();
    gaining.addSite(new Reference("Location/chained-late"));
    put("ResearchStudy/" + gaining.getIdPart(), WriteIT.json(gaining));
    assertEquals(List.of(), ids("ResearchStudy?site.address-country=Lemuria"));
    Location late = locations.get(site).copy();
    late.setId("chained-late");
    late.getAddress().setCountry("Lemuria").setCity("Mu");
    put("Location/chained-late", WriteIT.json(late));
    assertEquals(List.of(gaining.getIdPart()), ids("ResearchStudy?site.address-country=Lemuria"));
    assertChainsAsWalked();

    // The study loses its first site; the moved Location is deleted.
    ResearchStudy losing = read(gaining.getIdPart());
    losing.getSite().remove(0);
    put("ResearchStudy/" + losing.getIdPart(), WriteIT.json(losing));
    assertChainsAsWalked();
    HttpResponse<String> deleted = send("DELETE", "/Location/" + site, null);
    assertEquals(2, deleted.statusCode() / 100, deleted.body());
    assertEquals(List.of(), ids("ResearchStudy?site.address-country=Atlantis"));
    assertChainsAsWalked();
  }

  /** Each country and city of a stored Location, and its first two letters, as a chain, against the walk. */
  private void assertChainsAsWalked() {
    Map<String, ResearchStudy> studies = studies();
    Map<String, Location> locations = locations();
    TreeSet<String> countries = new TreeSet<>();
    TreeSet<String> cities = new TreeSet<>();
    for (Location location : locations.values()) {
      if (location.getAddress().hasCountry()) {
        countries.add(location.getAddress().getCountry());
        countries.add(location.getAddress().getCountry().substring(0, 2));
      }
      if (location.getAddress().hasCity()) {
        cities.add(location.getAddress().getCity());
      }
    }
    for (String country : countries) {
      assertEquals(walk(studies, locations, country, true),
          ids("ResearchStudy?site.address-country=" + encode(country)), "site.address-country=" + country);
    }
    for (String city : cities) {
      assertEquals(walk(studies, locations, city, false),
          ids("ResearchStudy?site.address-city=" + encode(city)), "site.address-city=" + city);
    }
  }

  /** The ids of the studies with a stored site whose country (or city) starts with the value, in stored order. */
  private static List<String> walk(Map<String, ResearchStudy> studies, Map<String, Location> locations, String value,
      boolean country) {
    return studies.values().stream()
        .filter(s -> s.getSite().stream()
            .map(r -> locations.get(r.getReferenceElement().getIdPart()))
            .anyMatch(l -> l != null && Text.startsWithFolded(
                country ? l.getAddress().getCountry() : l.getAddress().getCity(), Text.fold(value))))
        .map(ResearchStudy::getIdPart)
        .toList();
  }

  private static Map<String, ResearchStudy> studies() {
    Map<String, ResearchStudy> studies = new LinkedHashMap<>();
    for (Bundle.BundleEntryComponent entry : search("ResearchStudy?_count=500").getEntry()) {
      studies.put(entry.getResource().getIdPart(), (ResearchStudy) entry.getResource());
    }
    return studies;
  }

  private static Map<String, Location> locations() {
    Map<String, Location> locations = new LinkedHashMap<>();
    for (Bundle.BundleEntryComponent entry : search("Location?_count=500").getEntry()) {
      locations.put(entry.getResource().getIdPart(), (Location) entry.getResource());
    }
    return locations;
  }

  private static List<String> ids(String query) {
    return search(query).getEntry().stream().map(e -> e.getResource().getIdPart()).toList();
  }

  private static Bundle search(String query) {
    HttpResponse<String> response = server.get("/" + query + (query.contains("_count") ? "" : "&_count=500"));
    assertEquals(200, response.statusCode(), response.body());
    Bundle bundle = TestServer.parse(Bundle.class, response);
    assertEquals(null, bundle.getLink(Bundle.LINK_NEXT), "one page holds every match of " + query);
    return bundle;
  }

  private static ResearchStudy read(String id) {
    HttpResponse<String> response = server.get("/ResearchStudy/" + id);
    assertEquals(200, response.statusCode(), response.body());
    return TestServer.parse(ResearchStudy.class, response);
  }

  private static void put(String path, String body) {
    HttpResponse<String> response = send("PUT", "/" + path, body);
    assertEquals(2, response.statusCode() / 100, response.body());
  }

  private static HttpResponse<String> send(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return server.send(request, "Content-Type", "application/fhir+json", "Authorization", "Bearer " + TOKEN);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
