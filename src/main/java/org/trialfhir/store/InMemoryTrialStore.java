package org.trialfhir.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The embedded {@link TrialStore}: every version of every resource in memory, nothing to set up.
 *
 * <p>Copy-on-write: a put builds a new immutable snapshot under a lock and publishes it with one volatile write,
 * so reads never wait and always see whole puts. Puts are rare (start-up, re-imports) and reads are the hot path.
 */
public final class InMemoryTrialStore implements TrialStore {

  /** All versions of one resource, oldest first. */
  private record History(List<Resource> versions) {
    Resource current() {
      return versions.get(versions.size() - 1);
    }
  }

  /** Histories by type then id, and the current versions by type, all unmodifiable. */
  private record Snapshot(Map<String, Map<String, History>> histories, Map<String, List<Resource>> current) {}

  private final Clock clock;
  private final Object writeLock = new Object();
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

  public InMemoryTrialStore() {
    this(Clock.systemUTC());
  }

  /** A store whose {@code meta.lastUpdated} comes from the given clock (for tests). */
  public InMemoryTrialStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public PutResult put(Collection<? extends Resource> resources) {
    Map<String, Resource> incoming = new LinkedHashMap<>();
    for (Resource resource : resources) {
      String id = resource.getIdElement().getIdPart();
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("a " + resource.fhirType() + " without an id cannot be stored");
      }
      incoming.put(resource.fhirType() + "/" + id, resource);
    }
    synchronized (writeLock) {
      Snapshot before = snapshot;
      Map<String, Map<String, History>> histories = new HashMap<>(before.histories());
      Map<String, Map<String, History>> changedTypes = new HashMap<>();
      Date now = Date.from(clock.instant());
      int created = 0;
      int updated = 0;
      int unchanged = 0;
      for (Resource resource : incoming.values()) {
        String type = resource.fhirType();
        String id = resource.getIdElement().getIdPart();
        Map<String, History> ofType = changedTypes.computeIfAbsent(
            type, t -> new LinkedHashMap<>(histories.getOrDefault(t, Map.of())));
        History history = ofType.get(id);
        if (history != null && sameContent(history.current(), resource)) {
          unchanged++;
          continue;
        }
        int version = history == null ? 1 : history.versions().size() + 1;
        List<Resource> versions = history == null ? new ArrayList<>() : new ArrayList<>(history.versions());
        versions.add(stamped(resource, type, id, version, now));
        ofType.put(id, new History(Collections.unmodifiableList(versions)));
        if (history == null) {
          created++;
        } else {
          updated++;
        }
      }
      if (created + updated > 0) {
        Map<String, List<Resource>> current = new HashMap<>(before.current());
        changedTypes.forEach((type, ofType) -> {
          histories.put(type, Collections.unmodifiableMap(ofType));
          current.put(type, ofType.values().stream().map(History::current).toList());
        });
        snapshot = new Snapshot(Collections.unmodifiableMap(histories), Collections.unmodifiableMap(current));
      }
      return new PutResult(created, updated, unchanged);
    }
  }

  @Override
  public Optional<Resource> read(String type, String id) {
    History history = snapshot.histories().getOrDefault(type, Map.of()).get(id);
    return history == null ? Optional.empty() : Optional.of(history.current());
  }

  @Override
  public Optional<Resource> vread(String type, String id, String versionId) {
    History history = snapshot.histories().getOrDefault(type, Map.of()).get(id);
    if (history == null || versionId == null || !versionId.matches("[1-9][0-9]{0,8}")) {
      return Optional.empty();
    }
    int version = Integer.parseInt(versionId);
    return version <= history.versions().size()
        ? Optional.of(history.versions().get(version - 1))
        : Optional.empty();
  }

  @Override
  public List<Resource> all(String type) {
    return snapshot.current().getOrDefault(type, List.of());
  }

  private static Resource stamped(Resource resource, String type, String id, int version, Date now) {
    Resource copy = resource.copy();
    copy.setIdElement(new IdType(type, id, String.valueOf(version)));
    copy.getMeta().setVersionId(String.valueOf(version));
    copy.getMeta().setLastUpdated(now);
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
