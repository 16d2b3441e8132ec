package org.trialfhir.store;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Resource;

/**
 * Keeps versioned FHIR resources by type and id: a trial's resources go in together as one atomic change, and come
 * out by id, by version, or as every current resource of a type.
 *
 * <p>Versions: a resource stored for the first time gets {@code meta.versionId} 1; a put whose content differs from
 * the current version (ignoring {@code meta.versionId} and {@code meta.lastUpdated}) adds the next version; an
 * unchanged put adds none. Every version stored by one put shares one {@code meta.lastUpdated}, and each returned
 * resource's id carries its version ({@code ResearchStudy/NCT07066982/_history/2}).
 *
 * <p>Returned resources may be the store's own instances (kept in memory or in a cache), shared between callers and
 * threads: treat them as read-only and {@code copy()} one before changing it. Two reads of one version may or may not
 * give the same instance. Implementations are thread-safe; a reader sees every resource of a put or none of them.
 *
 * <p>Following the store: every changing write takes the next position of a change feed. {@link #current} hands over
 * everything stored, {@link #changesSince} the writes after a position, and {@link #position} tells how far this
 * instance has got, so an index kept beside the store (the server's search index) can be built once and then follow
 * the store's own writes and, for a shared database, other instances' writes.
 *
 * <p>Writes: {@link #apply} takes upserts and deletes, each optionally conditional on the version it expects, and
 * applies all of them or none; {@link #applyAll} does the same for several such writes at once (bulk loads). A
 * delete is recorded as a version without a resource, so history shows it and a read of a deleted resource is empty
 * while {@link #history} tells it apart from one never stored.
 */
public interface TrialStore {

  /** One stored version of a resource; {@code resource} is null when this version records a delete. */
  record Version(String type, String id, int versionId, Instant lastUpdated, Resource resource) {
    public boolean deleted() {
      return resource == null;
    }
  }

  /** A change for {@link #apply}. {@code expectedVersion}: null for none, 0 for "must not exist yet". */
  sealed interface Change permits Upsert, Delete {
    String type();

    String id();

    Integer expectedVersion();
  }

  /**
   * Store this resource as the current version of its type/id (no new version when the content is unchanged). The
   * store copies the caller's instance unless it is {@code handedOver}: the caller then gives it up (never reads or
   * changes it again), and the store may keep and stamp it, sparing a copy (a bulk load's freshly mapped resources).
   */
  record Upsert(Resource resource, Integer expectedVersion, boolean handedOver) implements Change {
    public Upsert {
      Objects.requireNonNull(resource, "resource");
    }

    public Upsert(Resource resource, Integer expectedVersion) {
      this(resource, expectedVersion, false);
    }

    public Upsert(Resource resource) {
      this(resource, null);
    }

    /** An upsert of a resource the caller gives up to the store (see the class comment). */
    public static Upsert handedOver(Resource resource) {
      return new Upsert(resource, null, true);
    }

    @Override
    public String type() {
      return resource.fhirType();
    }

    @Override
    public String id() {
      return resource.getIdElement().getIdPart();
    }
  }

  /** Delete the current version of type/id (deleting what is absent or already deleted changes nothing). */
  record Delete(String type, String id, Integer expectedVersion) implements Change {}

  /** What happened to one change. */
  enum Action { CREATED, UPDATED, UNCHANGED, DELETED, NOT_FOUND }

  /** The outcome of one change: its action and the version now current (0 when none exists). */
  record Applied(String type, String id, Action action, int versionId) {}

  /** The outcomes of one {@link #apply}, in the order of its changes. */
  record WriteResult(List<Applied> applied) {
    public WriteResult {
      applied = List.copyOf(applied);
    }

    public long count(Action action) {
      return applied.stream().filter(a -> a.action() == action).count();
    }
  }

  /**
   * Thrown by {@link #apply} when a change's expected version is not the current one; nothing was applied. By the time
   * it is thrown, this store's reads show at least {@link #currentVersion}, so a caller that reads again to retry
   * finds what its write lost to instead of the versions it had read.
   */
  final class VersionConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Change change;
    private final int currentVersion;

    public VersionConflictException(Change change, int currentVersion) {
      super(change.type() + "/" + change.id() + ": expected version " + change.expectedVersion()
          + " but the current version is " + (currentVersion == 0 ? "none" : String.valueOf(currentVersion)));
      this.change = change;
      this.currentVersion = currentVersion;
    }

    public Change change() {
      return change;
    }

    /** The current version at the time of the conflict; 0 when the resource does not exist (or is deleted). */
    public int currentVersion() {
      return currentVersion;
    }
  }

  /** What one put changed. */
  record PutResult(int created, int updated, int unchanged) {
    public int total() {
      return created + updated + unchanged;
    }
  }

  /**
   * Stores the given resources as one change (each must have a type and an id; a repeated type/id is kept once, the
   * last one winning). The caller's instances are copied, never kept.
   *
   * @throws IllegalArgumentException if a resource has no id
   */
  default PutResult put(Collection<? extends Resource> resources) {
    Map<String, Upsert> incoming = new LinkedHashMap<>();
    for (Resource resource : resources) {
      Upsert upsert = new Upsert(resource);
      String id = upsert.id();
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("a " + upsert.type() + " without an id cannot be stored");
      }
      incoming.put(upsert.type() + "/" + id, upsert);
    }
    WriteResult result = apply(List.copyOf(incoming.values()));
    return new PutResult((int) result.count(Action.CREATED), (int) result.count(Action.UPDATED),
        (int) result.count(Action.UNCHANGED));
  }

  /**
   * Applies every change or none (one transaction): a repeated type/id is an error, not "last wins" as in
   * {@link #put}. Upserts are copied and stamped like {@link #put}'s.
   *
   * @throws VersionConflictException if a change's expected version does not hold
   * @throws IllegalArgumentException if a change has no type or id, or two changes name the same resource
   */
  default WriteResult apply(List<? extends Change> changes) {
    return applyAll(List.of(prepare(changes))).get(0);
  }

  /** One write's changes, checked and made ready by {@link #prepare}; only {@link #applyAll} stores them. */
  interface PreparedWrite {
    List<Change> changes();
  }

  /**
   * Checks one write's changes as {@link #apply} does and does beforehand, on the calling thread, the work that
   * needs no lock (a database store encodes the resources here); stores nothing. Bulk loads prepare on many threads
   * and apply on one.
   *
   * @throws IllegalArgumentException if a change has no type or id, or two changes name the same resource
   */
  PreparedWrite prepare(List<? extends Change> changes);

  /**
   * Applies several writes in their order as one transaction: every change of every write, or none. Each write is
   * applied as {@link #apply} would apply it after the writes before it (so two writes may upsert one shared
   * resource: the second finds the first's version) and gets its own {@link WriteResult}, in the order given. A
   * write prepared by another store is prepared again here.
   *
   * @throws VersionConflictException if an expected version does not hold; nothing of any write is applied
   */
  List<WriteResult> applyAll(List<? extends PreparedWrite> writes);

  /** Every version of one resource, deletes included, oldest first; empty if it was never stored. */
  List<Version> history(String type, String id);

  /** The current version of a resource. */
  Optional<Resource> read(String type, String id);

  /** One version of a resource ({@code versionId} as in {@code meta.versionId}). */
  Optional<Resource> vread(String type, String id, String versionId);

  /**
   * Every current resource of a type, in the order they were first stored; empty for a type never stored. A store
   * that keeps content out of memory reads and parses each one: meant for the small conformance types
   * (StructureDefinition, SearchParameter, ValueSet, ...), not for searching the trial types at scale.
   */
  List<Resource> all(String type);

  /** One committed write as the change feed reports it: its position and the versions it wrote, in write order. */
  record Committed(long seq, List<Version> versions) {
    public Committed {
      versions = List.copyOf(versions);
    }
  }

  /**
   * The change-feed position of the last write this instance shows: its own writes as soon as {@link #apply}
   * returns, another instance's once this one has followed the feed to it. 0 for an empty store; it never goes back.
   */
  long position();

  /**
   * Every resource ever stored at its current version (a deleted one as its delete), in first-stored order, handed to
   * {@code batches} in that order a few thousand at a time, so that a caller can index a large store without holding
   * all of it. Returns a position these versions are at least as new as: follow on with {@link #changesSince} from
   * there. A write reported by both carries no version newer than the one already seen; callers skip such versions.
   * The resources handed over here and by {@link #changesSince} are for indexing: they may lack their narrative
   * ({@code text}), which is for people, which no search reads, and whose XHTML costs more to parse than the rest.
   */
  long current(Consumer<List<Version>> batches);

  /**
   * {@link #current(Consumer)} restricted to the resources of {@code types}: a store that can skips reading and
   * decoding the others (a caller that needs three types of a large store should not parse all of them).
   */
  default long current(Set<String> types, Consumer<List<Version>> batches) {
    return current(batch -> {
      List<Version> wanted = batch.stream().filter(v -> types.contains(v.type())).toList();
      if (!wanted.isEmpty()) {
        batches.accept(wanted);
      }
    });
  }

  /**
   * The writes after position {@code after} that this instance shows (up to {@link #position}), whole, in commit
   * order, at most {@code max} of them; empty when there are none.
   */
  List<Committed> changesSince(long after, int max);
}
