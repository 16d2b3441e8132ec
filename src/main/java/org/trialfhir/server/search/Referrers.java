package org.trialfhir.server.search;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.trialfhir.server.search.SearchIndex.TypeIndex;

/**
 * For one reference parameter's postings and one of its target types: the referring ordinals of each target
 * ordinal, so a chain ({@code site.address-country=China}) goes from the matching Locations to the studies naming
 * them without making a {@code Location/id} key per match. The lists are the postings' own arrays (shared, not
 * copied): this adds one slot per target resource.
 *
 * <p>Immutable, made from one postings' lists and carried over to the next with the keys a write changed. The slots
 * cover the target ordinals that existed when it was made or last carried over ({@link #known}); a target created
 * since (a Location written after the study that names it) is looked up by its key, exactly as the postings list
 * it, until the next change to the postings brings it in.
 */
final class Referrers {
  private final TypeIndex target;
  private final String prefix;
  /** Per target ordinal below {@link #known}: the postings' list under its key, or null when nothing names it. */
  private final int[][] byOrdinal;
  private final int known;

  private Referrers(TypeIndex target, int[][] byOrdinal, int known) {
    this.target = target;
    this.prefix = target.type + "/";
    this.byOrdinal = byOrdinal;
    this.known = known;
  }

  TypeIndex target() {
    return target;
  }

  /** Slots for every current ordinal of the target, from the postings' lists keyed {@code Type/id}. */
  static Referrers build(TypeIndex target, Map<Object, int[]> lists) {
    return new Referrers(target, new int[0][], 0).with(lists, Set.of());
  }

  /**
   * These slots after a batch changed the lists of {@code keys} (now as in {@code lists}), extended to the target
   * ordinals that exist now.
   */
  Referrers with(Map<Object, int[]> lists, Set<Object> keys) {
    int count = target.entries.count();
    int[][] slots = Arrays.copyOf(byOrdinal, count);
    for (Object key : keys) {
      if (key instanceof String name && name.startsWith(prefix)) {
        int ordinal = target.entries.ordinal(name.substring(prefix.length()));
        if (ordinal >= 0 && ordinal < known) {
          slots[ordinal] = lists.get(key);
        }
      }
    }
    fill(slots, known, count, lists);
    return new Referrers(target, slots, count);
  }

  /** The ordinals of the resources naming this target ordinal (null: none), as {@code lists} hold them. */
  int[] of(int ordinal, Map<Object, int[]> lists) {
    return ordinal < known ? byOrdinal[ordinal] : lists.get(prefix + target.id(ordinal));
  }

  private void fill(int[][] slots, int from, int to, Map<Object, int[]> lists) {
    for (int ordinal = from; ordinal < to; ordinal++) {
      slots[ordinal] = lists.get(prefix + target.id(ordinal));
    }
  }
}
