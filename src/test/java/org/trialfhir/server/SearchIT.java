package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trialfhir.server.SearchCases.AUTOIMMUNE;
import static org.trialfhir.server.SearchCases.CAR_NK;
import static org.trialfhir.server.SearchCases.IM83;
import static org.trialfhir.server.SearchCases.PLA;
import static org.trialfhir.server.SearchCases.SARCOMA;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Search over the sample trials: every parameter, modifiers, paging, includes, result parameters and errors. */
class SearchIT {
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

  static Stream<SearchCases.Case> cases() {
    return SearchCases.CASES.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void searchMatchesExactly(SearchCases.Case c) {
    Bundle bundle = search(c.query());
    assertEquals(c.ids(), matchIds(bundle), c.query());
    assertEquals(c.ids().size(), bundle.getTotal(), "Bundle.total of " + c.query());
  }

  @Test
  void postSearchGivesTheSameAsGet() {
    HttpResponse<String> response = server.send(
        HttpRequest.newBuilder(server.uri("/ResearchStudy/_search"))
            .POST(HttpRequest.BodyPublishers.ofString("status=active&phase=phase-1")),
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(Set.of(CAR_NK), matchIds(TestServer.parse(Bundle.class, response)));

    Bundle viaClient = client.search().forResource(ResearchStudy.class)
        .where(new TokenClientParam("status").exactly().code("active"))
        .usingStyle(ca.uhn.fhir.rest.api.SearchStyleEnum.POST)
        .returnBundle(Bundle.class)
        .execute();
    assertEquals(Set.of(CAR_NK, AUTOIMMUNE, SARCOMA), matchIds(viaClient));
  }

  @Test
  void pagesForwardToTheEndAndBackWithWorkingLinks() {
    // 20 ActivityDefinitions in the samples, 3 a page.
    Bundle page = search("ActivityDefinition?_count=3&_sort=_id");
    int total = page.getTotal();
    assertTrue(total > 6, "enough ActivityDefinitions to page through: " + total);
    List<String> seen = new ArrayList<>();
    List<Bundle> pages = new ArrayList<>();
    while (true) {
      pages.add(page);
      seen.addAll(matchIdsInOrder(page));
      assertTrue(page.getEntry().size() <= 3);
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }
    assertEquals(total, seen.size());
    assertEquals(total, new LinkedHashSet<>(seen).size(), "no resource twice");
    List<String> sorted = new ArrayList<>(seen);
    sorted.sort(null);
    assertEquals(sorted, seen, "_sort=_id holds across pages");
    assertNull(pages.get(0).getLink(Bundle.LINK_PREV));

    Bundle last = pages.get(pages.size() - 1);
    Bundle previous = client.loadPage().previous(last).execute();
    assertEquals(matchIdsInOrder(pages.get(pages.size() - 2)), matchIdsInOrder(previous));
  }

  @Test
  void includesTheStudysProtocolEligibilityPartiesAndIteratesToActivities() {
    Bundle bundle = search("ResearchStudy?_id=" + SARCOMA
        + "&_include=ResearchStudy:protocol&_include=ResearchStudy:enrollment&_include=ResearchStudy:site"
        + "&_include=ResearchStudy:sponsor&_include:iterate=PlanDefinition:definition");
    Map<String, SearchEntryMode> modes = modes(bundle);
    assertEquals(SearchEntryMode.MATCH, modes.get("ResearchStudy/" + SARCOMA));
    assertEquals(SearchEntryMode.INCLUDE, modes.get("PlanDefinition/" + SARCOMA + "-protocol"));
    assertEquals(SearchEntryMode.INCLUDE, modes.get("Group/" + SARCOMA + "-eligibility"));
    assertEquals(SearchEntryMode.INCLUDE, modes.get("Organization/org-essen-biotech"));
    assertEquals(SearchEntryMode.INCLUDE, modes.get("Location/loc-district-one-hospital-beijing-china"));
    assertEquals(SearchEntryMode.INCLUDE, modes.get("ActivityDefinition/" + SARCOMA + "-cell-product"));
    assertEquals(1, bundle.getTotal(), "total counts matches only");

    Bundle pi = search("ResearchStudy?_id=" + IM83 + "&_include=ResearchStudy:principalinvestigator");
    assertEquals(SearchEntryMode.INCLUDE, modes(pi).get("Practitioner/prac-yu-zhang"));

    Bundle withoutIterate = search("ResearchStudy?_id=" + SARCOMA + "&_include=ResearchStudy:protocol"
        + "&_include=PlanDefinition:definition");
    // Without :iterate an include applies to the matches only, and the matches are not PlanDefinitions.
    assertFalse(modes(withoutIterate).containsKey("ActivityDefinition/" + SARCOMA + "-cell-product"));

    Bundle protocol = search("PlanDefinition?_id=" + SARCOMA + "-protocol&_include=PlanDefinition:definition");
    assertEquals(SearchEntryMode.INCLUDE, modes(protocol).get("ActivityDefinition/" + SARCOMA + "-cyclophosphamide"));
  }

  @Test
  void revIncludesTheStudiesThatPointHere() {
    assertEquals(SearchEntryMode.INCLUDE,
        modes(search("PlanDefinition?_id=" + PLA + "-protocol&_revinclude=ResearchStudy:protocol")).get("ResearchStudy/" + PLA));
    assertEquals(SearchEntryMode.INCLUDE,
        modes(search("Group?_id=" + PLA + "-eligibility&_revinclude=ResearchStudy:enrollment")).get("ResearchStudy/" + PLA));
    assertEquals(SearchEntryMode.INCLUDE,
        modes(search("Location?address-city=Wuhan&_revinclude=ResearchStudy:site")).get("ResearchStudy/" + CAR_NK));
    assertEquals(SearchEntryMode.INCLUDE,
        modes(search("Organization?_id=org-essen-biotech&_revinclude=ResearchStudy:sponsor")).get("ResearchStudy/" + SARCOMA));
    assertEquals(SearchEntryMode.INCLUDE,
        modes(search("Practitioner?_id=prac-yu-zhang&_revinclude=ResearchStudy:principalinvestigator"))
            .get("ResearchStudy/" + IM83));
    assertEquals(SearchEntryMode.INCLUDE,
        modes(search("ActivityDefinition?_id=" + IM83 + "-fludarabine&_revinclude=PlanDefinition:definition"))
            .get("PlanDefinition/" + IM83 + "-protocol"));
  }

  @Test
  void includesComeWithEachPageOnly() {
    Bundle first = search("ResearchStudy?_sort=_id&_count=2&_include=ResearchStudy:protocol");
    assertEquals(List.of(PLA, IM83), matchIdsInOrder(first));
    Set<String> included = new TreeSet<>();
    modes(first).forEach((id, mode) -> {
      if (mode == SearchEntryMode.INCLUDE) {
        included.add(id);
      }
    });
    assertEquals(Set.of("PlanDefinition/" + PLA + "-protocol", "PlanDefinition/" + IM83 + "-protocol"), included);
    Bundle second = client.loadPage().next(first).execute();
    assertEquals(SearchEntryMode.INCLUDE, modes(second).get("PlanDefinition/" + CAR_NK + "-protocol"));
  }

  @Test
  void sortsByTitleDateAndStatusBothWays() {
    List<String> byTitle = matchIdsInOrder(search("ResearchStudy?_sort=title&_elements=title"));
    List<String> titles = new ArrayList<>();
    for (String id : byTitle) {
      titles.add(((ResearchStudy) server.store().read("ResearchStudy", id).orElseThrow()).getTitle().toLowerCase());
    }
    List<String> sortedTitles = new ArrayList<>(titles);
    sortedTitles.sort(null);
    assertEquals(sortedTitles, titles);
    assertEquals(reversed(byTitle), matchIdsInOrder(search("ResearchStudy?_sort=-title")));

    // startDate 2024-06-15, 2024-11-13, 2025-05-29; studies without dates last either way.
    List<String> byDate = matchIdsInOrder(search("ResearchStudy?_sort=date"));
    assertEquals(List.of(IM83, CAR_NK, SARCOMA), byDate.subList(0, 3));
    assertEquals(List.of(SARCOMA, CAR_NK, IM83), matchIdsInOrder(search("ResearchStudy?_sort=-date")).subList(0, 3));

    // active < approved < closed-to-accrual, then the registry id.
    assertEquals(List.of(CAR_NK, AUTOIMMUNE, SARCOMA, IM83, PLA),
        matchIdsInOrder(search("ResearchStudy?_sort=status,_id")));
    assertEquals(List.of(PLA, IM83, CAR_NK, AUTOIMMUNE, SARCOMA),
        matchIdsInOrder(search("ResearchStudy?_sort=-status,_id")));
  }

  @Test
  void summaryCountTextDataAndElements() {
    Bundle count = search("ResearchStudy?status=active&_summary=count");
    assertEquals(3, count.getTotal());
    assertTrue(count.getEntry().isEmpty());

    ResearchStudy summary = (ResearchStudy) search("ResearchStudy?_id=" + SARCOMA + "&_summary=true").getEntryFirstRep().getResource();
    assertTrue(summary.hasTitle());
    assertFalse(summary.hasDescription(), "description is not a summary element");

    ResearchStudy data = (ResearchStudy) search("ResearchStudy?_id=" + SARCOMA + "&_summary=data").getEntryFirstRep().getResource();
    assertTrue(data.hasDescription());
    assertFalse(data.hasText());

    HttpResponse<String> text = server.get("/ResearchStudy?_id=" + SARCOMA + "&_summary=text");
    assertEquals(200, text.statusCode());
    assertFalse(text.body().contains("\"description\""));

    ResearchStudy elements = (ResearchStudy) search("ResearchStudy?_id=" + SARCOMA + "&_elements=title,status").getEntryFirstRep().getResource();
    assertTrue(elements.hasTitle() && elements.hasStatus());
    assertFalse(elements.hasCondition());
  }

  @Test
  void totalAndJsonXmlFormats() {
    Bundle bundle = search("ResearchStudy?status=active&_total=accurate");
    assertEquals(3, bundle.getTotal());
    HttpResponse<String> xml = server.get("/ResearchStudy?status=active&_format=xml");
    assertEquals(Set.of(CAR_NK, AUTOIMMUNE, SARCOMA), matchIds(TestServer.parse(Bundle.class, xml)));
  }

  @Test
  void unknownParametersAreIgnoredUnlessStrict() {
    assertEquals(Set.of(CAR_NK, AUTOIMMUNE, SARCOMA), matchIds(search("ResearchStudy?status=active&colour=blue")));
    HttpResponse<String> strict = server.get("/ResearchStudy?status=active&colour=blue", "Prefer", "handling=strict");
    ReadIT.assertOutcome(strict, 400, "colour");
    HttpResponse<String> lenient = server.get("/ResearchStudy?status=active&colour=blue", "Prefer", "handling=lenient");
    assertEquals(200, lenient.statusCode());
    assertEquals(200, server.get("/ResearchStudy?status=active&_count=1", "Prefer", "handling=strict").statusCode());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "/ResearchStudy?date=2024-13-45|date",
    "/ResearchStudy?date=yesterday|date",
    "/ResearchStudy?_lastUpdated=ge2024-02-30T99|_lastUpdated",
    "/ResearchStudy?status=recruiting|status",
    "/ResearchStudy?eligible-age=old|eligible-age",
    "/ResearchStudy?eligible-age=ge18|eligible-age",
    "/ResearchStudy?eligible-age=18|http://unitsofmeasure.org|kg|eligible-age",
    "/ResearchStudy?eligible-sex=woman|eligible-sex",
    "/ResearchStudy?condition:below=123|condition",
    "/ResearchStudy?site.nosuch=1|nosuch",
    "/ResearchStudy?_sort=sponsor|sponsor",
    "/ResearchStudy?_include=ResearchStudy:focus|ResearchStudy:focus",
    "/Group?actual=maybe|actual",
  })
  void invalidValuesAre400NamingThem(String requestAndName) {
    int bar = requestAndName.lastIndexOf('|');
    ReadIT.assertOutcome(server.get(requestAndName.substring(0, bar)), 400, requestAndName.substring(bar + 1));
  }

  // ---- helpers

  static Bundle search(String query) {
    return client.search().byUrl(TestServer.encodeQuery(query)).returnBundle(Bundle.class).execute();
  }

  static Set<String> matchIds(Bundle bundle) {
    return new TreeSet<>(matchIdsInOrder(bundle));
  }

  static List<String> matchIdsInOrder(Bundle bundle) {
    List<String> ids = new ArrayList<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getSearch().getMode() == SearchEntryMode.MATCH) {
        ids.add(entry.getResource().getIdElement().getIdPart());
      }
    }
    return ids;
  }

  /** type/id → search mode of every entry; every entry has one. */
  static Map<String, SearchEntryMode> modes(Bundle bundle) {
    Map<String, SearchEntryMode> modes = new TreeMap<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      assertNotNull(entry.getSearch().getMode(), "search.mode of " + entry.getFullUrl());
      modes.put(entry.getResource().fhirType() + "/" + entry.getResource().getIdElement().getIdPart(), entry.getSearch().getMode());
    }
    return modes;
  }

  private static List<String> reversed(List<String> list) {
    List<String> copy = new ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }
}
