package org.trialfhir.store.jdbc;

import java.util.LinkedHashMap;
import java.util.Map;
import org.trialfhir.store.jdbc.VersionWrites.Current;

/**
 * The current rows this store last committed or read, as of one change-feed position, for a database whose writers
 * all pass this JVM's write gate (embedded H2; see {@link StoreDatabase#soleWriter}). A write finds the current rows
 * of the resources it has seen here without a statement: trials share their sponsors and sites, so about a quarter
 * of a bulk import's resources repeat one stored by an earlier trial, and each lookup of such a row read a page of
 * the table that had long left H2's cache (a quarter of the writer's time, stop 15).
 *
 * <p>Valid only while the feed has not moved since ({@link #validAt}): another store on the same database in this
 * JVM writes through the same gate, and moves the feed. Guarded by that gate; bounded, least recently used first out.
 *
 * <p>When the rows were followed from an empty database (feed position 0), every resource it holds was written by this
 * store and added to {@link #stored}, so a resource not there has no row, and a write need not look for it: most of a
 * bulk import's resources are new (each such lookup, a statement finding nothing, was some 13% of the writer at
 * 100,000 trials, stop 15). Once the feed moves under it or a transaction fails, that knowledge is gone for good
 * (whoever else wrote is not in the filter).
 */
final class KnownCurrent {
  /** Rows kept: some 16 MB; the shared resources of a registry are far fewer. */
  static final int CAPACITY = 65_536;

  private record Key(String type, String id) {}

  private final Map<Key, Current> rows = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Current> eldest) {
      return size() > CAPACITY;
    }
  };
  /** The feed position the rows are current at; -1 when nothing is known. */
  private long seq = -1;
  /** Every resource the database holds, when known since it was empty; null otherwise. */
  private StoredIds stored;

  /** Forgets everything unless the feed is still at the position the rows were known at. */
  void validAt(long lastSeq) {
    if (lastSeq != seq) {
      forget();
      if (lastSeq == 0) {
        // No write was ever committed (every write takes a feed number): the database holds no resource.
        stored = new StoredIds();
        seq = 0;
      }
    }
  }

  /** Whether the resource is known to have no row (false says nothing of whether it has one). */
  boolean absent(String type, String id) {
    return stored != null && !stored.mightHold(type, id);
  }

  /** The row of a resource as last known, or null when not known (which says nothing of whether it exists). */
  Current get(String type, String id) {
    return rows.get(new Key(type, id));
  }

  /**
   * After a commit: the rows it read from the database and the rows it left, current at feed position {@code
   * lastSeq}. Rows it took from here unchanged need not be given again: {@link #get} counted as their use.
   */
  void committed(Map<String, Map<String, Current>> current, long lastSeq) {
    for (Map.Entry<String, Map<String, Current>> ofType : current.entrySet()) {
      for (Map.Entry<String, Current> row : ofType.getValue().entrySet()) {
        rows.put(new Key(ofType.getKey(), row.getKey()), row.getValue());
        if (stored != null) {
          stored.add(ofType.getKey(), row.getKey());
        }
      }
    }
    seq = lastSeq;
  }

  /** After a failed or unsure transaction: nothing is known until rows are read again. */
  void forget() {
    rows.clear();
    seq = -1;
    stored = null;
  }

  int size() {
    return rows.size();
  }
}
