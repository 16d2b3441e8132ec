package org.trialfhir.server.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.IQueryParameterAnd;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringAndListParam;
import ca.uhn.fhir.rest.param.StringOrListParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.trialfhir.store.InMemoryTrialStore;
import org.trialfhir.store.TrialStore;

/**
 * Searches answered from the {@link ResultCache} and from long posting lists (bit sets) give what a walk over every
 * study gives, in order, before and after writes; a write between two identical searches is seen by the second; a
 * search's pages stay its own across a write; and searches that differ in any part are never taken for each other.
 */
class ResultCacheTest {
  private static final String PHASES = "http://terminology.hl7.org/CodeSystem/research-study-phase";
  private static final ResearchStudyStatus[] STATUSES = {ResearchStudyStatus.ACTIVE, ResearchStudyStatus.COMPLETED,
      ResearchStudyStatus.CLOSEDTOACCRUAL, ResearchStudyStatus.ACTIVE, ResearchStudyStatus.WITHDRAWN};
  private static final String[] COUNTRIES = {"Narnia", "Atlantis", "Narnia", "Lilliput"};

  /** The studies as written, by id in first-stored order: what each search is checked against. */
  private final Map<String, ResearchStudy> written = new LinkedHashMap<>();
  private final Map<String, String> countryOf = new LinkedHashMap<>();
  private final InMemoryTrialStore store = new InMemoryTrialStore();
  private final SearchParams params = new SearchParams(FhirContext.forR4Cached(), new Resolver(store));

  @Test
  void largeMatchesAreWhatAWalkOverEveryStudyFindsBeforeAndAfterWrites() {
    // 1,200 studies: status=active is 40% of them and "phase-1" 25%, long enough lists to be kept as bit sets.
    Random random = new Random(7);
    List<Resource> first = new ArrayList<>(locations());
    for (int i = 0; i < 1200; i++) {
      first.add(study("NCT" + i, STATUSES[i % STATUSES.length], "phase-" + (1 + random.nextInt(4)),
          "loc-" + random.nextInt(COUNTRIES.length)));
    }
    write(first);
    assertAllAsWalked();

    // Writes that move studies in and out of long lists, add studies, delete some and move a site to another country.
    List<Resource> changes = new ArrayList<>();
    for (int i = 0; i < 1200; i += 7) {
      changes.add(study("NCT" + i, STATUSES[(i + 1) % STATUSES.length], "phase-" + (1 + random.nextInt(4)),
          "loc-" + random.nextInt(COUNTRIES.length)));
    }
    for (int i = 1200; i < 1300; i++) {
      changes.add(study("NCT" + i, ResearchStudyStatus.ACTIVE, "phase-1", "loc-0"));
    }
    changes.add(location("loc-1", "Lilliput"));
    countryOf.put("loc-1", "Lilliput");
    write(changes);
    delete("NCT3", "NCT8", "NCT1299");
    assertAllAsWalked();
  }

  @Test
  void aWriteBetweenTwoIdenticalSearchesIsSeenByTheSecond() {
    List<Resource> first = new ArrayList<>(locations());
    for (int i = 0; i < 400; i++) {
      first.add(study("NCT" + i, ResearchStudyStatus.ACTIVE, "phase-1", "loc-0"));
    }
    write(first);
    SearchResults before = search("status", tokens("active"));
    assertEquals(400, before.size());
    assertEquals(400, search("status", tokens("active")).size());
    assertEquals(1, ResultCache.of(params.index()).size(), "the second search was answered from the cache");

    write(List.of(study("NCT5", ResearchStudyStatus.COMPLETED, "phase-1", "loc-0")));
    SearchResults after = search("status", tokens("active"));
    assertEquals(399, after.size());
    assertEquals(walk(s -> s.getStatus() == ResearchStudyStatus.ACTIVE), ids(after));

    delete("NCT6");
    write(List.of(study("NCT400", ResearchStudyStatus.ACTIVE, "phase-1", "loc-0")));
    SearchResults later = search("status", tokens("active"));
    assertEquals(399, later.size());
    assertEquals("NCT400", ids(later).get(398));
    assertTrue(!ids(later).contains("NCT6"));
  }

  @Test
  void aSearchsPagesStayItsOwnAcrossAWrite() {
    List<Resource> first = new ArrayList<>(locations());
    for (int i = 0; i < 300; i++) {
      first.add(study("NCT" + i, ResearchStudyStatus.ACTIVE, "phase-1", "loc-0"));
    }
    write(first);
    SearchResults found = search("status", tokens("active"));
    List<String> secondPage = pageIds(found, 20, 40);

    // Studies of its second page leave the list, one is deleted, and one is added, all after the search.
    write(List.of(study("NCT25", ResearchStudyStatus.COMPLETED, "phase-1", "loc-0"),
        study("NCT300", ResearchStudyStatus.ACTIVE, "phase-1", "loc-0")));
    delete("NCT30");

    assertEquals(300, found.size(), "the total of a search stays as found");
    assertEquals(secondPage, pageIds(found, 20, 40), "its pages too");
    assertEquals(List.of("NCT20", "NCT21", "NCT22", "NCT23", "NCT24", "NCT25"), secondPage.subList(0, 6));
    SearchResults again = search("status", tokens("active"));
    assertEquals(299, again.size());
    assertEquals(List.of("NCT20", "NCT21", "NCT22", "NCT23", "NCT24", "NCT26"), pageIds(again, 20, 26));
  }

  @Test
  void searchesThatDifferInAModifierSystemPrefixOrSortAreNotTakenForEachOther() {
    List<Resource> first = new ArrayList<>(locations());
    for (int i = 0; i < 60; i++) {
      ResearchStudy study = study("NCT" + i, STATUSES[i % STATUSES.length], "phase-" + (1 + i % 4), "loc-" + i % 4);
      study.setTitle((i % 2 == 0 ? "Alpha " : "alpha beta ") + i);
      if (i % 3 == 0) {
        study.setPeriod(new Period().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("20" + (10 + i % 15))));
      }
      first.add(study);
    }
    write(first);
    // Each search in turn on one index, at one position: a wrong hit in the cache gives the previous one's answer.
    List<Map.Entry<String, List<String>>> asked = new ArrayList<>();
    Map<String, IQueryParameterAnd<?>> queries = new LinkedHashMap<>();
    queries.put("status", tokens("active"));
    queries.put("status:not", new TokenAndListParam().addAnd(new TokenParam("active").setModifier(
        TokenParamModifier.NOT)));
    queries.put("status|", new TokenAndListParam().addAnd(new TokenParam("", "active")));
    queries.put("status sys|", new TokenAndListParam().addAnd(
        new TokenParam("http://hl7.org/fhir/research-study-status", "active")));
    queries.put("status or", new TokenAndListParam().addAnd(new TokenOrListParam()
        .add(new TokenParam("active")).add(new TokenParam("completed"))));
    queries.put("status and", new TokenAndListParam().addAnd(new TokenParam("active"))
        .addAnd(new TokenParam("completed")));
    queries.put("title", new StringAndListParam().addAnd(new StringParam("alpha")));
    queries.put("title:exact", new StringAndListParam().addAnd(new StringParam("alpha", true)));
    queries.put("date lt", new DateAndListParam().addAnd(new DateParam("lt2018")));
    queries.put("date gt", new DateAndListParam().addAnd(new DateParam("gt2018")));
    DateParam missing = new DateParam();
    missing.setMissing(true);
    queries.put("date:missing", new DateAndListParam().addAnd(missing));
    queries.put("site", new ReferenceAndListParam().addAnd(new ReferenceOrListParam().add(
        new ReferenceParam("Location/loc-1"))));
    queries.put("site 2", new ReferenceAndListParam().addAnd(new ReferenceOrListParam().add(
        new ReferenceParam("Location/loc-2"))));
    queries.put("site.address-country", chain("Narnia"));
    queries.put("site.address-country 2", chain("Atlantis"));
    for (int round = 0; round < 2; round++) {
      for (Map.Entry<String, IQueryParameterAnd<?>> query : queries.entrySet()) {
        String name = query.getKey().split("[ :|.]")[0];
        List<String> cached = ids(search(name, query.getValue()));
        List<String> fresh = ids(freshSearch(name, query.getValue(), null));
        assertEquals(fresh, cached, query.getKey());
        if (round == 0) {
          asked.add(Map.entry(query.getKey(), cached));
        }
      }
    }
    // The pairs do differ here, so a mix-up could not have passed unseen.
    for (int i = 1; i < asked.size(); i++) {
      assertNotEquals(asked.get(i - 1).getValue(), asked.get(i).getValue(), asked.get(i).getKey());
    }

    SortSpec up = new SortSpec("title", SortOrderEnum.ASC);
    SortSpec down = new SortSpec("title", SortOrderEnum.DESC);
    List<String> ascending = ids(params.query("ResearchStudy").where("status", tokens("active")).run(up, null, null));
    List<String> descending = ids(params.query("ResearchStudy").where("status", tokens("active"))
        .run(down, null, null));
    assertEquals(ids(freshSearch("status", tokens("active"), up)), ascending);
    assertEquals(ids(freshSearch("status", tokens("active"), down)), descending);
    assertNotEquals(ascending, descending);
  }

  @Test
  void keysTellApartWhatSearchesAsk() {
    assertEquals(key("site", new ReferenceParam("Location/a")), key("site", new ReferenceParam("Location/a")));
    // HAPI's query token of the two is the same ("Location/a"): the base URL matters to a search by reference.
    assertNotEquals(key("site", new ReferenceParam("Location/a")),
        key("site", new ReferenceParam("http://elsewhere.org/fhir/Location/a")));
    assertNotEquals(key("status", new TokenParam(null, "a")), key("status", new TokenParam("", "a")));
    assertNotEquals(key("status", new TokenParam("a")), key("status", new TokenParam("a").setModifier(
        TokenParamModifier.TEXT)));
    // A value holding the separators of the key cannot pass for two values.
    SearchKey one = new SearchKey("ResearchStudy");
    one.add("title", new StringAndListParam().addAnd(new StringParam("a)(5:b")));
    SearchKey two = new SearchKey("ResearchStudy");
    two.add("title", new StringAndListParam().addAnd(new StringOrListParam()
        .add(new StringParam("a")).add(new StringParam("b"))));
    assertNotEquals(one.toString(), two.toString());
  }

  // ---- searching

  private void assertAllAsWalked() {
    Predicate<ResearchStudy> active = s -> s.getStatus() == ResearchStudyStatus.ACTIVE;
    Predicate<ResearchStudy> phase1 = s -> s.getPhase().getCodingFirstRep().getCode().equals("phase-1");
    Predicate<ResearchStudy> narnia = s -> "Narnia".equals(countryOf.get(s.getSiteFirstRep().getReferenceElement()
        .getIdPart()));
    for (int round = 0; round < 2; round++) {
      assertEquals(walk(active), ids(search("status", tokens("active"))));
      assertEquals(walk(active.or(s -> s.getStatus() == ResearchStudyStatus.COMPLETED)),
          ids(search("status", new TokenAndListParam().addAnd(new TokenOrListParam()
              .add(new TokenParam("active")).add(new TokenParam("completed"))))));
      assertEquals(walk(active.negate()), ids(search("status", new TokenAndListParam().addAnd(
          new TokenParam("active").setModifier(TokenParamModifier.NOT)))));
      assertEquals(walk(active.and(phase1).and(narnia)), ids(params.query("ResearchStudy")
          .where("phase", tokens("phase-1")).where("status", tokens("active")).where("site", chain("Narnia"))
          .run(null, null, null)));
      assertEquals(walk(narnia), ids(search("site", chain("Narnia"))));
      SearchResults paged = search("status", tokens("active"));
      List<String> all = walk(active);
      assertEquals(all.subList(100, 150), pageIds(paged, 100, 150));
    }
  }

  private SearchResults search(String name, IQueryParameterAnd<?> and) {
    return params.query("ResearchStudy").where(name, and).run(null, null, null);
  }

  /** The search on an index of its own, whose cache has never seen a search. */
  private SearchResults freshSearch(String name, IQueryParameterAnd<?> and, SortSpec sort) {
    SearchParams fresh = new SearchParams(FhirContext.forR4Cached(), new Resolver(store));
    return fresh.query("ResearchStudy").where(name, and).run(sort, null, null);
  }

  private List<String> walk(Predicate<ResearchStudy> passes) {
    return written.values().stream().filter(passes).map(s -> s.getIdElement().getIdPart()).toList();
  }

  private static List<String> ids(SearchResults results) {
    return pageIds(results, 0, results.size());
  }

  private static List<String> pageIds(SearchResults results, int from, int to) {
    return results.getResources(from, to).stream().map(IBaseResource::getIdElement).map(id -> id.getIdPart())
        .toList();
  }

  private static String key(String name, ca.uhn.fhir.model.api.IQueryParameterType value) {
    SearchKey key = new SearchKey("ResearchStudy");
    if (value instanceof ReferenceParam reference) {
      key.add(name, new ReferenceAndListParam().addAnd(new ReferenceOrListParam().add(reference)));
    } else {
      key.add(name, new TokenAndListParam().addAnd((TokenParam) value));
    }
    return key.toString();
  }

  private static TokenAndListParam tokens(String code) {
    return new TokenAndListParam().addAnd(new TokenParam(code));
  }

  private static ReferenceAndListParam chain(String country) {
    return new ReferenceAndListParam().addAnd(new ReferenceOrListParam()
        .add(new ReferenceParam("address-country", country)));
  }

  // ---- writing

  private void write(List<Resource> resources) {
    for (Resource resource : resources) {
      if (resource instanceof ResearchStudy study) {
        written.put(study.getIdElement().getIdPart(), study);
      }
    }
    store.put(resources);
  }

  private void delete(String... ids) {
    List<TrialStore.Delete> deletes = new ArrayList<>();
    for (String id : ids) {
      written.remove(id);
      deletes.add(new TrialStore.Delete("ResearchStudy", id, null));
    }
    store.apply(deletes);
  }

  private List<Resource> locations() {
    List<Resource> locations = new ArrayList<>();
    for (int i = 0; i < COUNTRIES.length; i++) {
      locations.add(location("loc-" + i, COUNTRIES[i]));
      countryOf.put("loc-" + i, COUNTRIES[i]);
    }
    return locations;
  }

  private static ResearchStudy study(String id, ResearchStudyStatus status, String phase, String location) {
    ResearchStudy study = new ResearchStudy();
    study.setId(id);
    study.setStatus(status);
    study.setPhase(new CodeableConcept(new Coding(PHASES, phase, null)));
    study.addSite(new Reference("Location/" + location));
    return study;
  }

  private static Location location(String id, String country) {
    Location location = new Location();
    location.setId(id);
    location.setAddress(new Address().setCountry(country));
    return location;
  }
}
