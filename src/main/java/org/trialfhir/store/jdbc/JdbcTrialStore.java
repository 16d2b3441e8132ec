package org.trialfhir.store.jdbc;

import ca.uhn.fhir.context.FhirContext;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.store.RetryPause;
import org.trialfhir.store.StoredJson;
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
 * creations of one resource) is rolled back and retried. On embedded H2 the write transactions of one database run
 * one at a time (H2 can corrupt a row whose lock others queue on when its holder rolls back; see StoreDatabase);
 * there, as no other writer can come between, the current rows are read without locks, or taken from what the last
 * write left ({@link KnownCurrent}), and the version moved from is checked as the row is updated all the same.
 *
 * <p>Reads: an in-memory view holds which version of each resource is current (no content: about a hundred bytes a
 * resource); it is loaded on the first read and then follows the feed every {@value #POLL_MILLIS} ms, so a
 * write committed by another instance on the same database is visible here within about that time; this
 * instance's own writes are visible as soon as {@link #apply} returns. Content is read from the database by primary
 * key and parsed, through a cache of parsed versions bounded by weight ({@link #CACHE_GZIP_BYTES}), or handed over as
 * the JSON it is stored as ({@link StoredJson}), which a server can send without parsing it.
 */
public final class JdbcTrialStore implements TrialStore, StoredJson, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcTrialStore.class);
  static final long POLL_MILLIS = 500;
  /** Attempts of one write that keeps losing races before the error is the caller's. */
  private static final int ATTEMPTS = 20;
  /** Feed entries (transactions) applied to the view per step while catching up. */
  private static final int FEED_STEP = 1000;
  /** Resources per page when handing over the whole store ({@link #current}) or loading the view. */
  private static final int PAGE = 5000;
  /**
   * The parsed-version cache's bound, in stored (compressed) bytes of the versions it holds. A parsed resource takes
   * about 40 times its compressed size on the heap (HAPI's model objects; a 20 KB JSON Group compresses to 3 KB and
   * parses into 100-150 KB), so 8 MiB is some 300 MB of heap: a few thousand trials' resources, the hot set of reads.
   */
  static final long CACHE_GZIP_BYTES = 8L * 1024 * 1024;
  /** Up to this many current resources, {@link #all} reads a type through the cache. */
  private static final int SMALL_TYPE = 500;
  /** Own writes kept, with their parsed resources, for {@link #changesSince} without a database round trip. */
  private static final int RECENT_WRITES = 16;

  private final StoreDatabase db;
  private final ResourceCodec codec;
  private final Clock clock;
  /** The current rows last written or read, for a database only this JVM writes; null otherwise. */
  private final KnownCurrent known;
  private final Object viewLock = new Object();
  private volatile CurrentView view;
  /** Parsed versions by type, id and version; a version never changes, so nothing is ever stale. */
  private final Cache<VersionKey, Resource> parsed = Caffeine.newBuilder()
      .maximumWeight(CACHE_GZIP_BYTES)
      .weigher((VersionKey key, Resource resource) -> key.weight())
      .build();
  /** This instance's last writes by feed position, oldest first; guarded by viewLock. */
  private final LinkedHashMap<Long, Committed> recent = new LinkedHashMap<>();
  private ScheduledExecutorService poller;
  private boolean pollFailing;
  /** Closes the store when the JVM exits without {@link #close} (Ctrl-C, SIGTERM): H2 then shuts down cleanly. */
  private final Thread closeAtExit = new Thread(this::close, "trialfhir-store-close");

  JdbcTrialStore(StoreDatabase db, FhirContext ctx, Clock clock) {
    this.db = db;
    this.codec = new ResourceCodec(ctx);
    this.clock = clock;
    this.known = db.soleWriter() ? new KnownCurrent() : null;
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

  /**
   * A change with its resource (for an upsert) already encoded, ready to be compared and written; its type and id are
   * read once here, as the writer looks them up several times per resource under the write gate.
   */
  private record Pending(Change change, String type, String id, ResourceCodec.Pending encoded) {}

  /** A write prepared by this store: its changes, each upsert's resource encoded. */
  private record Prepared(JdbcTrialStore store, List<Change> changes, List<Pending> pending) implements PreparedWrite {}

  /**
   * One write's new versions and outcome, planned under the locks, before its feed number is taken; {@code sources}
   * holds the change each version comes from, in the same order.
   */
  private record Planned(List<Pending> sources, List<NewVersion> versions, WriteResult result) {}

  /**
   * A committed write: its feed number (0 when nothing was written), its outcome, the versions for the view, and each
   * version's weight in the parsed-version cache (its compressed size), null for one the cache is not given.
   * {@code versions} (the stamped resources) is null when no reader could use them: see {@link #written}.
   */
  private record Written(
      long seq, WriteResult result, List<CurrentView.Row> rows, List<Version> versions, List<Integer> cacheWeights) {}

  /**
   * A cache key: one version of one resource, with the stored size of its content as the cache's weight (not part of
   * equality: any size finds the version).
   */
  private record VersionKey(String type, String id, int versionId, int weight) {
    VersionKey(String type, String id, int versionId) {
      this(type, id, versionId, 0);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof VersionKey k && k.versionId == versionId && k.id.equals(id) && k.type.equals(type);
    }

    @Override
    public int hashCode() {
      return (type.hashCode() * 31 + id.hashCode()) * 31 + versionId;
    }
  }

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
      String type = change.type();
      String id = change.id();
      pending.add(new Pending(change, type, id, change instanceof Upsert upsert
          ? codec.encode(upsert.resource(), type, id, upsert.handedOver()) : null));
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
        List<Written> committed = write(prepared);
        List<WriteResult> results = new ArrayList<>(committed.size());
        for (Written one : committed) {
          if (one.seq() > 0) {
            showOwnWrite(one);
          }
          results.add(one.result());
        }
        return results;
      } catch (VersionConflictException e) {
        showCommitted();
        throw e;
      } catch (SQLException e) {
        if (attempt >= ATTEMPTS || !Races.lost(e)) {
          throw new StoreException("the write of " + resources + " resources failed: " + e.getMessage(), e);
        }
        Races.backOff(attempt);
      }
    }
  }

  private List<Written> write(List<List<Pending>> writes) throws SQLException {
    return db.writing(() -> {
      try (Connection c = db.connection()) {
        try {
          Transaction done = transaction(c, writes);
          c.commit();
          if (known != null) {
            known.committed(done.learned(), done.lastSeq());
          }
          return done.written();
        } catch (SQLException | RuntimeException e) {
          if (known != null) {
            // A commit that failed may have happened all the same: what the next write finds is read again.
            known.forget();
          }
          c.rollback();
          throw e;
        }
      }
    });
  }

  /**
   * A transaction's writes, the current rows it read from the database or left (for {@link #known}; those it took
   * from there are not repeated), and the feed position it left.
   */
  private record Transaction(List<Written> written, Map<String, Map<String, Current>> learned, long lastSeq) {}

  private Transaction transaction(Connection c, List<List<Pending>> writes) throws SQLException {
    long lastSeq = -1;
    Map<String, Map<String, Current>> locked;
    Map<String, Map<String, Current>> learned = new HashMap<>();
    if (known == null) {
      locked = VersionWrites.lockCurrent(c, lockOrder(writes));
    } else {
      lastSeq = VersionReads.lastSeq(c);
      locked = currentKnown(c, writes, lastSeq, learned);
    }
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
      return new Transaction(planned.stream().map(p -> unwritten(p.result())).toList(), learned, lastSeq);
    }
    long seq = VersionWrites.nextSeqs(c, written.size());
    if (known != null && seq != lastSeq + 1) {
      // Only this JVM writes, under the gate held since lastSeq was read: a moved feed is a broken assumption.
      throw new SQLException("the change feed moved during a write", "40001");
    }
    // Taken under the clock's lock, so lastUpdated follows feed order on one instance.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    VersionWrites.write(c, written, seq, now);
    boolean viewLoaded = view != null;
    List<Written> committed = new ArrayList<>(planned.size());
    for (Planned plan : planned) {
      committed.add(plan.versions().isEmpty() ? unwritten(plan.result())
          : written(seq++, plan.result(), plan.sources(), plan.versions(), now, viewLoaded));
    }
    if (known != null) {
      for (List<NewVersion> versions : written) {
        for (NewVersion v : versions) {
          // As the last write of the resource in this transaction left it.
          learned.computeIfAbsent(v.type(), t -> new HashMap<>()).put(v.id(), current(locked, v.type(), v.id()));
        }
      }
    }
    return new Transaction(committed, learned, seq - 1);
  }

  /** The resources the writes change, by type then id, in the one order every locking writer takes them in. */
  private static SortedMap<String, SortedSet<String>> lockOrder(List<List<Pending>> writes) {
    SortedMap<String, SortedSet<String>> ids = new TreeMap<>();
    for (List<Pending> write : writes) {
      for (Pending p : write) {
        ids.computeIfAbsent(p.type(), t -> new TreeSet<>()).add(p.id());
      }
    }
    return ids;
  }

  /**
   * The current rows of the resources the writes change, for a database this JVM alone writes, one at a time: those
   * {@link #known} since the last write (when the feed is still where it left it), none for those known to be absent,
   * the others read without locks, and added to {@code read} too. No lock is taken, so no order is needed: the ids
   * are not sorted.
   */
  private Map<String, Map<String, Current>> currentKnown(Connection c, List<List<Pending>> writes, long lastSeq,
      Map<String, Map<String, Current>> read) throws SQLException {
    known.validAt(lastSeq);
    Map<String, Map<String, Current>> current = new HashMap<>();
    Map<String, Set<String>> unknown = new HashMap<>();
    for (List<Pending> write : writes) {
      for (Pending p : write) {
        Current row = known.get(p.type(), p.id());
        if (row != null) {
          current.computeIfAbsent(p.type(), t -> new HashMap<>()).put(p.id(), row);
        } else if (!known.absent(p.type(), p.id())) {
          // A set: a resource several trials of the group share is read once.
          unknown.computeIfAbsent(p.type(), t -> new HashSet<>()).add(p.id());
        }
      }
    }
    VersionWrites.readCurrent(c, VersionWrites.READ_CURRENT, unknown, read);
    read.forEach((type, rows) -> current.computeIfAbsent(type, t -> new HashMap<>()).putAll(rows));
    return current;
  }

  private static Written unwritten(WriteResult result) {
    return new Written(0, result, List.of(), List.of(), List.of());
  }

  /**
   * One write's versions, checked against {@code locked} (the current rows as locked, and as the writes before it in
   * this transaction left them), which it then updates in turn.
   */
  private static Planned plan(List<Pending> pending, Map<String, Map<String, Current>> locked) {
    for (Pending p : pending) {
      Current current = current(locked, p);
      int version = current == null || current.deleted() ? 0 : current.versionId();
      if (p.change().expectedVersion() != null && p.change().expectedVersion() != version) {
        throw new VersionConflictException(p.change(), version);
      }
    }
    List<Applied> applied = new ArrayList<>(pending.size());
    List<NewVersion> versions = new ArrayList<>(pending.size());
    List<Pending> sources = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      String type = p.type();
      String id = p.id();
      Current current = current(locked, p);
      boolean exists = current != null && !current.deleted();
      int last = current == null ? 0 : current.versionId();
      if (p.encoded() != null) {
        if (exists && p.encoded().sameAs(current.sha256())) {
          applied.add(new Applied(type, id, Action.UNCHANGED, last));
          continue;
        }
        ResourceCodec.Encoded encoded = p.encoded().canonical();
        versions.add(new NewVersion(type, id, last + 1, encoded.compressed(), encoded.sha256(), current == null));
        sources.add(p);
        applied.add(new Applied(type, id, exists ? Action.UPDATED : Action.CREATED, last + 1));
      } else if (exists) {
        versions.add(new NewVersion(type, id, last + 1, null, null, false));
        sources.add(p);
        applied.add(new Applied(type, id, Action.DELETED, last + 1));
      } else {
        applied.add(new Applied(type, id, Action.NOT_FOUND, 0));
      }
    }
    for (NewVersion v : versions) {
      locked.computeIfAbsent(v.type(), t -> new HashMap<>())
          .put(v.id(), new Current(v.versionId(), v.content() == null, v.sha256()));
    }
    return new Planned(sources, versions, new WriteResult(applied));
  }

  /**
   * The versions just written, for the view (stamps) and for readers (stamped copies of the encoded resources). A
   * bulk import reads nothing: with no view loaded (so no feed handed on from memory) and no version for the cache,
   * stamping copies of its resources would be work for nobody, and the versions are left out.
   */
  private static Written written(long seq, WriteResult result, List<Pending> sources, List<NewVersion> versions,
      Instant now, boolean viewLoaded) {
    List<CurrentView.Row> rows = new ArrayList<>(versions.size());
    List<Integer> weights = new ArrayList<>(versions.size());
    boolean cached = false;
    for (int i = 0; i < versions.size(); i++) {
      NewVersion v = versions.get(i);
      Pending written = sources.get(i);
      // A handed-over resource comes from a bulk load, which reads nothing back: caching it would only fill the
      // cache, and the heap the collector copies, with the last few thousand trials loaded.
      Integer weight = v.content() == null || (written.change() instanceof Upsert upsert && upsert.handedOver()) ? null
          : v.content().length;
      cached |= weight != null;
      weights.add(weight);
      rows.add(new CurrentView.Row(v.type(), v.id(), v.versionId(), now, v.content() == null));
    }
    if (!viewLoaded && !cached) {
      return new Written(seq, result, rows, null, weights);
    }
    List<Version> stamped = new ArrayList<>(versions.size());
    for (int i = 0; i < versions.size(); i++) {
      NewVersion v = versions.get(i);
      ResourceCodec.Pending encoded = sources.get(i).encoded();
      // The canonical copy is this write's own; stamping it in place is safe (a retry stamps it again).
      Resource resource = encoded == null ? null
          : ResourceCodec.stamp(encoded.canonical().unstamped(), v.type(), v.id(), v.versionId(), now);
      stamped.add(new Version(v.type(), v.id(), v.versionId(), now, resource));
    }
    return new Written(seq, result, rows, stamped, weights);
  }

  private static Current current(Map<String, Map<String, Current>> locked, Pending p) {
    return current(locked, p.type(), p.id());
  }

  private static Current current(Map<String, Map<String, Current>> locked, String type, String id) {
    Map<String, Current> ofType = locked.get(type);
    return ofType == null ? null : ofType.get(id);
  }

  @Override
  public Optional<Resource> read(String type, String id) {
    CurrentView.Stamp current = view().current(type, id);
    return current == null ? Optional.empty() : version(type, id, current.versionId());
  }

  @Override
  public Optional<Resource> vread(String type, String id, String versionId) {
    if (versionId == null || !versionId.matches("[1-9][0-9]{0,8}")) {
      return Optional.empty();
    }
    return version(type, id, Integer.parseInt(versionId));
  }

  @Override
  public Optional<CurrentVersion> currentVersion(String type, String id) {
    CurrentView.Stamp current = view().current(type, id);
    return current == null ? Optional.empty()
        : Optional.of(new CurrentVersion(current.versionId(), current.lastUpdated()));
  }

  /**
   * By primary key from the database, bypassing the parsed-version cache: nothing is parsed, and a read that parses
   * nothing leaves the cache to those that do (searches' pages, the small types).
   */
  @Override
  public Optional<byte[]> compactJson(String type, String id, int versionId) {
    return storedRow(type, id, versionId).filter(r -> r.content() != null)
        .map(r -> StampedJson.fromStored(r.content(), type, id, versionId, r.lastUpdated()));
  }

  /** One version's row, by primary key. */
  private Optional<StoredRow> storedRow(String type, String id, int versionId) {
    try (Connection c = db.connection()) {
      Optional<StoredRow> row = VersionReads.version(c, type, id, versionId);
      c.commit();
      return row;
    } catch (SQLException e) {
      throw new StoreException("cannot read " + type + "/" + id + "/_history/" + versionId + ": " + e.getMessage(), e);
    }
  }

  /** One version, from the cache or else by primary key from the database; empty for a delete or none. */
  private Optional<Resource> version(String type, String id, int versionId) {
    VersionKey key = new VersionKey(type, id, versionId);
    Resource cached = parsed.getIfPresent(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<StoredRow> row = storedRow(type, id, versionId);
    if (row.isEmpty() || row.get().content() == null) {
      return Optional.empty();
    }
    Resource resource = decode(row.get());
    // Two readers of one missing version may both parse it; the first one cached wins, so callers share it.
    return Optional.of(parsed.asMap().computeIfAbsent(
        new VersionKey(type, id, versionId, row.get().content().length), k -> resource));
  }

  @Override
  public List<Version> history(String type, String id) {
    try (Connection c = db.connection()) {
      List<StoredRow> rows = VersionReads.history(c, type, id);
      c.commit();
      return rows.stream()
          .map(this::version)
          .toList();
    } catch (SQLException e) {
      throw new StoreException("cannot read the history of " + type + "/" + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * A small type (the conformance types) through the cache; a large one by reading its current rows a page at a time
   * (in id order) and parsing them in parallel, bypassing the cache (which it would only flush). A resource whose row
   * is newer than the view's version (another instance wrote it since) is read at the view's version by key.
   */
  @Override
  public List<Resource> all(String type) {
    List<Map.Entry<String, CurrentView.Stamp>> listed = view().all(type);
    if (listed.size() <= SMALL_TYPE) {
      List<Resource> all = new ArrayList<>(listed.size());
      for (Map.Entry<String, CurrentView.Stamp> current : listed) {
        version(type, current.getKey(), current.getValue().versionId()).ifPresent(all::add);
      }
      return all;
    }
    Map<String, Resource> byId = new HashMap<>();
    try (Connection c = db.connection()) {
      String after = "";
      for (;;) {
        List<StoredRow> rows = VersionReads.currentOfType(c, type, after, PAGE);
        c.commit();
        if (rows.isEmpty()) {
          break;
        }
        for (Version v : rows.parallelStream().map(this::version).toList()) {
          byId.put(v.id() + "/" + v.versionId(), v.resource());
        }
        after = rows.get(rows.size() - 1).id();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the " + type + " resources: " + e.getMessage(), e);
    }
    List<Resource> all = new ArrayList<>(listed.size());
    for (Map.Entry<String, CurrentView.Stamp> current : listed) {
      int versionId = current.getValue().versionId();
      Resource resource = byId.get(current.getKey() + "/" + versionId);
      if (resource == null) {
        resource = version(type, current.getKey(), versionId).orElse(null);
      }
      if (resource != null) {
        all.add(resource);
      }
    }
    return all;
  }

  /** How many current resources of the type there are, without reading them. */
  public int count(String type) {
    return view().count(type);
  }

  @Override
  public long position() {
    return view().seq();
  }

  /**
   * Reads the pages on a thread of its own while the caller's thread and the common pool parse the page before
   * (parsing is what takes time on a large store, and rows are independent); reading alone kept a core idle.
   */
  @Override
  public long current(Consumer<List<Version>> batches) {
    return currentOf(null, batches);
  }

  @Override
  public long current(Set<String> types, Consumer<List<Version>> batches) {
    return currentOf(Set.copyOf(types), batches);
  }

  /** Of {@code types} only (every type when null): rows of others are dropped before decoding, which is what costs. */
  private long currentOf(Set<String> types, Consumer<List<Version>> batches) {
    long seq;
    try (Connection c = db.connection()) {
      seq = VersionReads.lastSeq(c);
      c.commit();
    } catch (SQLException e) {
      throw new StoreException("cannot read the store: " + e.getMessage(), e);
    }
    BlockingQueue<List<StoredRow>> pages = new ArrayBlockingQueue<>(2);
    List<StoredRow> end = List.of();
    AtomicReference<RuntimeException> failed = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try (Connection c = db.connection()) {
        createdUpTo(c, seq, rows -> put(pages, rows));
      } catch (SQLException e) {
        failed.set(new StoreException("cannot read the store: " + e.getMessage(), e));
      } catch (RuntimeException e) {
        failed.set(e);
      } finally {
        try {
          pages.put(end);
        } catch (InterruptedException e) {
          // Interrupted by a caller that failed and no longer reads.
          Thread.currentThread().interrupt();
        }
      }
    }, "trialfhir-store-read");
    reader.setDaemon(true);
    reader.start();
    boolean done = false;
    try {
      for (List<StoredRow> rows = pages.take(); rows != end; rows = pages.take()) {
        List<StoredRow> wanted = types == null ? rows : rows.stream().filter(r -> types.contains(r.type())).toList();
        if (!wanted.isEmpty()) {
          batches.accept(wanted.parallelStream().map(this::versionWithoutNarrative).toList());
        }
      }
      done = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while reading the store", e);
    } finally {
      if (!done) {
        // The caller failed: stop the reader, which may be waiting for room in the queue.
        reader.interrupt();
      }
    }
    if (failed.get() != null) {
      throw failed.get();
    }
    return seq;
  }

  private static <T> void put(BlockingQueue<T> queue, T item) {
    try {
      queue.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while reading the store", e);
    }
  }

  /** Rows of the feed positions {@code after + 1} to {@code upTo}. */
  private interface FeedRange<T> {
    List<T> read(long after, long upTo) throws SQLException;
  }

  /** Takes the rows of one range and the range's last feed position. */
  private interface RangeRows<T> {
    void accept(List<T> rows, long upTo);
  }

  /**
   * Hands the rows of feed positions 1 to {@code upTo} to {@code pages}, a range at a time: ranges grow while they
   * hold fewer than {@link #PAGE} rows, and shrink when they hold more.
   */
  private static <T> void inRanges(Connection c, long upTo, FeedRange<T> range, RangeRows<T> pages)
      throws SQLException {
    long step = 256;
    for (long after = 0; after < upTo; ) {
      long end = Math.min(upTo, after + step);
      List<T> rows = range.read(after, end);
      c.commit();
      if (!rows.isEmpty()) {
        pages.accept(rows, end);
      }
      step = rows.size() < PAGE / 2 ? step * 2 : rows.size() > PAGE * 2 ? Math.max(1, step / 2) : step;
      after = end;
    }
  }

  /**
   * Hands the current rows of every resource first stored up to feed position {@code upTo} to {@code pages}, in
   * first-stored order, with content.
   */
  private static void createdUpTo(Connection c, long upTo, Consumer<List<StoredRow>> pages) throws SQLException {
    inRanges(c, upTo, (after, end) -> VersionReads.currentCreatedBetween(c, after, end),
        (rows, end) -> pages.accept(rows));
  }

  @Override
  public List<Committed> changesSince(long after, int max) {
    long upTo = Math.min(position(), after + Math.max(1, max));
    if (upTo <= after) {
      return List.of();
    }
    synchronized (viewLock) {
      List<Committed> fromMemory = new ArrayList<>();
      for (long seq = after + 1; seq <= upTo && recent.containsKey(seq); seq++) {
        fromMemory.add(recent.get(seq));
      }
      if (fromMemory.size() == upTo - after) {
        return fromMemory;
      }
    }
    try (Connection c = db.connection()) {
      List<VersionReads.FeedRow> rows = VersionReads.changesWithSeq(c, after, upTo);
      c.commit();
      List<Committed> committed = new ArrayList<>();
      List<Version> versions = new ArrayList<>();
      long seq = -1;
      List<Version> decoded = rows.parallelStream().map(r -> versionWithoutNarrative(r.row())).toList();
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i).seq() != seq && !versions.isEmpty()) {
          committed.add(new Committed(seq, versions));
          versions = new ArrayList<>();
        }
        seq = rows.get(i).seq();
        versions.add(decoded.get(i));
      }
      if (!versions.isEmpty()) {
        committed.add(new Committed(seq, versions));
      }
      return committed;
    } catch (SQLException e) {
      throw new StoreException("cannot read the change feed: " + e.getMessage(), e);
    }
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
    ScheduledExecutorService stopping;
    synchronized (viewLock) {
      stopping = poller;
      if (stopping != null) {
        stopping.shutdownNow();
      }
    }
    if (stopping != null) {
      // Outside viewLock, which a poll under way needs to finish: no poll reads a closed pool.
      try {
        stopping.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
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
          c.commit();
          // From the whole feed, without content: no join, and the view takes each resource's newest version in
          // first-stored order, as it does when following the feed.
          CurrentView fresh = new CurrentView(0);
          inRanges(c, seq, (after, end) -> VersionReads.changeStamps(c, after, end),
              (rows, end) -> fresh.apply(rows.stream().map(r -> stamp(r.row())).toList(), end));
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
  private void showOwnWrite(Written written) {
    List<Version> versions = written.versions() == null ? List.of() : written.versions();
    for (int i = 0; i < versions.size(); i++) {
      Version v = versions.get(i);
      Integer weight = written.cacheWeights().get(i);
      if (v.resource() != null && weight != null) {
        parsed.put(new VersionKey(v.type(), v.id(), v.versionId(), weight), v.resource());
      }
    }
    if (view == null) {
      return;
    }
    synchronized (viewLock) {
      // Without its versions (the view was loaded after this write's transaction), changesSince reads it back.
      if (written.versions() != null) {
        recent.put(written.seq(), new Committed(written.seq(), written.versions()));
      }
      if (recent.size() > RECENT_WRITES) {
        recent.remove(recent.keySet().iterator().next());
      }
      CurrentView current = view;
      if (current.seq() == written.seq() - 1) {
        current.apply(written.rows(), written.seq());
      } else if (current.seq() < written.seq()) {
        showCommitted();
      }
    }
  }

  /**
   * Brings the view up to what the database has committed. A write that lost a version conflict calls this before it
   * throws: the version it lost to is committed, but the view shows it only once its writer (or, for another
   * instance's write, the poller) gets to it, and a caller retrying at once would read the old version again (CI saw
   * one of six concurrent imports of one record fail that way after eight attempts, on two cores).
   */
  private void showCommitted() {
    if (view == null) {
      return;
    }
    synchronized (viewLock) {
      try {
        catchUp();
      } catch (SQLException e) {
        // What was committed stays committed; the poller shows it once the database answers again.
        LOG.warn("store: cannot follow the change feed: {}", e.getMessage());
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
        List<VersionReads.FeedRow> rows = VersionReads.changeStamps(c, current.seq(), upTo);
        current.apply(rows.stream().map(r -> stamp(r.row())).toList(), upTo);
      }
      c.commit();
    }
  }

  /** A row read with its content as a stored version (a delete without a resource). */
  private Version version(StoredRow row) {
    return new Version(row.type(), row.id(), row.versionId(), row.lastUpdated(), decode(row));
  }

  private Version versionWithoutNarrative(StoredRow row) {
    Resource resource = row.content() == null ? null
        : codec.decodeWithoutNarrative(row.content(), row.type(), row.id(), row.versionId(), row.lastUpdated());
    return new Version(row.type(), row.id(), row.versionId(), row.lastUpdated(), resource);
  }

  private Resource decode(StoredRow row) {
    return row.content() == null ? null
        : codec.decode(row.content(), row.type(), row.id(), row.versionId(), row.lastUpdated());
  }

  /** A row read without content as the view holds it. */
  private static CurrentView.Row stamp(StoredRow row) {
    return new CurrentView.Row(row.type(), row.id(), row.versionId(), row.lastUpdated(), row.content() == null);
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
      if (!RetryPause.pause(5L * Math.min(attempt, 10))) {
        throw new StoreException("interrupted while retrying a write", new InterruptedException());
      }
    }
  }
}
