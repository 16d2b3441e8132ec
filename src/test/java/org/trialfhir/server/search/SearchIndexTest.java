package org.trialfhir.server.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.trialfhir.store.ForwardingTrialStore;
import org.trialfhir.store.InMemoryTrialStore;
import org.trialfhir.store.TrialStore;

/**
 * The search index follows the store's writes (values read through a reference follow the other resource), and a
 * search reads nothing from the store but the versions of the page it hands out.
 */
class SearchIndexTest {

  @Test
  void searchesFollowWritesAtOnceAndReadGroupValuesThroughTheEnrollment() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    SearchParams params = new SearchParams(FhirContext.forR4Cached(), new Resolver(store));
    store.put(List.of(study("NCT1", "loc-1"), group("NCT1", "female"), location("loc-1", "Narnia")));

    assertEquals(List.of(), ids(params, "eligible-sex", tokens("male")));
    assertEquals(List.of("NCT1"), ids(params, "eligible-sex", tokens("female")));
    assertEquals(List.of("NCT1"), ids(params, "site", chain("address-country", "Narnia")));

    // Only the Group and the Location change: what the study is found by changes with them.
    store.put(List.of(group("NCT1", "male"), location("loc-1", "Atlantis")));
    assertEquals(List.of("NCT1"), ids(params, "eligible-sex", tokens("male")));
    assertEquals(List.of(), ids(params, "site", chain("address-country", "Narnia")));
    assertEquals(List.of("NCT1"), ids(params, "site", chain("address-country", "Atlantis")));

    // A new study is found by the next search; a deleted one no more; the order stays first-stored.
    store.put(List.of(study("NCT0", "loc-1")));
    assertEquals(List.of("NCT1", "NCT0"), ids(params, "status", tokens("active")));
    store.apply(List.of(new TrialStore.Delete("ResearchStudy", "NCT1", null)));
    assertEquals(List.of("NCT0"), ids(params, "status", tokens("active")));
    // Without its Group, a study admits every sex.
    assertEquals(List.of("NCT0"), ids(params, "eligible-sex", tokens("female")));
    // An update moves a study from one status to the other, and from one site to another.
    ResearchStudy closed = study("NCT0", "loc-2");
    closed.setStatus(ResearchStudy.ResearchStudyStatus.CLOSEDTOACCRUAL);
    store.put(List.of(closed, location("loc-2", "Narnia")));
    assertEquals(List.of(), ids(params, "status", tokens("active")));
    assertEquals(List.of("NCT0"), ids(params, "status", tokens("closed-to-accrual")));
    assertEquals(List.of("NCT0"), ids(params, "site", chain("address-country", "Narnia")));
    assertEquals(List.of(), ids(params, "site", chain("address-country", "Atlantis")));
    assertEquals(List.of("NCT0"), ids(params, "_id", tokens("NCT0")));
    assertEquals(List.of(), ids(params, "_id", tokens("NCT1")));
  }

  @Test
  void aSearchFetchesOnlyTheVersionsOfThePageItHandsOut() {
    CountingStore store = new CountingStore(new InMemoryTrialStore());
    List<Resource> trials = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      trials.add(study("NCT" + i, "loc-" + (i % 3)));
    }
    for (int i = 0; i < 3; i++) {
      trials.add(location("loc-" + i, i == 0 ? "Narnia" : "Atlantis"));
    }
    store.put(trials);
    SearchParams params = new SearchParams(FhirContext.forR4Cached(), new Resolver(store));
    params.index().catchUp();
    store.reads.set(0);

    SearchResults results = params.query("ResearchStudy")
        .where("site", chain("address-country", "Narnia"))
        .where("status", tokens("active"))
        .run(null, null, null);
    assertEquals(14, results.size());
    assertEquals(0, store.reads.get(), "searching read no resource");

    List<IBaseResource> page = results.getResources(5, 10);
    assertEquals(List.of("NCT15", "NCT18", "NCT21", "NCT24", "NCT27"),
        page.stream().map(r -> r.getIdElement().getIdPart()).toList());
    assertEquals(5, store.reads.get(), "one version read per resource of the page");
    assertEquals(0, store.alls.get());
  }

  // ---- fixtures

  private static List<String> ids(SearchParams params, String name, ca.uhn.fhir.model.api.IQueryParameterAnd<?> and) {
    SearchResults results = params.query("ResearchStudy").where(name, and).run(null, null, null);
    return results.getResources(0, results.size()).stream().map(r -> r.getIdElement().getIdPart()).toList();
  }

  private static TokenAndListParam tokens(String code) {
    return new TokenAndListParam().addAnd(new TokenParam(code));
  }

  private static ReferenceAndListParam chain(String chain, String value) {
    return new ReferenceAndListParam().addAnd(new ca.uhn.fhir.rest.param.ReferenceOrListParam()
        .add(new ReferenceParam(chain, value)));
  }

  private static ResearchStudy study(String id, String location) {
    ResearchStudy study = new ResearchStudy();
    study.setId(id);
    study.setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    study.addEnrollment(new Reference("Group/" + id + "-eligibility"));
    study.addSite(new Reference("Location/" + location));
    return study;
  }

  private static Group group(String study, String sex) {
    Group group = new Group();
    group.setId(study + "-eligibility");
    group.setType(Group.GroupType.PERSON).setActual(false);
    group.addCharacteristic()
        .setCode(new CodeableConcept(new Coding(SearchParams.LOINC, SearchParams.SEX_CODE, "Sex")))
        .setValue(new CodeableConcept(new Coding(SearchParams.GENDER_SYSTEM, sex, null)))
        .setExclude(false);
    return group;
  }

  private static Location location(String id, String country) {
    Location location = new Location();
    location.setId(id);
    location.setAddress(new Address().setCountry(country));
    return location;
  }

  /** A store that counts the resources read from it one by one, and the calls of {@link TrialStore#all}. */
  private static final class CountingStore extends ForwardingTrialStore {
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger alls = new AtomicInteger();

    CountingStore(TrialStore store) {
      super(store);
    }

    @Override
    public List<Version> history(String type, String id) {
      reads.incrementAndGet();
      return store.history(type, id);
    }

    @Override
    public Optional<Resource> read(String type, String id) {
      reads.incrementAndGet();
      return store.read(type, id);
    }

    @Override
    public Optional<Resource> vread(String type, String id, String versionId) {
      reads.incrementAndGet();
      return store.vread(type, id, versionId);
    }

    @Override
    public List<Resource> all(String type) {
      alls.incrementAndGet();
      return store.all(type);
    }
  }
}
