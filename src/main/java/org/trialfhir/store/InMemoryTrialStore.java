package org.trialfhir.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The embedded {@link TrialStore}: every version of every resource in memory, nothing to set up.
 *
 * <p>Copy-on-write: a put (or several, by {@link #applyAll}) builds a new immutable snapshot under a lock and
 * publishes it with one volatile write, so reads never wait and always see whole puts. Puts are rare (start-up,
 * re-imports) and reads are the hot path.
 */
public final class InMemoryTrialStore implements TrialStore {

  /** All versions of one resource, oldest first; the last may record a delete. */
  private record History(List<Version> versions) {
    Version last() {
      return versions.get(versions.size() - 1);
    }

    /** The current resource, or null when the last version is a delete. */
    Resource current() {
      return last().resource();
    }
  }

  /**
   * Histories by type then id, and the current (not deleted) resources by type, all unmodifiable, as of feed position
   * {@code seq}.
   */
  private record Snapshot(Map<String, Map<String, History>> histories, Map<String, List<Resource>> current, long seq) {}

  private final Clock clock;
  private final Object writeLock = new Object();
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), 0);
  /** Every changing write, in order: the change feed ({@code log.get(i).seq() == i + 1}). Guarded by writeLock. */
  private final List<Committed> log = new ArrayList<>();

  public InMemoryTrialStore() {
    this(Clock.systemUTC());
  }

  /** A store whose {@code meta.lastUpdated} comes from the given clock (for tests). */
  public InMemoryTrialStore(Clock clock) {
    this.clock = clock;
  }

  /** A write checked by {@link #prepare}; the in-memory store has nothing to do ahead of the lock. */
  private record Prepared(List<Change> changes) implements PreparedWrite {}

  @Override
  public PreparedWrite prepare(List<? extends Change> changes) {
    Set<String> seen = new HashSet<>();
    for (Change change : changes) {
      if (!seen.add(change.type() + "/" + checkedId(change))) {
        throw new IllegalArgumentException(change.type() + "/" + change.id() + " is changed twice in one write");
      }
    }
    return new Prepared(List.copyOf(changes));
  }

  @Override
  public List<WriteResult> applyAll(List<? extends PreparedWrite> writes) {
    List<List<Change>> checked = new ArrayList<>(writes.size());
    for (PreparedWrite write : writes) {
      checked.add(write instanceof Prepared ? write.changes() : prepare(write.changes()).changes());
    }
    synchronized (writeLock) {
      Snapshot before = snapshot;
      // The histories the writes change, copied per type on first change; published once, after the last write.
      Map<String, Map<String, History>> changedTypes = new HashMap<>();
      Instant now = clock.instant();
      List<WriteResult> results = new ArrayList<>(writes.size());
      List<Committed> committed = new ArrayList<>();
      for (List<Change> changes : checked) {
        List<Version> written = new ArrayList<>();
        results.add(stage(before, changedTypes, changes, now, written));
        if (!written.isEmpty()) {
          // One feed entry per changing write, as the database store numbers them.
          committed.add(new Committed(before.seq() + committed.size() + 1, written));
        }
      }
      if (!committed.isEmpty()) {
        Map<String, Map<String, History>> histories = new HashMap<>(before.histories());
        Map<String, List<Resource>> currentByType = new HashMap<>(before.current());
        changedTypes.forEach((type, ofType) -> {
          histories.put(type, Collections.unmodifiableMap(ofType));
          currentByType.put(type, ofType.values().stream().map(History::current).filter(Objects::nonNull).toList());
        });
        log.addAll(committed);
        snapshot = new Snapshot(Collections.unmodifiableMap(histories), Collections.unmodifiableMap(currentByType),
            before.seq() + committed.size());
      }
      return results;
    }
  }

  /**
   * Applies one write's changes to {@code changedTypes} (over {@code before}), adding its new versions to
   * {@code written}; throws before changing anything.
   */
  private static WriteResult stage(Snapshot before, Map<String, Map<String, History>> changedTypes,
      List<Change> changes, Instant now, List<Version> written) {
    for (Change change : changes) {
      History history = history(before, changedTypes, change.type(), change.id());
      int current = history == null || history.last().deleted() ? 0 : history.last().versionId();
      if (change.expectedVersion() != null && change.expectedVersion() != current) {
        throw new VersionConflictException(change, current);
      }
    }
    List<Applied> applied = new ArrayList<>();
    for (Change change : changes) {
      String type = change.type();
      String id = change.id();
      Map<String, History> ofType = changedTypes.computeIfAbsent(
          type, t -> new LinkedHashMap<>(before.histories().getOrDefault(t, Map.of())));
      History history = ofType.get(id);
      Resource current = history == null ? null : history.current();
      int lastVersion = history == null ? 0 : history.last().versionId();
      Version next;
      if (change instanceof Upsert upsert) {
        if (current != null && sameContent(current, upsert.resource())) {
          applied.add(new Applied(type, id, Action.UNCHANGED, lastVersion));
          continue;
        }
        next = new Version(type, id, lastVersion + 1, now, stamped(upsert.resource(), type, id, lastVersion + 1, now));
        applied.add(new Applied(type, id, current == null ? Action.CREATED : Action.UPDATED, next.versionId()));
      } else {
        if (current == null) {
          applied.add(new Applied(type, id, Action.NOT_FOUND, 0));
          continue;
        }
        next = new Version(type, id, lastVersion + 1, now, null);
        applied.add(new Applied(type, id, Action.DELETED, next.versionId()));
      }
      List<Version> versions = history == null ? new ArrayList<>() : new ArrayList<>(history.versions());
      versions.add(next);
      written.add(next);
      ofType.put(id, new History(Collections.unmodifiableList(versions)));
    }
    return new WriteResult(applied);
  }

  private static History history(Snapshot before, Map<String, Map<String, History>> changedTypes, String type,
      String id) {
    Map<String, History> ofType = changedTypes.get(type);
    return ofType != null ? ofType.get(id) : before.histories().getOrDefault(type, Map.of()).get(id);
  }

  @Override
  public Optional<Resource> read(String type, String id) {
    History history = snapshot.histories().getOrDefault(type, Map.of()).get(id);
    return history == null ? Optional.empty() : Optional.ofNullable(history.current());
  }

  @Override
  public Optional<Resource> vread(String type, String id, String versionId) {
    History history = snapshot.histories().getOrDefault(type, Map.of()).get(id);
    if (history == null || versionId == null || !versionId.matches("[1-9][0-9]{0,8}")) {
      return Optional.empty();
    }
    int version = Integer.parseInt(versionId);
    return version <= history.versions().size()
        ? Optional.ofNullable(history.versions().get(version - 1).resource())
        : Optional.empty();
  }

  @Override
  public List<Version> history(String type, String id) {
    History history = snapshot.histories().getOrDefault(type, Map.of()).get(id);
    return history == null ? List.of() : history.versions();
  }

  @Override
  public List<Resource> all(String type) {
    return snapshot.current().getOrDefault(type, List.of());
  }

  @Override
  public long position() {
    return snapshot.seq();
  }

  /** Per type in first-stored order (the order across types is the types' first stores', which no caller needs). */
  @Override
  public long current(Consumer<List<Version>> batches) {
    Snapshot at = snapshot;
    for (Map<String, History> ofType : at.histories().values()) {
      batches.accept(ofType.values().stream().map(History::last).toList());
    }
    return at.seq();
  }

  @Override
  public List<Committed> changesSince(long after, int max) {
    synchronized (writeLock) {
      int from = (int) Math.max(0, after);
      int to = (int) Math.min(log.size(), from + (long) Math.max(1, max));
      return from >= to ? List.of() : List.copyOf(log.subList(from, to));
    }
  }

  private static String checkedId(Change change) {
    String id = change.id();
    if (change.type() == null || id == null || id.isBlank()) {
      throw new IllegalArgumentException("a " + change.type() + " without an id cannot be stored");
    }
    return id;
  }

  private static Resource stamped(Resource resource, String type, String id, int version, Instant now) {
    Resource copy = resource.copy();
    copy.setIdElement(new IdType(type, id, String.valueOf(version)));
    copy.getMeta().setVersionId(String.valueOf(version));
    copy.getMeta().setLastUpdated(Date.from(now));
    return copy;
  }

  /** Equal content, ignoring the id's version and the meta elements the store sets itself. */
  private static boolean sameContent(Resource stored, Resource candidate) {
    return withoutStamps(stored).equalsDeep(withoutStamps(candidate));
  }

  private static Resource withoutStamps(Resource resource) {
    Resource copy = resource.copy();
    copy.setIdElement(new IdType(resource.fhirType(), resource.getIdElement().getIdPart()));
    if (copy.hasMeta()) {
      copy.getMeta().setVersionIdElement(null);
      copy.getMeta().setLastUpdatedElement(null);
      if (copy.getMeta().isEmpty()) {
        copy.setMeta(null);
      }
    }
    return copy;
  }
}
