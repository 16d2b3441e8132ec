package org.trialfhir.store.jdbc;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.store.TrialStore;
import org.trialfhir.store.jdbc.VersionReads.StoredRow;
import org.trialfhir.store.jdbc.VersionWrites.Current;
import org.trialfhir.store.jdbc.VersionWrites.NewVersion;

/**
 * The {@link TrialStore} over a database: embedded H2 in a data directory (the default) or PostgreSQL shared by
 * several instances. Every version is a row; each {@link #apply} (or {@link #applyAll}, several writes at once) is one
 * transaction; reads and searches are served from an in-memory view of the current versions that follows the
 * database's change feed.
 *
 * <p>Writes: the current rows of the resources a write touches are locked ({@code SELECT ... FOR UPDATE}, in one
 * order), expected versions and content hashes are checked under those locks, and the new versions are inserted
 * under the change-feed clock's lock, so concurrent writers of one resource queue and each version number is written
 * once (the primary key on type, id and version enforces it). A writer that loses a race (a deadlock, or two first
 * creations of one resource) is rolled back and retried.
 *
 * <p>Reads: the view is loaded on the first read and then follows the feed every {@value #POLL_MILLIS} ms, so a
 * write committed by another instance on the same database is visible here within about that time; this
 * instance's own writes are visible as soon as {@link #apply} returns. Older versions ({@link #vread},
 * {@link #history}) are read from the database.
 */
public final class JdbcTrialStore implements TrialStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcTrialStore.class);
  static final long POLL_MILLIS = 500;
  /** Attempts of one write that keeps losing races before the error is the caller's. */
  private static final int ATTEMPTS = 20;
  /** Feed entries (transactions) applied to the view per step while catching up. */
  private static final int FEED_STEP = 1000;

  private final StoreDatabase db;
  private final ResourceCodec codec;
  private final Clock clock;
  private final Object viewLock = new Object();
  private volatile CurrentView view;
  private ScheduledExecutorService poller;
  private boolean pollFailing;
  /** Closes the store when the JVM exits without {@link #close} (Ctrl-C, SIGTERM): H2 then shuts down cleanly. */
  private final Thread closeAtExit = new Thread(this::close, "trialfhir-store-close");

  JdbcTrialStore(StoreDatabase db, FhirContext ctx, Clock clock) {
    this.db = db;
    this.codec = new ResourceCodec(ctx);
    this.clock = clock;
    Runtime.getRuntime().addShutdownHook(closeAtExit);
  }

  /** Opens (creating it on first use) the embedded H2 store in {@code dir}. */
  public static JdbcTrialStore openH2(Path dir) {
    return new JdbcTrialStore(StoreDatabase.h2(dir), FhirContext.forR4Cached(), Clock.systemUTC());
  }

  /**
   * Opens the store in the database at a JDBC URL ({@code jdbc:postgresql://host:port/db}, or {@code jdbc:h2:...});
   * {@code user} and {@code password} may be null when the URL carries them.
   */
  public static JdbcTrialStore open(String url, String user, String password) {
    return new JdbcTrialStore(StoreDatabase.jdbc(url, user, password), FhirContext.forR4Cached(), Clock.systemUTC());
  }

  /** A change with its resource (for an upsert) already encoded, ready to be compared and written. */
  private record Pending(Change change, ResourceCodec.Pending encoded) {}

  /** A write prepared by this store: its changes, each upsert's resource encoded. */
  private record Prepared(JdbcTrialStore store, List<Change> changes, List<Pending> pending) implements PreparedWrite {}

  /** One write's new versions and outcome, planned under the locks, before its feed number is taken. */
  private record Planned(List<Pending> pending, List<NewVersion> versions, WriteResult result) {}

  /** A committed write: its feed number (0 when nothing was written), its outcome, and the versions for the view. */
  private record Committed(long seq, WriteResult result, List<CurrentView.Row> rows) {}

  @Override
  public PreparedWrite prepare(List<? extends Change> changes) {
    Set<String> seen = new HashSet<>();
    for (Change change : changes) {
      if (!seen.add(change.type() + "/" + checkedId(change))) {
        throw new IllegalArgumentException(change.type() + "/" + change.id() + " is changed twice in one write");
      }
    }
    // Encoding is the costly part of a write: done once, outside the transaction and its locks.
    List<Pending> pending = new ArrayList<>(changes.size());
    for (Change change : changes) {
      pending.add(new Pending(change,
          change instanceof Upsert upsert ? codec.encode(upsert.resource(), change.type(), change.id()) : null));
    }
    return new Prepared(this, List.copyOf(changes), pending);
  }

  @Override
  public List<WriteResult> applyAll(List<? extends PreparedWrite> writes) {
    List<List<Pending>> prepared = new ArrayList<>(writes.size());
    int resources = 0;
    for (PreparedWrite write : writes) {
      Prepared own = write instanceof Prepared p && p.store() == this ? p : (Prepared) prepare(write.changes());
      prepared.add(own.pending());
      resources += own.pending().size();
    }
    for (int attempt = 1; ; attempt++) {
      try {
        List<Committed> committed = write(prepared);
        List<WriteResult> results = new ArrayList<>(committed.size());
        for (Committed one : committed) {
          if (one.seq() > 0) {
            showOwnWrite(one);
          }
          results.add(one.result());
        }
        return results;
      } catch (SQLException e) {
        if (attempt >= ATTEMPTS || !Races.lost(e)) {
          throw new StoreException("the write of " + resources + " resources failed: " + e.getMessage(), e);
        }
        Races.backOff(attempt);
      }
    }
  }

  private List<Committed> write(List<List<Pending>> writes) throws SQLException {
    try (Connection c = db.connection()) {
      try {
        List<Committed> committed = transaction(c, writes);
        c.commit();
        return committed;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private List<Committed> transaction(Connection c, List<List<Pending>> writes) throws SQLException {
    SortedMap<String, SortedSet<String>> ids = new TreeMap<>();
    for (List<Pending> write : writes) {
      for (Pending p : write) {
        ids.computeIfAbsent(p.change().type(), t -> new TreeSet<>()).add(p.change().id());
      }
    }
    Map<String, Map<String, Current>> locked = VersionWrites.lockCurrent(c, ids);
    List<Planned> planned = new ArrayList<>(writes.size());
    List<List<NewVersion>> written = new ArrayList<>();
    for (List<Pending> write : writes) {
      Planned plan = plan(write, locked);
      planned.add(plan);
      if (!plan.versions().isEmpty()) {
        written.add(plan.versions());
      }
    }
    if (written.isEmpty()) {
      return planned.stream().map(p -> new Committed(0, p.result(), List.of())).toList();
    }
    long seq = VersionWrites.nextSeqs(c, written.size());
    // Taken under the clock's lock, so lastUpdated follows feed order on one instance.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    VersionWrites.write(c, written, seq, now);
    List<Committed> committed = new ArrayList<>(planned.size());
    for (Planned plan : planned) {
      committed.add(plan.versions().isEmpty() ? new Committed(0, plan.result(), List.of())
          : new Committed(seq++, plan.result(), viewRows(plan.pending(), plan.versions(), now)));
    }
    return committed;
  }

  /**
   * One write's versions, checked against {@code locked} (the current rows as locked, and as the writes before it in
   * this transaction left them), which it then updates in turn.
   */
  private static Planned plan(List<Pending> pending, Map<String, Map<String, Current>> locked) {
    for (Pending p : pending) {
      Current current = current(locked, p.change());
      int version = current == null || current.deleted() ? 0 : current.versionId();
      if (p.change().expectedVersion() != null && p.change().expectedVersion() != version) {
        throw new VersionConflictException(p.change(), version);
      }
    }
    List<Applied> applied = new ArrayList<>();
    List<NewVersion> versions = new ArrayList<>();
    for (Pending p : pending) {
      String type = p.change().type();
      String id = p.change().id();
      Current current = current(locked, p.change());
      boolean exists = current != null && !current.deleted();
      int last = current == null ? 0 : current.versionId();
      if (p.encoded() != null) {
        if (exists && p.encoded().sameAs(current.sha256())) {
          applied.add(new Applied(type, id, Action.UNCHANGED, last));
          continue;
        }
        ResourceCodec.Encoded encoded = p.encoded().canonical();
        versions.add(new NewVersion(type, id, last + 1, encoded.gzip(), encoded.sha256(), current == null));
        applied.add(new Applied(type, id, exists ? Action.UPDATED : Action.CREATED, last + 1));
      } else if (exists) {
        versions.add(new NewVersion(type, id, last + 1, null, null, false));
        applied.add(new Applied(type, id, Action.DELETED, last + 1));
      } else {
        applied.add(new Applied(type, id, Action.NOT_FOUND, 0));
      }
    }
    for (NewVersion v : versions) {
      locked.computeIfAbsent(v.type(), t -> new HashMap<>())
          .put(v.id(), new Current(v.versionId(), v.content() == null, v.sha256()));
    }
    return new Planned(pending, versions, new WriteResult(applied));
  }

  /** The versions just written as the view holds them: stamped copies of the encoded resources. */
  private static List<CurrentView.Row> viewRows(List<Pending> pending, List<NewVersion> versions, Instant now) {
    Map<String, Pending> byKey = new LinkedHashMap<>();
    pending.forEach(p -> byKey.put(p.change().type() + "/" + p.change().id(), p));
    List<CurrentView.Row> rows = new ArrayList<>(versions.size());
    for (NewVersion v : versions) {
      ResourceCodec.Pending encoded = byKey.get(v.type() + "/" + v.id()).encoded();
      // The canonical copy is this write's own; stamping it in place is safe (a retry stamps it again).
      Resource resource = encoded == null ? null
          : ResourceCodec.stamp(encoded.canonical().unstamped(), v.type(), v.id(), v.versionId(), now);
      rows.add(new CurrentView.Row(v.type(), v.id(), v.versionId(), resource));
    }
    return rows;
  }

  private static Current current(Map<String, Map<String, Current>> locked, Change change) {
    Map<String, Current> ofType = locked.get(change.type());
    return ofType == null ? null : ofType.get(change.id());
  }

  @Override
  public Optional<Resource> read(String type, String id) {
    return view().read(type, id);
  }

  @Override
  public Optional<Resource> vread(String type, String id, String versionId) {
    if (versionId == null || !versionId.matches("[1-9][0-9]{0,8}")) {
      return Optional.empty();
    }
    int version = Integer.parseInt(versionId);
    CurrentView current = view();
    if (current.currentVersion(type, id) == version) {
      return current.read(type, id);
    }
    try (Connection c = db.connection()) {
      Optional<StoredRow> row = VersionReads.version(c, type, id, version);
      c.commit();
      return row.map(this::decode).map(CurrentView.Row::resource);
    } catch (SQLException e) {
      throw new StoreException("cannot read " + type + "/" + id + "/_history/" + versionId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<Version> history(String type, String id) {
    try (Connection c = db.connection()) {
      List<StoredRow> rows = VersionReads.history(c, type, id);
      c.commit();
      return rows.stream()
          .map(row -> new Version(type, id, row.versionId(), row.lastUpdated(), decode(row).resource()))
          .toList();
    } catch (SQLException e) {
      throw new StoreException("cannot read the history of " + type + "/" + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<Resource> all(String type) {
    return view().all(type);
  }

  /** Whether a resource of this type was ever stored here, even if since deleted (the serve command asks). */
  public boolean everStored(String type) {
    try (Connection c = db.connection()) {
      boolean stored = VersionReads.everStored(c, type);
      c.commit();
      return stored;
    } catch (SQLException e) {
      throw new StoreException("cannot read the store: " + e.getMessage(), e);
    }
  }

  /** Stops following the feed and closes the database connections. */
  @Override
  public void close() {
    synchronized (viewLock) {
      if (poller != null) {
        poller.shutdownNow();
      }
    }
    db.close();
    if (Thread.currentThread() != closeAtExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(closeAtExit);
      } catch (IllegalStateException e) {
        // The JVM is already exiting; the hook finds the store closed.
      }
    }
  }

  @Override
  public String toString() {
    return db.description();
  }

  private CurrentView view() {
    CurrentView loaded = view;
    if (loaded != null) {
      return loaded;
    }
    synchronized (viewLock) {
      if (view == null) {
        try (Connection c = db.connection()) {
          long seq = VersionReads.lastSeq(c);
          List<StoredRow> rows = VersionReads.current(c);
          c.commit();
          CurrentView fresh = new CurrentView(seq);
          // Parsing is what takes time on a large store, and rows are independent.
          fresh.apply(rows.parallelStream().map(this::decode).toList(), seq);
          view = fresh;
          catchUp();
        } catch (SQLException e) {
          throw new StoreException("cannot load the store: " + e.getMessage(), e);
        }
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
          Thread thread = new Thread(runnable, "trialfhir-store-feed");
          thread.setDaemon(true);
          return thread;
        });
        poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
      }
      return view;
    }
  }

  /** After a commit: apply it to the view directly when it is the next feed entry, else catch up from the feed. */
  private void showOwnWrite(Committed committed) {
    if (view == null) {
      return;
    }
    synchronized (viewLock) {
      CurrentView current = view;
      if (current.seq() == committed.seq() - 1) {
        current.apply(committed.rows(), committed.seq());
      } else if (current.seq() < committed.seq()) {
        try {
          catchUp();
        } catch (SQLException e) {
          // Committed all the same; the poller will show it once the database answers again.
          LOG.warn("store: cannot follow the change feed: {}", e.getMessage());
        }
      }
    }
  }

  private void poll() {
    synchronized (viewLock) {
      try {
        catchUp();
        if (pollFailing) {
          LOG.warn("store: following the change feed again");
          pollFailing = false;
        }
      } catch (SQLException | RuntimeException e) {
        if (!pollFailing) {
          LOG.warn("store: cannot follow the change feed (retrying every {} ms): {}", POLL_MILLIS, e.getMessage());
          pollFailing = true;
        }
      }
    }
  }

  /** Applies every committed change the view has not seen, whole transactions at a time. Hold viewLock. */
  private void catchUp() throws SQLException {
    CurrentView current = view;
    try (Connection c = db.connection()) {
      long last = VersionReads.lastSeq(c);
      while (current.seq() < last) {
        long upTo = Math.min(last, current.seq() + FEED_STEP);
        List<StoredRow> rows = VersionReads.changes(c, current.seq(), upTo);
        current.apply(rows.stream().map(this::decode).toList(), upTo);
      }
      c.commit();
    }
  }

  private CurrentView.Row decode(StoredRow row) {
    Resource resource = row.content() == null ? null
        : codec.decode(row.content(), row.type(), row.id(), row.versionId(), row.lastUpdated());
    return new CurrentView.Row(row.type(), row.id(), row.versionId(), resource);
  }

  private static String checkedId(Change change) {
    String id = change.id();
    if (change.type() == null || id == null || id.isBlank()) {
      throw new IllegalArgumentException("a " + change.type() + " without an id cannot be stored");
    }
    return id;
  }

  /** Which database errors mean "another writer got there first; try again", and how long to wait. */
  static final class Races {
    private Races() {}

    static boolean lost(SQLException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
          switch (sql.getSQLState()) {
            // serialization failure or H2 deadlock; PostgreSQL deadlock; unique key (two first creations);
            // H2 lock timeout; H2 concurrent update; PostgreSQL lock not available
            case "40001", "40P01", "23505", "HYT00", "90131", "55P03":
              return true;
            default:
              break;
          }
        }
      }
      return false;
    }

    static void backOff(int attempt) {
      try {
        Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * Math.min(attempt, 10)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while retrying a write", e);
      }
    }
  }
}
