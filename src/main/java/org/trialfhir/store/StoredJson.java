package org.trialfhir.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Reads a store can answer without parsing a resource: which version of a resource is current, and a version in the
 * compact JSON HAPI's parser gives the stamped resource {@link TrialStore#read} returns. A store that keeps resources
 * as such JSON (the database store) implements it, so a server can send a read's answer from those bytes instead of
 * parsing them into a resource and encoding it again, the two steps that were most of a read's time.
 */
public interface StoredJson {
  /** The current version's number and time of writing. */
  record CurrentVersion(int versionId, Instant lastUpdated) {}

  /** The current, not deleted, version of a resource, or empty; reads no content. */
  Optional<CurrentVersion> currentVersion(String type, String id);

  /**
   * The version encoded as {@code ctx.newJsonParser().setStripVersionsFromReferences(false)} would encode
   * {@link TrialStore#vread}'s resource (versioned id, {@code meta.versionId} and {@code meta.lastUpdated} included),
   * as UTF-8; empty when the version is a delete or absent, or when the store cannot vouch that the bytes are that
   * encoding (callers then parse and encode the resource themselves).
   */
  Optional<byte[]> compactJson(String type, String id, int versionId);
}
