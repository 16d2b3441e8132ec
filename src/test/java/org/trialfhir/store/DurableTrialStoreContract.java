package org.trialfhir.store;

import static org.trialfhir.store.StoreFixtures.organization;
import static org.trialfhir.store.StoreFixtures.study;
import static org.trialfhir.store.StoreFixtures.title;
import static org.trialfhir.store.StoreFixtures.within2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.Test;
import org.trialfhir.store.jdbc.JdbcTrialStore;
import org.trialfhir.store.jdbc.StoreException;
import org.trialfhir.testing.TrialCopies;

/**
 * What a store over a database adds to {@link TrialStoreContract}: data survives a restart, several instances on one
 * database see each other's writes within two seconds, and a write the database refuses leaves nothing behind.
 */
interface DurableTrialStoreContract extends TrialStoreContract {

  @Override
  JdbcTrialStore store();

  /** Closes {@link #store()} and opens a new instance on the same database, which {@link #store()} returns after. */
  JdbcTrialStore reopen();

  /** Another instance on the same database beside {@link #store()}, closed after the test. */
  JdbcTrialStore another();

  @Test
  default void restartKeepsEveryVersionAndTheOrder() {
    store().put(List.of(study("NCT2", "Two"), study("NCT1", "One"), organization("org-a", "A")));
    store().put(List.of(study("NCT2", "Two, revised")));
    store().apply(List.of(new TrialStore.Delete("Organization", "org-a", 1)));
    Resource before = store().read("ResearchStudy", "NCT2").orElseThrow();

    JdbcTrialStore reopened = reopen();

    assertEquals(List.of("NCT2", "NCT1"),
        reopened.all("ResearchStudy").stream().map(r -> r.getIdElement().getIdPart()).toList());
    Resource after = reopened.read("ResearchStudy", "NCT2").orElseThrow();
    assertEquals("Two, revised", ((ResearchStudy) after).getTitle());
    assertEquals("2", after.getMeta().getVersionId());
    assertEquals(before.getMeta().getLastUpdated(), after.getMeta().getLastUpdated());
    assertTrue(reopened.read("Organization", "org-a").isEmpty());
    assertTrue(reopened.history("Organization", "org-a").get(1).deleted());
    assertEquals("Two", ((ResearchStudy) reopened.vread("ResearchStudy", "NCT2", "1").orElseThrow()).getTitle());
    // Versions go on from where they were.
    assertEquals(new TrialStore.PutResult(0, 1, 0), reopened.put(List.of(study("NCT1", "One, revised"))));
    assertEquals("2", reopened.read("ResearchStudy", "NCT1").orElseThrow().getMeta().getVersionId());
    assertEquals(TrialStore.Action.CREATED,
        reopened.apply(List.of(new TrialStore.Upsert(organization("org-a", "A"), 0))).applied().get(0).action());
    assertEquals("3", reopened.read("Organization", "org-a").orElseThrow().getMeta().getVersionId());
  }

  @Test
  default void anotherInstanceSeesWritesWithinTwoSeconds() throws InterruptedException {
    JdbcTrialStore other = another();
    assertTrue(other.all("ResearchStudy").isEmpty());

    store().put(List.of(study("NCT1", "One"), organization("org-a", "A")));
    assertEquals("One", ((ResearchStudy) within2s(() -> other.read("ResearchStudy", "NCT1")).orElseThrow()).getTitle());
    // The whole change at once: the organization written with the study is there too.
    assertTrue(other.read("Organization", "org-a").isPresent());

    other.put(List.of(study("NCT1", "One, revised by the other")));
    assertEquals("One, revised by the other", title(other, "NCT1"));
    assertEquals("2", within2s(() -> store().read("ResearchStudy", "NCT1")
        .filter(r -> r.getMeta().getVersionId().equals("2"))).orElseThrow().getMeta().getVersionId());

    other.apply(List.of(new TrialStore.Delete("Organization", "org-a", null)));
    assertTrue(within2s(() -> store().read("Organization", "org-a").isEmpty() ? Optional.of(true) : Optional.empty())
        .isPresent());
    // Expected versions hold across instances: the first instance's view is current, so its write is accepted.
    store().apply(List.of(new TrialStore.Upsert(study("NCT1", "Three"), 2)));
    assertThrows(TrialStore.VersionConflictException.class,
        () -> other.apply(List.of(new TrialStore.Upsert(study("NCT1", "Stale"), 2))));
  }

  @Test
  default void aWriteThatLosesToAnotherInstanceLeavesItsVersionReadable() {
    JdbcTrialStore other = another();
    assertTrue(other.read("ResearchStudy", "NCT1").isEmpty());
    store().put(List.of(study("NCT1", "One")));

    // The other instance's view follows the feed every half second, so it still shows no study when its write,
    // expecting none, finds version 1; a caller retrying at once must then read what it lost to.
    TrialStore.VersionConflictException lost = assertThrows(TrialStore.VersionConflictException.class,
        () -> other.apply(List.of(new TrialStore.Upsert(study("NCT1", "Stale"), 0))));
    assertEquals(1, lost.currentVersion());
    assertEquals("One", title(other, "NCT1"));
    assertEquals("1", other.read("ResearchStudy", "NCT1").orElseThrow().getMeta().getVersionId());
  }

  @Test
  default void aWriteTheDatabaseRefusesAppliesNothing() {
    store().put(List.of(study("NCT1", "One")));
    // FHIR ids have at most 64 characters and so does the id column: the second insert fails, the first is undone.
    assertThrows(StoreException.class, () -> store().put(List.of(study("NCT1", "One, revised"), study("N".repeat(65), "Too long"))));

    assertEquals("One", title(store(), "NCT1"));
    assertEquals(1, store().history("ResearchStudy", "NCT1").size());
    assertEquals(1, reopen().all("ResearchStudy").size());
    assertEquals("One", title(store(), "NCT1"));
  }

  @Test
  default void writesAppliedTogetherAreOneTransactionForTheDatabaseAndTheFeed() throws InterruptedException {
    JdbcTrialStore other = another();
    assertTrue(other.all("ResearchStudy").isEmpty());
    // One write the database refuses (an id longer than the column) undoes the writes before it.
    assertThrows(StoreException.class, () -> store().applyAll(List.of(
        store().prepare(List.of(new TrialStore.Upsert(study("NCT1", "One")))),
        store().prepare(List.of(new TrialStore.Upsert(study("N".repeat(65), "Too long")))))));
    assertTrue(store().read("ResearchStudy", "NCT1").isEmpty());
    assertTrue(reopen().history("ResearchStudy", "NCT1").isEmpty());

    store().applyAll(List.of(
        store().prepare(List.of(new TrialStore.Upsert(study("NCT1", "One")),
            new TrialStore.Upsert(organization("org-a", "A")))),
        store().prepare(List.of(new TrialStore.Upsert(study("NCT2", "Two")),
            new TrialStore.Upsert(organization("org-a", "A2"))))));

    // Another instance follows the feed write by write, and a restart reads the same.
    assertEquals("Two", ((ResearchStudy) within2s(() -> other.read("ResearchStudy", "NCT2")).orElseThrow()).getTitle());
    assertEquals("2", other.read("Organization", "org-a").orElseThrow().getMeta().getVersionId());
    JdbcTrialStore reopened = reopen();
    assertEquals(List.of("NCT1", "NCT2"),
        reopened.all("ResearchStudy").stream().map(r -> r.getIdElement().getIdPart()).toList());
    assertEquals(2, reopened.history("Organization", "org-a").size());
    assertEquals("One", title(reopened, "NCT1"));
  }

  @Test
  default void remembersWhichTypesWereEverStored() {
    assertFalse(store().everStored("ResearchStudy"));
    store().put(List.of(study("NCT1", "One")));
    store().apply(List.of(new TrialStore.Delete("ResearchStudy", "NCT1", null)));
    assertTrue(store().everStored("ResearchStudy"));
    assertFalse(store().everStored("Group"));
  }
  @Test
  default void anotherInstanceFollowsTheChangeFeedAndHandsItOn() throws InterruptedException {
    JdbcTrialStore other = another();
    long before = other.position();

    store().put(List.of(study("NCT1", "One"), organization("org-a", "A")));

    // The other instance's position moves once it has followed the feed; then it hands the write on whole.
    assertTrue(within2s(() -> other.position() > before ? Optional.of(true) : Optional.empty()).isPresent());
    List<TrialStore.Committed> feed = other.changesSince(before, 10);
    assertEquals(1, feed.size());
    assertEquals(List.of("NCT1", "org-a"), feed.get(0).versions().stream().map(TrialStore.Version::id).toList());
    assertEquals("One", ((ResearchStudy) feed.get(0).versions().get(0).resource()).getTitle());
  }

  @Test
  default void currentOfAReopenedStoreHandsOverWhatWasStoredAtThePositionReached() {
    store().put(List.of(study("NCT2", "Two"), study("NCT1", "One")));
    store().put(List.of(study("NCT2", "Two, revised")));
    long position = store().position();

    JdbcTrialStore reopened = reopen();
    List<TrialStore.Version> handed = new ArrayList<>();

    assertEquals(position, reopened.current(handed::addAll));
    assertEquals(position, reopened.position());
    assertEquals(List.of("NCT2/2", "NCT1/1"), handed.stream().map(v -> v.id() + "/" + v.versionId()).toList());
    assertEquals(2, reopened.count("ResearchStudy"));
  }
  @Test
  default void allOfALargeTypeReadsItInPagesInFirstStoredOrder() {
    // More than the store reads through its cache: the type is read from the database a page at a time.
    List<Resource> studies = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      studies.add(study(String.format("NCT%04d", 699 - i), "Trial " + i));
    }
    store().put(studies);
    store().put(List.of(study("NCT0699", "Trial 0, revised")));
    store().apply(List.of(new TrialStore.Delete("ResearchStudy", "NCT0000", null)));

    List<Resource> all = store().all("ResearchStudy");

    assertEquals(699, all.size());
    assertEquals("NCT0699", all.get(0).getIdElement().getIdPart());
    assertEquals("Trial 0, revised", ((ResearchStudy) all.get(0)).getTitle());
    assertEquals("2", all.get(0).getMeta().getVersionId());
    assertEquals("NCT0001", all.get(698).getIdElement().getIdPart());
    assertEquals(699, store().count("ResearchStudy"));
  }

  /**
   * The bulk import into the database: trials go in several to a transaction; when the database refuses one trial
   * (here an extra resource with an id longer than the column), its group is written again trial by trial, so it
   * fails alone and the others are stored whole, each reported as imported only once committed.
   */
  @Test
  default void aBulkImportStoresEveryTrialButTheOneTheDatabaseRefuses() throws IOException {
    Path records = Files.createTempDirectory("trialfhir-bulk");
    try {
      List<TrialCopies.Copy> copies = TrialCopies.write(records, 12, 1);
      String refused = copies.get(5).id();
      SpoilingStore spoiling = new SpoilingStore(store(), refused, copies.size());
      List<BulkImporter.Outcome> heard = Collections.synchronizedList(new ArrayList<>());

      List<BulkImporter.Outcome> outcomes = new BulkImporter(FhirContext.forR4Cached(), spoiling,
          BulkImporter.Validation.none()).run(copies.stream().map(TrialCopies.Copy::file).toList(), 2, heard::add);

      assertTrue(spoiling.largestSpoiledGroup > 1, "the refused trial was never committed with others");
      assertEquals(copies.size(), heard.size());
      BulkImporter.Outcome failed = outcomes.get(5);
      assertEquals(BulkImporter.Result.FAILED, failed.result());
      assertEquals(copies.get(5).file().toString(), failed.source());
      assertTrue(failed.reason().startsWith("cannot be stored: "), failed.reason());
      JdbcTrialStore reopened = reopen();
      for (int i = 0; i < copies.size(); i++) {
        String id = copies.get(i).id();
        if (i == 5) {
          assertTrue(reopened.read("ResearchStudy", id).isEmpty());
          assertTrue(reopened.read("Group", id + "-eligibility").isEmpty());
          continue;
        }
        assertEquals(BulkImporter.Result.IMPORTED, outcomes.get(i).result(), id);
        assertEquals(id, outcomes.get(i).trial());
        assertEquals(1, reopened.history("ResearchStudy", id).size(), id);
        assertTrue(reopened.read("Group", id + "-eligibility").isPresent(), id);
      }
      assertTrue(reopened.read("Organization", "N".repeat(65)).isEmpty());
      assertEquals(11, reopened.count("ResearchStudy"));
      // One feed entry per stored trial: the refused group's transaction left no number behind.
      assertEquals(11, reopened.position());
      List<TrialStore.Committed> feed = reopened.changesSince(0, 100);
      assertEquals(11, feed.size());
      assertTrue(feed.stream().flatMap(c -> c.versions().stream()).noneMatch(v -> v.id().startsWith(refused)));
    } finally {
      try (Stream<Path> files = Files.walk(records)) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
    }
  }
}
