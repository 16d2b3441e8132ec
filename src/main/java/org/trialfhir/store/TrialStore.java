package org.trialfhir.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
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
 * <p>Returned resources are the store's own instances, shared between callers and threads: treat them as read-only
 * and {@code copy()} one before changing it. Implementations are thread-safe; a reader sees every resource of a put or
 * none of them.
 */
public interface TrialStore {

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
  PutResult put(Collection<? extends Resource> resources);

  /** The current version of a resource. */
  Optional<Resource> read(String type, String id);

  /** One version of a resource ({@code versionId} as in {@code meta.versionId}). */
  Optional<Resource> vread(String type, String id, String versionId);

  /** Every current resource of a type, in the order they were first stored; empty for a type never stored. */
  List<Resource> all(String type);
}
