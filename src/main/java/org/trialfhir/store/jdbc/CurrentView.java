package org.trialfhir.store.jdbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/**
 * The current version of every resource, parsed, in memory: what reads and searches see. It is fed versions in
 * change-feed order (whole transactions at a time) and publishes each batch with one volatile write, so reads never
 * wait and never see part of a transaction. {@link #seq()} is the last change-feed sequence number applied.
 *
 * <p>Only current versions are kept; older versions stay in the database.
 */
final class CurrentView {
  /** One version from the change feed or the current table; {@code resource} is null for a delete. */
  record Row(String type, String id, int versionId, Resource resource) {}

  /** The version of one resource held; a delete keeps its entry (null resource) so the resource keeps its place. */
  private record Entry(int versionId, Resource resource) {}

  /** One type's entries in first-stored order, and its current resources in that order. */
  private record TypeView(Map<String, Entry> entries, List<Resource> current) {}

  private volatile Map<String, TypeView> types = Map.of();
  private volatile long seq;

  CurrentView(long seq) {
    this.seq = seq;
  }

  long seq() {
    return seq;
  }

  Optional<Resource> read(String type, String id) {
    TypeView view = types.get(type);
    Entry entry = view == null ? null : view.entries().get(id);
    return entry == null ? Optional.empty() : Optional.ofNullable(entry.resource());
  }

  /** The current version number of a resource; 0 when absent or deleted. */
  int currentVersion(String type, String id) {
    TypeView view = types.get(type);
    Entry entry = view == null ? null : view.entries().get(id);
    return entry == null || entry.resource() == null ? 0 : entry.versionId();
  }

  List<Resource> all(String type) {
    TypeView view = types.get(type);
    return view == null ? List.of() : view.current();
  }

  /**
   * Applies rows in change-feed order and moves {@link #seq()} to {@code upToSeq}. A row not newer than what is held
   * is skipped, so applying a change twice (the start-up load overlapping the feed) is harmless. Callers serialise
   * calls.
   */
  void apply(List<Row> rows, long upToSeq) {
    Map<String, Map<String, Entry>> changed = new HashMap<>();
    Map<String, TypeView> before = types;
    for (Row row : rows) {
      Map<String, Entry> entries = changed.computeIfAbsent(row.type(),
          t -> new LinkedHashMap<>(before.containsKey(t) ? before.get(t).entries() : Map.of()));
      Entry held = entries.get(row.id());
      if (held == null || held.versionId() < row.versionId()) {
        // LinkedHashMap keeps an existing key's place, so updates and re-creations stay where first stored.
        entries.put(row.id(), new Entry(row.versionId(), row.resource()));
      }
    }
    if (!changed.isEmpty()) {
      Map<String, TypeView> next = new HashMap<>(before);
      changed.forEach((type, entries) -> {
        List<Resource> current = new ArrayList<>(entries.size());
        for (Entry entry : entries.values()) {
          if (entry.resource() != null) {
            current.add(entry.resource());
          }
        }
        next.put(type, new TypeView(Collections.unmodifiableMap(entries), Collections.unmodifiableList(current)));
      });
      types = Collections.unmodifiableMap(next);
    }
    seq = Math.max(seq, upToSeq);
  }
}
