package org.trialfhir.store;

import static org.trialfhir.store.StoreFixtures.organization;
import static org.trialfhir.store.StoreFixtures.study;
import static org.trialfhir.store.StoreFixtures.title;
import static org.trialfhir.store.StoreFixtures.together;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TrialStore} does, run against each implementation (in memory, H2, PostgreSQL): a test class
 * implements this interface and returns a fresh, empty store from {@link #store()} for each test.
 */
interface TrialStoreContract {
  FhirContext CTX = FhirContext.forR4Cached();

  /** The store under test: empty at the start of each test, the same instance throughout one test. */
  TrialStore store();

  @Test
  default void firstPutCreatesVersionOneWithStampsAndAVersionedId() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    TrialStore.PutResult result = store().put(List.of(study("NCT1", "One"), organization("org-a", "A")));
    Instant after = Instant.now();

    assertEquals(new TrialStore.PutResult(2, 0, 0), result);
    Resource stored = store().read("ResearchStudy", "NCT1").orElseThrow();
    assertEquals("1", stored.getMeta().getVersionId());
    Instant stamped = stored.getMeta().getLastUpdated().toInstant();
    assertFalse(stamped.isBefore(before) || stamped.isAfter(after), stamped + " not within the put");
    assertEquals("ResearchStudy/NCT1/_history/1", stored.getIdElement().getValue());
    // One put, one time for all its versions.
    assertEquals(stamped, store().read("Organization", "org-a").orElseThrow().getMeta().getLastUpdated().toInstant());
  }

  @Test
  default void storesCopiesNotTheCallersInstances() {
    ResearchStudy mine = study("NCT1", "One");
    store().put(List.of(mine));
    mine.setTitle("Changed after the put");

    ResearchStudy stored = (ResearchStudy) store().read("ResearchStudy", "NCT1").orElseThrow();
    assertNotSame(mine, stored);
    assertEquals("One", stored.getTitle());
    // The caller's instance gets no stamps either.
    assertTrue(mine.getMeta().isEmpty());
    assertFalse(mine.getIdElement().hasVersionIdPart());
  }

  @Test
  default void unchangedPutAddsNoVersionAndAChangedOneAddsTheNext() {
    store().put(List.of(study("NCT1", "One"), organization("org-a", "A")));

    // Stamps from an earlier read do not count as a change.
    Resource reread = store().read("ResearchStudy", "NCT1").orElseThrow().copy();
    assertEquals(new TrialStore.PutResult(0, 0, 2), store().put(List.of(reread, organization("org-a", "A"))));
    assertEquals("1", store().read("ResearchStudy", "NCT1").orElseThrow().getMeta().getVersionId());

    assertEquals(new TrialStore.PutResult(0, 1, 1),
        store().put(List.of(study("NCT1", "One, revised"), organization("org-a", "A"))));
    assertEquals("2", store().read("ResearchStudy", "NCT1").orElseThrow().getMeta().getVersionId());
    assertEquals("One", ((ResearchStudy) store().vread("ResearchStudy", "NCT1", "1").orElseThrow()).getTitle());
    assertEquals("1", store().vread("ResearchStudy", "NCT1", "1").orElseThrow().getMeta().getVersionId());
    assertEquals("One, revised", ((ResearchStudy) store().vread("ResearchStudy", "NCT1", "2").orElseThrow()).getTitle());
    assertTrue(store().vread("ResearchStudy", "NCT1", "3").isEmpty());
    assertTrue(store().vread("ResearchStudy", "NCT1", "x").isEmpty());
    assertTrue(store().vread("ResearchStudy", "NCT1", "0").isEmpty());
  }

  @Test
  default void allKeepsFirstStoredOrderAndUnknownsAreEmpty() {
    store().put(List.of(study("NCT2", "Two"), study("NCT1", "One")));
    store().put(List.of(study("NCT3", "Three"), study("NCT2", "Two, revised")));

    assertEquals(List.of("NCT2", "NCT1", "NCT3"),
        store().all("ResearchStudy").stream().map(r -> r.getIdElement().getIdPart()).toList());
    assertEquals("Two, revised", ((ResearchStudy) store().all("ResearchStudy").get(0)).getTitle());
    assertTrue(store().all("Group").isEmpty());
    assertTrue(store().read("Group", "NCT1").isEmpty());
    assertTrue(store().read("ResearchStudy", "NCT9").isEmpty());
    assertTrue(store().history("ResearchStudy", "NCT9").isEmpty());
  }

  @Test
  default void rejectsAResourceWithoutAnId() {
    assertThrows(IllegalArgumentException.class, () -> store().put(List.of(new Group())));
    assertThrows(IllegalArgumentException.class,
        () -> store().apply(List.of(new TrialStore.Delete("Group", " ", null))));
  }

  @Test
  default void applyDeletesAsANewVersionThatHistoryShowsAndReadsNoLongerSee() {
    store().put(List.of(study("NCT1", "One")));

    TrialStore.WriteResult result = store().apply(List.of(new TrialStore.Delete("ResearchStudy", "NCT1", 1)));

    assertEquals(List.of(new TrialStore.Applied("ResearchStudy", "NCT1", TrialStore.Action.DELETED, 2)),
        result.applied());
    assertTrue(store().read("ResearchStudy", "NCT1").isEmpty());
    assertTrue(store().all("ResearchStudy").isEmpty());
    assertTrue(store().vread("ResearchStudy", "NCT1", "2").isEmpty());
    assertEquals("One", ((ResearchStudy) store().vread("ResearchStudy", "NCT1", "1").orElseThrow()).getTitle());
    List<TrialStore.Version> history = store().history("ResearchStudy", "NCT1");
    assertEquals(2, history.size());
    assertEquals(1, history.get(0).versionId());
    assertEquals("One", ((ResearchStudy) history.get(0).resource()).getTitle());
    assertTrue(history.get(1).deleted());
    assertFalse(history.get(1).lastUpdated().isBefore(history.get(0).lastUpdated()));

    // Deleting again changes nothing; re-creating continues the version sequence.
    assertEquals(TrialStore.Action.NOT_FOUND,
        store().apply(List.of(new TrialStore.Delete("ResearchStudy", "NCT1", null))).applied().get(0).action());
    assertEquals(TrialStore.Action.NOT_FOUND,
        store().apply(List.of(new TrialStore.Delete("ResearchStudy", "NCT404", null))).applied().get(0).action());
    assertEquals(TrialStore.Action.CREATED,
        store().apply(List.of(new TrialStore.Upsert(study("NCT1", "Again"), 0))).applied().get(0).action());
    assertEquals("3", store().read("ResearchStudy", "NCT1").orElseThrow().getMeta().getVersionId());
    assertEquals(3, store().history("ResearchStudy", "NCT1").size());
    assertEquals(List.of("NCT1"), store().all("ResearchStudy").stream().map(r -> r.getIdElement().getIdPart()).toList());
  }

  @Test
  default void aVersionConflictAppliesNothing() {
    store().put(List.of(study("NCT1", "One"), organization("org-a", "A")));

    TrialStore.VersionConflictException conflict = assertThrows(TrialStore.VersionConflictException.class,
        () -> store().apply(List.of(
            new TrialStore.Upsert(organization("org-a", "A, renamed"), 1),
            new TrialStore.Upsert(study("NCT2", "Two"), null),
            new TrialStore.Upsert(study("NCT1", "One, revised"), 7))));

    assertEquals(1, conflict.currentVersion());
    assertEquals("NCT1", conflict.change().id());
    assertEquals("A", ((Organization) store().read("Organization", "org-a").orElseThrow()).getName());
    assertEquals(1, store().history("Organization", "org-a").size());
    assertTrue(store().read("ResearchStudy", "NCT2").isEmpty());
    // "Must not exist yet" fails for an existing resource; a delete's expected version is checked too.
    assertThrows(TrialStore.VersionConflictException.class,
        () -> store().apply(List.of(new TrialStore.Upsert(study("NCT1", "Dup"), 0))));
    assertThrows(TrialStore.VersionConflictException.class,
        () -> store().apply(List.of(new TrialStore.Delete("ResearchStudy", "NCT1", 2))));
    assertEquals("One", title(store(), "NCT1"));
    assertTrue(store().history("ResearchStudy", "NCT2").isEmpty());
  }

  @Test
  default void applyRefusesTheSameResourceTwice() {
    assertThrows(IllegalArgumentException.class, () -> store().apply(List.of(
        new TrialStore.Upsert(study("NCT1", "One")), new TrialStore.Delete("ResearchStudy", "NCT1", null))));
    assertTrue(store().all("ResearchStudy").isEmpty());
  }

  @Test
  default void applyAllAppliesEachWriteAfterTheOnesBeforeIt() {
    store().put(List.of(study("NCT0", "Zero")));
    List<TrialStore.WriteResult> results = store().applyAll(List.of(
        store().prepare(List.of(new TrialStore.Upsert(study("NCT1", "One")),
            new TrialStore.Upsert(organization("org-a", "A")))),
        // Unchanged: no version, and the writes around it still get theirs.
        store().prepare(List.of(new TrialStore.Upsert(study("NCT0", "Zero")))),
        // The second write of a shared resource finds the first's version: an update, then nothing new.
        store().prepare(List.of(new TrialStore.Upsert(study("NCT2", "Two")),
            new TrialStore.Upsert(organization("org-a", "A, renamed")))),
        store().prepare(List.of(new TrialStore.Upsert(organization("org-a", "A, renamed"), 2),
            new TrialStore.Delete("ResearchStudy", "NCT0", 1)))));

    assertEquals(4, results.size());
    assertEquals(List.of(new TrialStore.Applied("ResearchStudy", "NCT1", TrialStore.Action.CREATED, 1),
        new TrialStore.Applied("Organization", "org-a", TrialStore.Action.CREATED, 1)), results.get(0).applied());
    assertEquals(List.of(new TrialStore.Applied("ResearchStudy", "NCT0", TrialStore.Action.UNCHANGED, 1)),
        results.get(1).applied());
    assertEquals(List.of(new TrialStore.Applied("ResearchStudy", "NCT2", TrialStore.Action.CREATED, 1),
        new TrialStore.Applied("Organization", "org-a", TrialStore.Action.UPDATED, 2)), results.get(2).applied());
    assertEquals(List.of(new TrialStore.Applied("Organization", "org-a", TrialStore.Action.UNCHANGED, 2),
        new TrialStore.Applied("ResearchStudy", "NCT0", TrialStore.Action.DELETED, 2)), results.get(3).applied());
    List<TrialStore.Version> org = store().history("Organization", "org-a");
    assertEquals(List.of(1, 2), org.stream().map(TrialStore.Version::versionId).toList());
    assertEquals("A", ((Organization) org.get(0).resource()).getName());
    assertEquals("A, renamed", ((Organization) store().read("Organization", "org-a").orElseThrow()).getName());
    assertEquals(List.of("NCT1", "NCT2"),
        store().all("ResearchStudy").stream().map(r -> r.getIdElement().getIdPart()).toList());
  }

  @Test
  default void applyAllAppliesNothingWhenOneWriteConflicts() {
    store().put(List.of(study("NCT1", "One")));
    TrialStore.PreparedWrite first = store().prepare(List.of(new TrialStore.Upsert(study("NCT2", "Two")),
        new TrialStore.Upsert(organization("org-a", "A"))));
    TrialStore.PreparedWrite stale = store().prepare(List.of(new TrialStore.Upsert(study("NCT1", "Stale"), 2)));
    // Preparing stores nothing.
    assertTrue(store().read("ResearchStudy", "NCT2").isEmpty());

    TrialStore.VersionConflictException conflict = assertThrows(TrialStore.VersionConflictException.class,
        () -> store().applyAll(List.of(first, stale)));

    assertEquals("NCT1", conflict.change().id());
    assertTrue(store().read("ResearchStudy", "NCT2").isEmpty());
    assertTrue(store().history("Organization", "org-a").isEmpty());
    assertEquals("One", title(store(), "NCT1"));
    // The write that was fine goes in on its own, prepared once.
    assertEquals(2, store().applyAll(List.of(first)).get(0).count(TrialStore.Action.CREATED));
    assertEquals("Two", title(store(), "NCT2"));
  }

  @Test
  default void prepareChecksAsApplyDoesAndAcceptsWritesPreparedElsewhere() {
    assertThrows(IllegalArgumentException.class, () -> store().prepare(List.of(
        new TrialStore.Upsert(study("NCT1", "One")), new TrialStore.Delete("ResearchStudy", "NCT1", null))));
    assertThrows(IllegalArgumentException.class,
        () -> store().prepare(List.of(new TrialStore.Delete("Group", "", null))));

    TrialStore.PreparedWrite elsewhere =
        new InMemoryTrialStore().prepare(List.of(new TrialStore.Upsert(study("NCT1", "One"))));
    assertEquals(TrialStore.Action.CREATED, store().applyAll(List.of(elsewhere)).get(0).applied().get(0).action());
    assertEquals("One", title(store(), "NCT1"));
    assertTrue(store().applyAll(List.of()).isEmpty());
  }

  @Test
  default void theSampleTrialsReadBackUnchanged() {
    TrialImporter.Report report = new TrialImporter(CTX, store()).samples();
    assertEquals(5, report.trials().size());
    List<Resource> stored = new ArrayList<>();
    for (String type : List.of("ResearchStudy", "PlanDefinition", "ActivityDefinition", "Group", "Organization",
        "Location", "Practitioner")) {
      stored.addAll(store().all(type));
    }
    for (String trial : report.trials()) {
      assertTrue(store().read("ResearchStudy", trial).isPresent(), trial);
    }

    // What was read (stamps and narratives included) puts back as unchanged; so does a second import.
    TrialStore.PutResult again = store().put(stored.stream().map(Resource::copy).toList());
    assertEquals(new TrialStore.PutResult(0, 0, stored.size()), again);
    new TrialImporter(CTX, store()).samples();
    for (Resource resource : stored) {
      assertEquals(1, store().history(resource.fhirType(), resource.getIdElement().getIdPart()).size(),
          resource.getIdElement().getValue());
    }
  }

  @Test
  default void concurrentReadersNeverFailWhilePutsGoOn() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(pool.submit(() -> {
          for (int i = 0; i < 2_000; i++) {
            // Every listed study is readable by id, and its group (put in the same change) is there too.
            for (Resource study : store().all("ResearchStudy")) {
              String id = study.getIdElement().getIdPart();
              assertEquals("1", store().read("ResearchStudy", id).orElseThrow().getMeta().getVersionId());
              assertTrue(store().read("Group", "G" + id).isPresent(), id);
            }
          }
        }));
      }
      for (int i = 0; i < 60; i++) {
        Group group = new Group();
        group.setId("GNCT" + i);
        store().put(List.of(study("NCT" + i, "T" + i), group));
      }
      for (Future<?> reader : readers) {
        reader.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(60, store().all("ResearchStudy").size());
    assertEquals(60, store().all("Group").size());
  }

  @Test
  default void concurrentConditionalUpdatesLoseNothing() throws Exception {
    // A counter in the title, read and increased by several writers with If-Match style expected versions: every
    // increment survives, and a conflict is the only way a write is refused.
    store().put(List.of(study("NCT1", "0")));
    int writers = 3;
    int increments = 8;
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      tasks.add(() -> {
        int conflicts = 0;
        for (int done = 0; done < increments; ) {
          ResearchStudy current = (ResearchStudy) store().read("ResearchStudy", "NCT1").orElseThrow();
          int version = Integer.parseInt(current.getMeta().getVersionId());
          ResearchStudy next = study("NCT1", String.valueOf(Integer.parseInt(current.getTitle()) + 1));
          try {
            store().apply(List.of(new TrialStore.Upsert(next, version)));
            done++;
          } catch (TrialStore.VersionConflictException e) {
            conflicts++;
          }
        }
        return conflicts;
      });
    }
    together(tasks);

    assertEquals(String.valueOf(writers * increments), title(store(), "NCT1"));
    List<TrialStore.Version> history = store().history("ResearchStudy", "NCT1");
    assertEquals(writers * increments + 1, history.size());
    for (int i = 0; i < history.size(); i++) {
      assertEquals(i + 1, history.get(i).versionId());
      assertEquals(String.valueOf(i), ((ResearchStudy) history.get(i).resource()).getTitle());
    }
  }

  @Test
  default void concurrentImportsOfOneTrialMakeOneVersionEach() throws Exception {
    // Several importers put the same trial (a study and its sponsor) at once, each with its own title: no version
    // number is used twice, none is skipped, and the sponsor, identical in every import, is created once.
    int writers = 3;
    int puts = 8;
    List<Callable<List<Integer>>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      tasks.add(() -> {
        List<Integer> versions = new ArrayList<>();
        for (int i = 0; i < puts; i++) {
          TrialStore.WriteResult result = store().apply(List.of(
              new TrialStore.Upsert(study("NCT1", "writer " + writer + " put " + i)),
              new TrialStore.Upsert(organization("org-sponsor", "Sponsor"))));
          versions.add(result.applied().get(0).versionId());
          assertTrue(result.applied().get(0).action() != TrialStore.Action.UNCHANGED);
        }
        return versions;
      });
    }
    Set<Integer> versions = new HashSet<>();
    for (List<Integer> ofWriter : together(tasks)) {
      for (int version : ofWriter) {
        assertTrue(versions.add(version), "version " + version + " reported twice");
      }
    }
    List<TrialStore.Version> history = store().history("ResearchStudy", "NCT1");
    assertEquals(writers * puts, history.size());
    for (int i = 0; i < history.size(); i++) {
      assertEquals(i + 1, history.get(i).versionId());
    }
    assertEquals(writers * puts, versions.size());
    assertEquals(String.valueOf(writers * puts), store().read("ResearchStudy", "NCT1").orElseThrow()
        .getMeta().getVersionId());
    assertEquals(1, store().history("Organization", "org-sponsor").size());
  }

  @Test
  default void concurrentImportsOfDifferentTrialsKeepEveryTrialWhole() throws Exception {
    // Different trials sharing one sponsor, imported at once: every trial is there with its group, the sponsor
    // exists once, and each trial's resources carry the one time of their put.
    int writers = 3;
    int trials = 8;
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      tasks.add(() -> {
        for (int i = 0; i < trials; i++) {
          String id = "NCT" + writer + "0" + i;
          ResearchStudy study = study(id, "Trial " + id);
          study.setSponsor(new Reference("Organization/org-shared"));
          Group group = new Group();
          group.setId(id + "-eligibility");
          store().put(List.of(study, group, organization("org-shared", "Shared sponsor")));
        }
        return null;
      });
    }
    together(tasks);

    assertEquals(writers * trials, store().all("ResearchStudy").size());
    assertEquals(writers * trials, store().all("Group").size());
    for (Resource study : store().all("ResearchStudy")) {
      Resource group = store().read("Group", study.getIdElement().getIdPart() + "-eligibility").orElseThrow();
      assertEquals(study.getMeta().getLastUpdated(), group.getMeta().getLastUpdated());
      assertEquals("1", study.getMeta().getVersionId());
    }
    assertEquals(1, store().history("Organization", "org-shared").size());
  }
  @Test
  default void theChangeFeedReportsEveryChangingWriteWholeAndInOrder() {
    assertEquals(0, store().position());
    assertTrue(store().changesSince(0, 10).isEmpty());

    store().put(List.of(study("NCT1", "One"), organization("org-a", "A")));
    long first = store().position();
    assertTrue(first > 0);
    // An unchanged put is no change: the position stays.
    store().put(List.of(study("NCT1", "One")));
    assertEquals(first, store().position());
    store().put(List.of(study("NCT1", "One, revised")));
    store().apply(List.of(new TrialStore.Delete("Organization", "org-a", null)));

    List<TrialStore.Committed> feed = store().changesSince(0, 10);
    assertEquals(3, feed.size());
    assertEquals(first, feed.get(0).seq());
    assertEquals(store().position(), feed.get(2).seq());
    assertTrue(feed.get(0).seq() < feed.get(1).seq() && feed.get(1).seq() < feed.get(2).seq());
    // The first write whole, in its order, with stamped resources.
    assertEquals(List.of("ResearchStudy/NCT1/1", "Organization/org-a/1"), described(feed.get(0)));
    assertEquals("One", ((ResearchStudy) feed.get(0).versions().get(0).resource()).getTitle());
    assertEquals("1", feed.get(0).versions().get(0).resource().getMeta().getVersionId());
    assertEquals(List.of("ResearchStudy/NCT1/2"), described(feed.get(1)));
    assertTrue(feed.get(2).versions().get(0).deleted());
    // Paged by writes, and nothing after the last.
    assertEquals(feed.subList(1, 2).stream().map(TrialStore.Committed::seq).toList(),
        store().changesSince(first, 1).stream().map(TrialStore.Committed::seq).toList());
    assertTrue(store().changesSince(store().position(), 10).isEmpty());
  }

  @Test
  default void currentHandsOverEveryResourceAtItsCurrentVersionInFirstStoredOrder() {
    store().put(List.of(study("NCT2", "Two"), study("NCT1", "One"), organization("org-a", "A")));
    store().put(List.of(study("NCT3", "Three"), study("NCT2", "Two, revised")));
    store().apply(List.of(new TrialStore.Delete("ResearchStudy", "NCT1", null)));

    List<TrialStore.Version> handed = new ArrayList<>();
    long position = store().current(handed::addAll);

    assertEquals(store().position(), position);
    assertEquals(List.of("ResearchStudy/NCT2/2", "ResearchStudy/NCT1/2", "ResearchStudy/NCT3/1"),
        handed.stream().filter(v -> v.type().equals("ResearchStudy"))
            .map(v -> v.type() + "/" + v.id() + "/" + v.versionId()).toList());
    assertEquals("Two, revised", ((ResearchStudy) handed.stream().filter(v -> v.id().equals("NCT2")).findFirst()
        .orElseThrow().resource()).getTitle());
    assertTrue(handed.stream().filter(v -> v.id().equals("NCT1")).findFirst().orElseThrow().deleted());
    assertEquals(1, handed.stream().filter(v -> v.type().equals("Organization")).count());
  }

  @Test
  default void currentOfSomeTypesHandsOverOnlyThoseInTheSameOrder() {
    store().put(List.of(study("NCT2", "Two"), organization("org-a", "A"), study("NCT1", "One")));
    store().put(List.of(organization("org-b", "B"), study("NCT2", "Two, revised")));

    List<TrialStore.Version> handed = new ArrayList<>();
    long position = store().current(Set.of("Organization"), handed::addAll);

    assertEquals(store().position(), position);
    assertEquals(List.of("Organization/org-a/1", "Organization/org-b/1"),
        handed.stream().map(v -> v.type() + "/" + v.id() + "/" + v.versionId()).toList());
    assertEquals("B", ((Organization) handed.get(1).resource()).getName());
  }

  private static List<String> described(TrialStore.Committed committed) {
    return committed.versions().stream().map(v -> v.type() + "/" + v.id() + "/" + v.versionId()).toList();
  }
}
