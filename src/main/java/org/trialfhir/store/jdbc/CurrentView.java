package org.trialfhir.store.jdbc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.trialfhir.store.OrderedVersions;

/**
 * Which version of every resource is current, and when it was written, in first-stored order: what reads look up
 * before fetching a version's content by primary key. No content is held, so a resource costs about a hundred bytes
 * whatever its size. It is fed versions in change-feed order, whole transactions at a time, and publishes each
 * transaction's position with one volatile write after its versions are in place: readers never wait and never see
 * part of a transaction. {@link #seq()} is the last change-feed position applied.
 */
final class CurrentView {
  /** One version from the change feed or the current table. */
  record Row(String type, String id, int versionId, Instant lastUpdated, boolean deleted) {}

  /** What is held per resource: its current version, when it was written, whether it is a delete. */
  record Stamp(int versionId, long lastUpdatedMillis, boolean deleted) {
    Instant lastUpdated() {
      return Instant.ofEpochMilli(lastUpdatedMillis);
    }
  }

  private final Map<String, OrderedVersions<Stamp>> types = new ConcurrentHashMap<>();
  private volatile long seq;

  CurrentView(long seq) {
    this.seq = seq;
  }

  long seq() {
    return seq;
  }

  /** The current (not deleted) version of a resource, or null. */
  Stamp current(String type, String id) {
    for (;;) {
      long at = seq;
      OrderedVersions<Stamp> ofType = types.get(type);
      int ordinal = ofType == null ? -1 : ofType.ordinal(id);
      if (ordinal < 0) {
        return null;
      }
      try {
        Stamp stamp = ofType.at(ordinal, at);
        return stamp == null || stamp.deleted() ? null : stamp;
      } catch (OrderedVersions.Stale e) {
        // Two writes to this resource while we looked: look again at the newer position.
      }
    }
  }

  /** The current resources of a type with their versions, in first-stored order, as of one position. */
  List<Map.Entry<String, Stamp>> all(String type) {
    for (;;) {
      long at = seq;
      OrderedVersions<Stamp> ofType = types.get(type);
      if (ofType == null) {
        return List.of();
      }
      try {
        List<Map.Entry<String, Stamp>> current = new ArrayList<>();
        int count = ofType.count();
        for (int ordinal = 0; ordinal < count; ordinal++) {
          Stamp stamp = ofType.at(ordinal, at);
          if (stamp != null && !stamp.deleted()) {
            current.add(Map.entry(ofType.id(ordinal), stamp));
          }
        }
        return current;
      } catch (OrderedVersions.Stale e) {
        // A resource changed twice while we listed: list again.
      }
    }
  }

  /** How many current (not deleted) resources of the type there are. */
  int count(String type) {
    return all(type).size();
  }

  /**
   * Applies rows in change-feed order and moves {@link #seq()} to {@code upToSeq}. A row not newer than what is held
   * is skipped, so applying a change twice (the start-up load overlapping the feed) is harmless. Callers serialise
   * calls and pass whole transactions.
   */
  void apply(List<Row> rows, long upToSeq) {
    for (Row row : rows) {
      OrderedVersions<Stamp> ofType = types.computeIfAbsent(row.type(), t -> new OrderedVersions<>());
      int ordinal = ofType.ordinal(row.id());
      Stamp held = ordinal < 0 ? null : ofType.latest(ordinal);
      if (held == null || held.versionId() < row.versionId()) {
        // An existing id keeps its ordinal, so updates and re-creations stay where first stored.
        ofType.put(row.id(), upToSeq, new Stamp(row.versionId(), row.lastUpdated().toEpochMilli(), row.deleted()));
      }
    }
    seq = Math.max(seq, upToSeq);
  }
}
