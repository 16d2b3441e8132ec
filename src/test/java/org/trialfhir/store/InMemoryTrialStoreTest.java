package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.Test;

class InMemoryTrialStoreTest {

  private static final Instant T0 = Instant.parse("2025-01-02T03:04:05Z");

  private static ResearchStudy study(String id, String title) {
    ResearchStudy study = new ResearchStudy();
    study.setId(id);
    study.setTitle(title);
    study.setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    return study;
  }

  private static Organization organization(String id, String name) {
    Organization organization = new Organization();
    organization.setId(id);
    organization.setName(name);
    return organization;
  }

  @Test
  void firstPutCreatesVersionOneWithStampsAndAVersionedId() {
    InMemoryTrialStore store = new InMemoryTrialStore(Clock.fixed(T0, ZoneOffset.UTC));
    TrialStore.PutResult result = store.put(List.of(study("NCT1", "One"), organization("org-a", "A")));

    assertEquals(new TrialStore.PutResult(2, 0, 0), result);
    Resource stored = store.read("ResearchStudy", "NCT1").orElseThrow();
    assertEquals("1", stored.getMeta().getVersionId());
    assertEquals(T0, stored.getMeta().getLastUpdated().toInstant());
    assertEquals("ResearchStudy/NCT1/_history/1", stored.getIdElement().getValue());
  }

  @Test
  void storesCopiesNotTheCallersInstances() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    ResearchStudy mine = study("NCT1", "One");
    store.put(List.of(mine));
    mine.setTitle("Changed after the put");

    ResearchStudy stored = (ResearchStudy) store.read("ResearchStudy", "NCT1").orElseThrow();
    assertNotSame(mine, stored);
    assertEquals("One", stored.getTitle());
    // The caller's instance gets no stamps either.
    assertTrue(mine.getMeta().isEmpty());
  }

  @Test
  void unchangedPutAddsNoVersionAndAChangedOneAddsTheNext() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    store.put(List.of(study("NCT1", "One"), organization("org-a", "A")));

    // Stamps from an earlier read do not count as a change.
    Resource reread = store.read("ResearchStudy", "NCT1").orElseThrow().copy();
    assertEquals(new TrialStore.PutResult(0, 0, 2), store.put(List.of(reread, organization("org-a", "A"))));
    assertEquals("1", store.read("ResearchStudy", "NCT1").orElseThrow().getMeta().getVersionId());

    assertEquals(new TrialStore.PutResult(0, 1, 1), store.put(List.of(study("NCT1", "One, revised"), organization("org-a", "A"))));
    assertEquals("2", store.read("ResearchStudy", "NCT1").orElseThrow().getMeta().getVersionId());
    assertEquals("One", ((ResearchStudy) store.vread("ResearchStudy", "NCT1", "1").orElseThrow()).getTitle());
    assertEquals("One, revised", ((ResearchStudy) store.vread("ResearchStudy", "NCT1", "2").orElseThrow()).getTitle());
    assertTrue(store.vread("ResearchStudy", "NCT1", "3").isEmpty());
    assertTrue(store.vread("ResearchStudy", "NCT1", "x").isEmpty());
  }

  @Test
  void allKeepsFirstStoredOrderAndUnknownsAreEmpty() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    store.put(List.of(study("NCT2", "Two"), study("NCT1", "One")));
    store.put(List.of(study("NCT3", "Three"), study("NCT2", "Two, revised")));

    assertEquals(
        List.of("NCT2", "NCT1", "NCT3"),
        store.all("ResearchStudy").stream().map(r -> r.getIdElement().getIdPart()).toList());
    assertEquals("Two, revised", ((ResearchStudy) store.all("ResearchStudy").get(0)).getTitle());
    assertTrue(store.all("Group").isEmpty());
    assertTrue(store.read("Group", "NCT1").isEmpty());
    assertTrue(store.read("ResearchStudy", "NCT9").isEmpty());
  }

  @Test
  void rejectsAResourceWithoutAnId() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    assertThrows(IllegalArgumentException.class, () -> store.put(List.of(new Group())));
  }

  @Test
  void concurrentReadersNeverFailWhilePutsGoOn() throws Exception {
    InMemoryTrialStore store = new InMemoryTrialStore();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        readers.add(pool.submit(() -> {
          for (int i = 0; i < 20_000; i++) {
            List<Resource> studies = store.all("ResearchStudy");
            for (Resource study : studies) {
              // Every listed resource is readable by id and carries its stamps.
              String id = study.getIdElement().getIdPart();
              assertEquals("1", store.read("ResearchStudy", id).orElseThrow().getMeta().getVersionId());
            }
          }
        }));
      }
      for (int i = 0; i < 200; i++) {
        Group group = new Group();
        group.setId("G" + i);
        store.put(List.of(study("NCT" + i, "T" + i), group));
      }
      for (Future<?> reader : readers) {
        reader.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(200, store.all("ResearchStudy").size());
    assertEquals(200, store.all("Group").size());
  }

  @Test
  void applyDeletesAsANewVersionThatHistoryShowsAndReadsNoLongerSee() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    store.put(List.of(study("NCT1", "One")));

    TrialStore.WriteResult result = store.apply(List.of(new TrialStore.Delete("ResearchStudy", "NCT1", 1)));

    assertEquals(List.of(new TrialStore.Applied("ResearchStudy", "NCT1", TrialStore.Action.DELETED, 2)),
        result.applied());
    assertTrue(store.read("ResearchStudy", "NCT1").isEmpty());
    assertTrue(store.all("ResearchStudy").isEmpty());
    assertTrue(store.vread("ResearchStudy", "NCT1", "2").isEmpty());
    assertEquals("One", ((ResearchStudy) store.vread("ResearchStudy", "NCT1", "1").orElseThrow()).getTitle());
    List<TrialStore.Version> history = store.history("ResearchStudy", "NCT1");
    assertEquals(2, history.size());
    assertTrue(history.get(1).deleted());
    assertEquals(1, history.get(0).versionId());

    // Deleting again changes nothing; re-creating continues the version sequence.
    assertEquals(TrialStore.Action.NOT_FOUND,
        store.apply(List.of(new TrialStore.Delete("ResearchStudy", "NCT1", null))).applied().get(0).action());
    assertEquals(TrialStore.Action.CREATED,
        store.apply(List.of(new TrialStore.Upsert(study("NCT1", "Again"), 0))).applied().get(0).action());
    assertEquals("3", store.read("ResearchStudy", "NCT1").orElseThrow().getMeta().getVersionId());
  }

  @Test
  void aVersionConflictAppliesNothing() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    store.put(List.of(study("NCT1", "One"), organization("org-a", "A")));

    TrialStore.VersionConflictException conflict = assertThrows(TrialStore.VersionConflictException.class,
        () -> store.apply(List.of(
            new TrialStore.Upsert(organization("org-a", "A, renamed"), 1),
            new TrialStore.Upsert(study("NCT1", "One, revised"), 7))));

    assertEquals(1, conflict.currentVersion());
    assertEquals("A", ((Organization) store.read("Organization", "org-a").orElseThrow()).getName());
    assertEquals(1, store.history("Organization", "org-a").size());
    // "Must not exist yet" fails for an existing resource.
    assertThrows(TrialStore.VersionConflictException.class,
        () -> store.apply(List.of(new TrialStore.Upsert(study("NCT1", "Dup"), 0))));
    assertTrue(store.history("ResearchStudy", "NCT2").isEmpty());
  }

  @Test
  void applyRefusesTheSameResourceTwice() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    assertThrows(IllegalArgumentException.class, () -> store.apply(List.of(
        new TrialStore.Upsert(study("NCT1", "One")), new TrialStore.Delete("ResearchStudy", "NCT1", null))));
    assertTrue(store.all("ResearchStudy").isEmpty());
  }
}
