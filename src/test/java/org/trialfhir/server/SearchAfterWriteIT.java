package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Searches repeated around writes, over HTTP on a writable server: a search asked again after a write answers as of
 * the write (the matches kept for a search are never those of an older position), and the pages of a search found
 * before a write stay the pages it found, with its total.
 */
class SearchAfterWriteIT {
  private static final String TOKEN = "search-after-write-it-3Kp9";

  /** One per test: each writes. */
  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.startWritable(TOKEN);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void theSameSearchAfterAnUpdateOrDeleteAnswersAsOfIt() {
    List<String> active = ids(search("ResearchStudy?status=active"));
    assertEquals(3, active.size(), "the recruiting sample studies");
    assertEquals(active, ids(search("ResearchStudy?status=active")), "asked again, unchanged");
    List<String> closed = ids(search("ResearchStudy?status=closed-to-accrual"));

    String moved = active.get(1);
    ResearchStudy study = read(moved);
    study.setStatus(ResearchStudy.ResearchStudyStatus.CLOSEDTOACCRUAL);
    assertEquals(200, send("PUT", "/ResearchStudy/" + moved, WriteIT.json(study)).statusCode());

    Bundle after = search("ResearchStudy?status=active");
    assertEquals(2, after.getTotal());
    assertEquals(List.of(active.get(0), active.get(2)), ids(after));
    List<String> closedAfter = ids(search("ResearchStudy?status=closed-to-accrual"));
    assertEquals(closed.size() + 1, closedAfter.size());
    assertTrue(closedAfter.contains(moved));

    HttpResponse<String> deleted = send("DELETE", "/ResearchStudy/" + active.get(0), null);
    assertEquals(2, deleted.statusCode() / 100, deleted.body());
    assertEquals(List.of(active.get(2)), ids(search("ResearchStudy?status=active")));
  }

  @Test
  void aSearchFoundBeforeAWriteKeepsItsPagesAndTotal() {
    String query = "ResearchStudy?_lastUpdated=gt2020-01-01&_count=2";
    Bundle first = search(query);
    Bundle twin = search(query);
    int total = first.getTotal();
    assertTrue(total >= 4, "enough studies for two pages: " + total);
    List<String> all = ids(search("ResearchStudy?_lastUpdated=gt2020-01-01&_count=50"));

    // The first study of the second page is deleted after both searches ran.
    String leaving = all.get(2);
    HttpResponse<String> deleted = send("DELETE", "/ResearchStudy/" + leaving, null);
    assertEquals(2, deleted.statusCode() / 100, deleted.body());

    for (Bundle found : List.of(first, twin)) {
      Bundle second = page(found.getLink(Bundle.LINK_NEXT).getUrl());
      assertEquals(total, second.getTotal(), "the total as found");
      assertEquals(all.subList(2, 4), ids(second), "the second page as found");
    }
    Bundle now = search(query);
    assertEquals(total - 1, now.getTotal());
    Bundle secondNow = page(now.getLink(Bundle.LINK_NEXT).getUrl());
    assertFalse(ids(secondNow).contains(leaving));
    assertEquals(all.get(3), ids(secondNow).get(0));
  }

  private Bundle search(String query) {
    return page("/" + query);
  }

  private Bundle page(String url) {
    HttpResponse<String> response = server.get(url);
    assertEquals(200, response.statusCode(), response.body());
    return TestServer.parse(Bundle.class, response);
  }

  private ResearchStudy read(String id) {
    HttpResponse<String> response = server.get("/ResearchStudy/" + id);
    assertEquals(200, response.statusCode(), response.body());
    return TestServer.parse(ResearchStudy.class, response);
  }

  private static List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream()
        .filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
        .map(e -> e.getResource().getIdElement().getIdPart())
        .toList();
  }

  private HttpResponse<String> send(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return server.send(request, "Content-Type", "application/fhir+json", "Authorization", "Bearer " + TOKEN);
  }
}
