package org.trialfhir.server.search;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.server.search.IndexValues.Link;
import org.trialfhir.store.OrderedVersions;
import org.trialfhir.store.TrialStore;

/**
 * What searches run on: per resource type, every current resource in first-stored order with the values of each
 * declared search parameter, read once per stored version (when it is loaded or written) and kept compact
 * ({@link IndexValues}). A search tests these values and never parses a resource; only the resources of the page it
 * sends are fetched.
 *
 * <p>It follows the store: built on first use from {@link TrialStore#current} (every current resource parsed once,
 * in parallel), then brought up to {@link TrialStore#position} from {@link TrialStore#changesSince} before each
 * search, so a write this server made is found by the next search, and another instance's once the store has
 * followed the feed to it. Writes are applied whole, one feed position at a time, and a search reads every value as of
 * one position ({@link View}), so it never sees part of a write.
 */
public final class SearchIndex {
  private static final Logger LOG = LoggerFactory.getLogger(SearchIndex.class);
  /** Writes fetched from the store per step while catching up. */
  private static final int FEED_STEP = 500;
  /** Writes caught up with at start, after loading a snapshot, that make it worth saving a new one at once. */
  private static final long RESAVE_AFTER = 1_000;
  private static volatile String fingerprint;

  /** One stored version of a resource: its values per slot of its type, or null values for a delete. */
  static final class Entry {
    final int version;
    final long lastUpdated;
    final Object[] values;

    Entry(int version, long lastUpdated, Object[] values) {
      this.version = version;
      this.lastUpdated = lastUpdated;
      this.values = values;
    }

    boolean deleted() {
      return values == null;
    }
  }

  /**
   * The index of one type: which parameters it keeps values for (its own, except {@code _id} and
   * {@code _lastUpdated}, which every entry has anyway, and those other types read through a reference) and its
   * entries.
   */
  final class TypeIndex {
    final String type;
    final List<ParamDef> slots;
    private final Map<ParamDef, Integer> slotOf = new IdentityHashMap<>();
    final OrderedVersions<Entry> entries = new OrderedVersions<>();
    /** Canonical URL → the lowest ordinal that had it, for types with a {@code url} parameter. */
    final Map<String, Integer> byUrl;
    private final ParamDef url;
    /** The parameters whose values {@link Postings} lists. */
    final List<ParamDef> listed;

    TypeIndex(String type, List<ParamDef> slots) {
      this.type = type;
      this.slots = List.copyOf(slots);
      for (int i = 0; i < slots.size(); i++) {
        slotOf.put(slots.get(i), i);
      }
      this.url = params.find(type, "url").filter(slotOf::containsKey).orElse(null);
      this.byUrl = url == null ? null : new ConcurrentHashMap<>();
      this.listed = Postings.listed(this, params);
    }

    /** The stored values of a parameter this type keeps, by its definition. */
    Object stored(Entry entry, ParamDef def) {
      return entry.values[slot(def)];
    }

    int slot(ParamDef def) {
      Integer slot = slotOf.get(def);
      if (slot == null) {
        throw new IllegalStateException(type + " keeps no values for " + def.name());
      }
      return slot;
    }

    String id(int ordinal) {
      return entries.id(ordinal);
    }

    Entry extract(TrialStore.Version version) {
      if (version.deleted()) {
        return new Entry(version.versionId(), version.lastUpdated().toEpochMilli(), null);
      }
      Resource resource = version.resource();
      Object[] values = new Object[slots.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = extractor.extract(slots.get(i), resource, type);
      }
      return new Entry(version.versionId(), version.lastUpdated().toEpochMilli(), values);
    }

    void registerUrls(int ordinal, Entry entry) {
      if (byUrl != null && !entry.deleted()) {
        for (String value : (String[]) stored(entry, url)) {
          byUrl.merge(value, ordinal, Math::min);
        }
      }
    }

    /** The current resource of this type that has the canonical URL (the first stored), or -1. */
    int byUrl(String canonical, View view) {
      Integer known = byUrl == null ? null : byUrl.get(canonical);
      if (known == null) {
        // Every version indexed registered its URLs: a URL never seen is no current resource's.
        return -1;
      }
      if (hasUrl(view.entry(this, known), canonical)) {
        return known;
      }
      // The resource that had it first has another URL now: look through the type.
      for (int ordinal = 0, count = entries.count(); ordinal < count; ordinal++) {
        if (hasUrl(view.entry(this, ordinal), canonical)) {
          return ordinal;
        }
      }
      return -1;
    }

    private boolean hasUrl(Entry entry, String canonical) {
      if (entry == null || entry.deleted()) {
        return false;
      }
      for (String value : (String[]) stored(entry, url)) {
        if (value.equals(canonical)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Reads one parameter's values from an entry (see {@link View#values(TypeIndex, ParamDef)}). */
  interface Values {
    Object of(int ordinal, Entry entry);
  }

  /** One resource found: its type's index, its ordinal there, and its entry as of the view that found it. */
  record Hit(TypeIndex type, int ordinal, Entry entry) {
    String id() {
      return type.id(ordinal);
    }

    String key() {
      return type.type + "/" + id();
    }
  }

  /**
   * What searches read: a feed position, and the postings exact at it; and the write at that position, which a
   * snapshot records (null when the store did not show it).
   */
  private record Published(long position, Map<TypeIndex, Postings> postings, IndexSnapshot.Anchor anchor) {}

  /** All values as of one feed position: what one search reads. */
  final class View {
    final long at;
    private final Published published;

    private View(Published published) {
      this.at = published.position();
      this.published = published;
    }

    /** The type's postings as of this view. */
    Postings postings(TypeIndex type) {
      return published.postings().getOrDefault(type, Postings.none());
    }

    /**
     * The entry of an ordinal as of this position; null when it did not exist then.
     *
     * @throws OrderedVersions.Stale when it changed twice since: the search starts over on a new view
     */
    Entry entry(TypeIndex type, int ordinal) {
      return type.entries.at(ordinal, at);
    }

    /** The ordinal of the current resource a reference names in its type's index, or -1. */
    int resolve(Link link) {
      TypeIndex target = link.type == null ? null : types.get(link.type);
      if (target == null) {
        return -1;
      }
      if (link.url != null) {
        int owner = target.byUrl(link.url, this);
        if (owner >= 0) {
          return owner;
        }
      }
      int ordinal = link.cachedOrdinal();
      if (ordinal < 0) {
        ordinal = target.entries.ordinal(link.id);
        if (ordinal < 0) {
          return -1;
        }
        link.cacheOrdinal(ordinal);
      }
      Entry entry = entry(target, ordinal);
      return entry == null || entry.deleted() ? -1 : ordinal;
    }

    /**
     * A parameter's values for an entry of the type, in the form {@link Extractor} keeps them: stored ones, those
     * every entry has ({@code _id}, {@code _lastUpdated}), or those read through a reference.
     */
    Object values(TypeIndex type, ParamDef def, int ordinal, Entry entry) {
      return values(type, def).of(ordinal, entry);
    }

    /** How to read a parameter's values from entries of the type, worked out once for a whole search. */
    Values values(TypeIndex type, ParamDef def) {
      if (def instanceof ParamDef.Through through) {
        TypeIndex target = types.get(through.targetType());
        int via = type.slot(params.find(type.type, through.via()).orElseThrow());
        int read = target.slot(through.target());
        return (ordinal, entry) -> {
          for (Link link : (Link[]) entry.values[via]) {
            if (through.targetType().equals(link.type)) {
              int found = resolve(link);
              if (found >= 0) {
                return entry(target, found).values[read];
              }
            }
          }
          return absent.computeIfAbsent(through.target(), d -> extractor.extract(d, null, through.targetType()));
        };
      }
      if (Extractor.fromEntry(def)) {
        return (ordinal, entry) -> extractor.fromEntry(def, type.id(ordinal), entry.lastUpdated);
      }
      int slot = type.slot(def);
      return (ordinal, entry) -> entry.values[slot];
    }

    /** {@code Type/id} of what a reference resolves to, else as written; null for what names no resource. */
    String key(Link link) {
      if (link.url == null) {
        return link.key();
      }
      int ordinal = resolve(link);
      return ordinal < 0 ? link.key() : link.type + "/" + types.get(link.type).id(ordinal);
    }
  }

  private final SearchParams params;
  private final TrialStore store;
  /** Replaced only when a snapshot is loaded, before the index is first published. */
  private IndexValues values = new IndexValues();
  private Extractor extractor;
  private final Map<String, TypeIndex> types = new LinkedHashMap<>();
  /** What a parameter read through a reference has when the reference resolves to nothing. */
  private final Map<ParamDef, Object> absent = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();
  /** The feed position every entry is current at (-1 before the index is built), and the postings at it. */
  private volatile Published published = new Published(-1, Map.of(), null);
  /** Where the index is saved and loaded from; null: built from the store at every start. */
  private volatile Path snapshot;
  private final Object snapshotLock = new Object();
  /** The feed position of the snapshot on disk (-1: none known), so an unchanged index is not written again. */
  private long snapshotAt = -1;
  private volatile boolean loadedFromSnapshot;

  SearchIndex(SearchParams params, TrialStore store) {
    this.params = params;
    this.store = store;
    this.extractor = new Extractor(values);
    Map<String, List<ParamDef>> slots = new LinkedHashMap<>();
    for (String type : params.types()) {
      List<ParamDef> own = slots.computeIfAbsent(type, t -> new ArrayList<>());
      for (ParamDef def : params.of(type).values()) {
        if (def instanceof ParamDef.Through through) {
          slots.computeIfAbsent(through.targetType(), t -> new ArrayList<>()).add(through.target());
        } else if (!Extractor.fromEntry(def)) {
          own.add(def);
        }
      }
    }
    slots.forEach((type, defs) -> types.put(type, new TypeIndex(type, defs)));
  }

  /**
   * Loads the index from this file at start when it holds a usable snapshot (see {@link IndexSnapshot}), and saves it
   * there after a build and by {@link #saveSnapshot}. Call before the index is first used.
   */
  public void useSnapshot(Path file) {
    this.snapshot = file;
  }

  /** Whether the index was loaded from a snapshot rather than built from the store. */
  public boolean loadedFromSnapshot() {
    return loadedFromSnapshot;
  }

  TrialStore store() {
    return store;
  }

  IndexValues values() {
    return values;
  }

  TypeIndex type(String type) {
    TypeIndex index = types.get(type);
    if (index == null) {
      throw new IllegalArgumentException("no search index for " + type);
    }
    return index;
  }

  /** A view of the index at the store's current position (built or brought up to date first). */
  View view() {
    catchUp();
    return new View(published);
  }

  /** Builds the index now, if it was not built yet, and brings it up to date with the store. */
  public void catchUp() {
    long known = published.position();
    if (known >= 0 && store.position() <= known) {
      return;
    }
    synchronized (writeLock) {
      boolean starting = published.position() < 0;
      if (starting && !load()) {
        build();
      }
      long startedAt = published.position();
      long target = store.position();
      while (published.position() < target) {
        List<TrialStore.Committed> next = store.changesSince(published.position(), FEED_STEP);
        if (next.isEmpty()) {
          break;
        }
        Map<TypeIndex, Postings.Changes> changes = new IdentityHashMap<>();
        for (TrialStore.Committed committed : next) {
          apply(committed, changes);
        }
        // Whole writes, published together with the postings exact at the last of them.
        Map<TypeIndex, Postings> postings = new IdentityHashMap<>(published.postings());
        changes.forEach((type, changed) -> postings.put(type, postings.get(type).with(changed)));
        TrialStore.Committed last = next.get(next.size() - 1);
        published = new Published(last.seq(), postings, IndexSnapshot.Anchor.of(last));
      }
      if (starting && snapshot != null && (!loadedFromSnapshot || published.position() - startedAt >= RESAVE_AFTER)) {
        saveInBackground();
      }
    }
  }

  /** How many current resources of the type the index holds. */
  public int count(String type) {
    catchUp();
    OrderedVersions<Entry> entries = type(type).entries;
    int current = 0;
    for (int ordinal = 0, count = entries.count(); ordinal < count; ordinal++) {
      Entry entry = entries.latest(ordinal);
      if (entry != null && !entry.deleted()) {
        current++;
      }
    }
    return current;
  }

  private void build() {
    long started = System.nanoTime();
    int[] loaded = {0};
    long at = store.current(batch -> {
      // Extraction costs about as much as parsing: spread it as the store spreads parsing.
      List<Entry> entries = batch.parallelStream()
          .map(v -> types.containsKey(v.type()) ? types.get(v.type()).extract(v) : null)
          .toList();
      for (int i = 0; i < batch.size(); i++) {
        if (entries.get(i) != null) {
          put(types.get(batch.get(i).type()), batch.get(i).id(), 0, entries.get(i));
        }
      }
      loaded[0] += batch.size();
    });
    Map<TypeIndex, Postings> postings = new IdentityHashMap<>();
    types.values().forEach(type -> postings.put(type, Postings.build(type, type.listed)));
    published = new Published(at, postings, IndexSnapshot.Anchor.in(store, at));
    LOG.info("search index: {} resources indexed in {} ms", loaded[0], (System.nanoTime() - started) / 1_000_000);
  }

  /** Loads the snapshot, if there is one this store and these definitions can use; false when none was loaded. */
  private boolean load() {
    Path file = snapshot;
    if (file == null) {
      return false;
    }
    if (!java.nio.file.Files.exists(file)) {
      LOG.info("search index: no snapshot at {} yet, building the index from the store", file);
      return false;
    }
    long started = System.nanoTime();
    IndexValues fresh = new IndexValues();
    try {
      IndexSnapshot.Loaded loaded = IndexSnapshot.read(file, fingerprint(), types, fresh);
      long position = loaded.anchor().position();
      long storeAt = store.position();
      if (storeAt < position) {
        throw new IndexSnapshot.Unusable("the store is at feed position " + storeAt + ", before the snapshot's "
            + position + " (a store restored from an older copy, or another store)");
      }
      if (!loaded.anchor().equals(IndexSnapshot.Anchor.in(store, position))) {
        throw new IndexSnapshot.Unusable("the store's write at feed position " + position
            + " is not the one the snapshot saw (another store's snapshot)");
      }
      values = fresh;
      extractor = new Extractor(fresh);
      int count = 0;
      for (TypeIndex type : types.values()) {
        List<String> ids = loaded.ids().get(type.type);
        List<Entry> entries = loaded.entries().get(type.type);
        for (int i = 0; i < ids.size(); i++) {
          put(type, ids.get(i), 0, entries.get(i));
        }
        count += ids.size();
      }
      Map<TypeIndex, Postings> postings = new IdentityHashMap<>();
      types.values().forEach(type -> postings.put(type, Postings.build(type, type.listed)));
      published = new Published(position, postings, loaded.anchor());
      synchronized (snapshotLock) {
        snapshotAt = position;
      }
      loadedFromSnapshot = true;
      LOG.info("search index: {} resources loaded from {} (feed position {}) in {} ms", count, file, position,
          (System.nanoTime() - started) / 1_000_000);
      return true;
    } catch (IndexSnapshot.Unusable e) {
      LOG.warn("search index: snapshot {} not used, building the index from the store: {}", file, e.getMessage());
      return false;
    }
  }

  /**
   * Writes the index as of its current feed position to the snapshot file, unless it holds that position already;
   * false when there is no snapshot file, nothing built yet, or the write failed (which is logged: the next start
   * then builds or catches up more).
   */
  public boolean saveSnapshot() {
    Path file = snapshot;
    if (file == null) {
      return false;
    }
    synchronized (snapshotLock) {
      // A write overtaking the snapshot twice makes it start again at a newer position; a few tries are plenty.
      for (int attempt = 0; attempt < 5; attempt++) {
        Published at = published;
        if (at.position() < 0 || at.anchor() == null) {
          return false;
        }
        if (at.position() == snapshotAt) {
          return true;
        }
        long started = System.nanoTime();
        try {
          IndexSnapshot.write(file, fingerprint(), at.anchor(), types, values);
          snapshotAt = at.position();
          LOG.info("search index: saved to {} (feed position {}) in {} ms", file, at.position(),
              (System.nanoTime() - started) / 1_000_000);
          return true;
        } catch (OrderedVersions.Stale e) {
          // Written to while saving: save again at the newer position.
        } catch (IOException | RuntimeException e) {
          LOG.warn("search index: cannot save a snapshot to {}: {}", file, e.toString());
          return false;
        }
      }
      return false;
    }
  }

  private void saveInBackground() {
    Thread saver = new Thread(this::saveSnapshot, "trialfhir-index-snapshot");
    saver.setDaemon(true);
    saver.setPriority(Thread.MIN_PRIORITY);
    saver.start();
  }

  private static String fingerprint() {
    String known = fingerprint;
    if (known == null) {
      known = IndexSnapshot.fingerprint();
      fingerprint = known;
    }
    return known;
  }

  /** Applies one write whole (readers see it once the batch is published), noting what changes postings. */
  private void apply(TrialStore.Committed committed, Map<TypeIndex, Postings.Changes> changes) {
    for (TrialStore.Version version : committed.versions()) {
      TypeIndex index = types.get(version.type());
      if (index == null) {
        continue;
      }
      int ordinal = index.entries.ordinal(version.id());
      Entry held = ordinal < 0 ? null : index.entries.latest(ordinal);
      Entry entry = put(index, version.id(), committed.seq(), index.extract(version));
      if (entry != null) {
        changes.computeIfAbsent(index, t -> new Postings.Changes())
            .record(index.listed, index, index.entries.ordinal(version.id()), held, entry);
      }
    }
  }

  /**
   * Stores an entry unless a version as new is already held (the build and the feed may both report one); returns
   * it, or null when it was not newer.
   */
  private static Entry put(TypeIndex index, String id, long seq, Entry entry) {
    int ordinal = index.entries.ordinal(id);
    Entry held = ordinal < 0 ? null : index.entries.latest(ordinal);
    if (held == null || held.version < entry.version) {
      index.registerUrls(index.entries.put(id, seq, entry), entry);
      return entry;
    }
    return null;
  }
}
