package org.trialfhir.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A store in front of a real one that adds, to the write of one trial, an Organization whose id is longer than the
 * database's id column, so that the database itself refuses every transaction holding that trial. The first commit
 * is held back until every trial is prepared, so the trials after it are ready to be grouped with the spoiled one.
 */
final class SpoilingStore extends ForwardingTrialStore {
  private final String spoiled;
  private final CountDownLatch allPrepared;
  /** The largest number of writes in one {@link #applyAll} holding the spoiled trial. */
  volatile int largestSpoiledGroup;

  SpoilingStore(TrialStore store, String spoiled, int trials) {
    super(store);
    this.spoiled = spoiled;
    this.allPrepared = new CountDownLatch(trials);
  }

  @Override
  public PreparedWrite prepare(List<? extends Change> changes) {
    List<Change> all = new ArrayList<>(changes);
    if (holdsSpoiled(changes)) {
      all.add(new Upsert(StoreFixtures.organization("N".repeat(65), "An id longer than FHIR allows")));
    }
    PreparedWrite prepared = store.prepare(all);
    allPrepared.countDown();
    return prepared;
  }

  @Override
  public List<WriteResult> applyAll(List<? extends PreparedWrite> writes) {
    try {
      allPrepared.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writes.stream().anyMatch(w -> holdsSpoiled(w.changes()))) {
      largestSpoiledGroup = Math.max(largestSpoiledGroup, writes.size());
    }
    return store.applyAll(writes);
  }

  private boolean holdsSpoiled(List<? extends Change> changes) {
    return changes.stream().anyMatch(c -> c.type().equals("ResearchStudy") && c.id().equals(spoiled));
  }
}
