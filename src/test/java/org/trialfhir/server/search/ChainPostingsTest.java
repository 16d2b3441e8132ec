package org.trialfhir.server.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.trialfhir.store.InMemoryTrialStore;
import org.trialfhir.store.TrialStore;

/**
 * Chained searches through a reference ({@code site.address-country=China}, {@code sponsor.name=...}) answered from
 * the target type's postings and the reference's postings by target ordinal ({@link Referrers}) find what a walk
 * over every study finds, for random chains, before and after writes: a Location moving country, a study gaining
 * and losing sites, a Location deleted and written again, a Location created after the study that names it.
 */
class ChainPostingsTest {
  private static final String[] COUNTRIES = {"China", "Chile", "France", "Côte d'Ivoire", "United States"};
  private static final String[] CITIES = {"Beijing", "Bern", "Paris", "Abidjan", "Boston", "Shanghai", "Santiago"};
  private static final String[] STATES = {"Hebei", "Île-de-France", "Massachusetts", "Bern"};
  private static final String[] SPONSORS = {"Essen University", "Essex Trials", "Oslo Group", "Ørsted Lab"};
  private static final String[] VALUES = {"China", "Chi", "chile", "C", "Côte", "cote d", "United", "France",
      "Beijing", "Be", "bern", "Paris", "Ile", "Mass", "Essen", "Ess", "oslo", "orsted", "X", "Shang", "abid"};
  private static final ResearchStudyStatus[] STATUSES = {ResearchStudyStatus.ACTIVE, ResearchStudyStatus.COMPLETED,
      ResearchStudyStatus.ACTIVE, ResearchStudyStatus.WITHDRAWN};

  private final Random random = new Random(13);
  private final InMemoryTrialStore store = new InMemoryTrialStore();
  private final SearchParams params = new SearchParams(FhirContext.forR4Cached(), new Resolver(store));
  /** The current studies, Locations and Organizations as written, in first-stored order. */
  private final Map<String, ResearchStudy> studies = new LinkedHashMap<>();
  private final Map<String, Location> locations = new LinkedHashMap<>();
  private final Map<String, Organization> sponsors = new LinkedHashMap<>();

  @Test
  void randomChainsFindWhatAWalkFindsBeforeAndAfterWrites() {
    List<Resource> first = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      first.add(location("loc-" + i));
    }
    for (int i = 0; i < SPONSORS.length; i++) {
      Organization sponsor = new Organization().setName(SPONSORS[i]);
      sponsor.setId("org-" + i);
      first.add(sponsor);
    }
    for (int i = 0; i < 900; i++) {
      first.add(study("NCT" + i));
    }
    write(first);
    assertChainsAsWalked();
    assertTrue(listsChains(), "the chains were answered from posting lists");

    // A Location moves country (and city), one at a time and several in one write.
    write(List.of(location("loc-3")));
    assertChainsAsWalked();
    write(List.of(location("loc-0"), location("loc-7"), location("loc-11")));
    assertChainsAsWalked();

    // Studies gain and lose sites; new studies name Locations that do not exist yet.
    List<Resource> studyChanges = new ArrayList<>();
    for (int i = 0; i < 900; i += 11) {
      ResearchStudy study = studies.get("NCT" + i).copy();
      study.addSite(new Reference("Location/loc-" + random.nextInt(80)));
      studyChanges.add(study);
    }
    for (int i = 5; i < 900; i += 13) {
      ResearchStudy study = studies.get("NCT" + i).copy();
      if (!study.getSite().isEmpty()) {
        study.getSite().remove(random.nextInt(study.getSite().size()));
      }
      studyChanges.add(study);
    }
    for (int i = 900; i < 940; i++) {
      ResearchStudy study = study("NCT" + i);
      study.addSite(new Reference("Location/late-" + (i % 4)));
      studyChanges.add(study);
    }
    write(studyChanges);
    assertChainsAsWalked();

    // Locations deleted, then the late ones created (alone: no study changes in that write), then one written again.
    delete("Location", "loc-1", "loc-2");
    assertChainsAsWalked();
    write(List.of(location("late-0"), location("late-1")));
    assertChainsAsWalked();
    write(List.of(location("late-2")));
    write(List.of(study("NCT940")));
    write(List.of(location("late-3"), location("loc-1")));
    assertChainsAsWalked();
    delete("ResearchStudy", "NCT4", "NCT9");
    write(List.of(location("loc-5")));
    assertChainsAsWalked();
    assertTrue(listsChains(), "the chains are still answered from posting lists");
  }

  /** Every chained parameter with every sample value, alone and with a status, against the walk. */
  private void assertChainsAsWalked() {
    String[] chains = {"address-country", "address-city", "address-state", "address", "name"};
    for (String chain : chains) {
      for (String value : VALUES) {
        Predicate<ResearchStudy> passes = s -> s.getSite().stream()
            .map(r -> locations.get(r.getReferenceElement().getIdPart()))
            .anyMatch(l -> l != null && matches(strings(l, chain), value));
        assertEquals(walk(passes), ids(params.query("ResearchStudy")
            .where("site", and(new ReferenceParam(chain, value))).run(null, null, null)), "site." + chain + "=" + value);
      }
    }
    for (String value : VALUES) {
      Predicate<ResearchStudy> passes = s -> {
        Organization sponsor = sponsors.get(s.getSponsor().getReferenceElement().getIdPart());
        return sponsor != null && matches(List.of(sponsor.getName()), value);
      };
      assertEquals(walk(passes), ids(params.query("ResearchStudy")
          .where("sponsor", and(new ReferenceParam("name", value))).run(null, null, null)), "sponsor.name=" + value);
    }
    // Two countries OR-ed, with a status; a chain naming its target type.
    String a = COUNTRIES[random.nextInt(COUNTRIES.length)];
    String b = COUNTRIES[random.nextInt(COUNTRIES.length)];
    Predicate<ResearchStudy> inEither = s -> s.getSite().stream()
        .map(r -> locations.get(r.getReferenceElement().getIdPart()))
        .anyMatch(l -> l != null && (matches(strings(l, "address-country"), a)
            || matches(strings(l, "address-country"), b)));
    ReferenceAndListParam either = new ReferenceAndListParam().addAnd(new ReferenceOrListParam()
        .add(new ReferenceParam("address-country", a)).add(new ReferenceParam("address-country", b)));
    assertEquals(walk(inEither.and(s -> s.getStatus() == ResearchStudyStatus.ACTIVE)), ids(params
        .query("ResearchStudy").where("site", either).where("status", new TokenAndListParam()
            .addAnd(new TokenParam("active"))).run(null, null, null)), a + " or " + b + ", active");
    ReferenceParam typed = new ReferenceParam("Location", "address-country", a);
    Predicate<ResearchStudy> inA = s -> s.getSite().stream()
        .map(r -> locations.get(r.getReferenceElement().getIdPart()))
        .anyMatch(l -> l != null && matches(strings(l, "address-country"), a));
    assertEquals(walk(inA), ids(params.query("ResearchStudy").where("site", and(typed)).run(null, null, null)));
  }

  /** Whether the index answers site and Location address-country from postings, as the fast path needs. */
  private boolean listsChains() {
    SearchIndex index = params.index();
    SearchIndex.View view = index.view();
    SearchIndex.TypeIndex study = index.type("ResearchStudy");
    SearchIndex.TypeIndex location = index.type("Location");
    ParamDef site = params.find("ResearchStudy", "site").orElseThrow();
    ParamDef country = params.find("Location", "address-country").orElseThrow();
    BitSet all = new BitSet();
    all.set(0, location.entries.count());
    assertNotNull(view.postings(study).referring(site, location, all));
    return view.postings(study).has(site) && view.postings(location).has(country);
  }

  /** A string search's rule: a value starts with the one searched, case and accents ignored. */
  private static boolean matches(List<String> values, String value) {
    return values.stream().anyMatch(v -> Text.startsWithFolded(v, Text.fold(value)));
  }

  private static List<String> strings(Location location, String chain) {
    Address address = location.getAddress();
    List<String> values = new ArrayList<>();
    switch (chain) {
      case "address-country" -> values.add(address.getCountry());
      case "address-city" -> values.add(address.getCity());
      case "address-state" -> values.add(address.getState());
      case "name" -> values.add(location.getName());
      default -> {
        values.add(address.getCity());
        values.add(address.getState());
        values.add(address.getCountry());
      }
    }
    values.removeIf(v -> v == null || v.isEmpty());
    return values;
  }

  private List<String> walk(Predicate<ResearchStudy> passes) {
    return studies.values().stream().filter(passes).map(s -> s.getIdElement().getIdPart()).toList();
  }

  private static List<String> ids(SearchResults results) {
    return results.getResources(0, results.size()).stream().map(IBaseResource::getIdElement)
        .map(id -> id.getIdPart()).toList();
  }

  private static ReferenceAndListParam and(ReferenceParam param) {
    return new ReferenceAndListParam().addAnd(new ReferenceOrListParam().add(param));
  }

  // ---- writing

  /** A Location with a random name, country, city and state (any may be absent). */
  private Location location(String id) {
    Location location = new Location();
    location.setId(id);
    if (random.nextInt(5) > 0) {
      location.setName(CITIES[random.nextInt(CITIES.length)] + " Hospital " + random.nextInt(3));
    }
    Address address = new Address();
    if (random.nextInt(8) > 0) {
      address.setCountry(COUNTRIES[random.nextInt(COUNTRIES.length)]);
    }
    if (random.nextInt(4) > 0) {
      address.setCity(CITIES[random.nextInt(CITIES.length)]);
    }
    if (random.nextBoolean()) {
      address.setState(STATES[random.nextInt(STATES.length)]);
    }
    location.setAddress(address);
    return location;
  }

  /**
   * A study with a status, a sponsor and 0–3 sites; a third of the studies name one of three hub Locations, whose
   * lists of referrers are long enough to be kept as bit sets.
   */
  private ResearchStudy study(String id) {
    ResearchStudy study = new ResearchStudy();
    study.setId(id);
    study.setStatus(STATUSES[random.nextInt(STATUSES.length)]);
    study.setSponsor(new Reference("Organization/org-" + random.nextInt(SPONSORS.length + 1)));
    int sites = random.nextInt(4);
    for (int i = 0; i < sites; i++) {
      study.addSite(new Reference("Location/loc-" + random.nextInt(80)));
    }
    if (random.nextInt(3) == 0) {
      study.addSite(new Reference("Location/loc-" + random.nextInt(3)));
    }
    return study;
  }

  private void write(List<Resource> resources) {
    for (Resource resource : resources) {
      String id = resource.getIdElement().getIdPart();
      if (resource instanceof ResearchStudy study) {
        studies.put(id, study);
      } else if (resource instanceof Location location) {
        locations.put(id, location);
      } else if (resource instanceof Organization organization) {
        sponsors.put(id, organization);
      }
    }
    store.put(resources);
  }

  private void delete(String type, String... ids) {
    List<TrialStore.Delete> deletes = new ArrayList<>();
    for (String id : ids) {
      (type.equals("Location") ? locations : studies).remove(id);
      deletes.add(new TrialStore.Delete(type, id, null));
    }
    store.apply(deletes);
  }
}
