package org.trialfhir.server.search;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.trialfhir.server.search.IndexValues.Link;
import org.trialfhir.server.search.IndexValues.Tok;
import org.trialfhir.server.search.SearchIndex.Entry;
import org.trialfhir.server.search.SearchIndex.TypeIndex;

/**
 * For the token, reference, string and uri parameters of a type, which resources (ordinals, ascending) have each
 * value: a token by its interned {@link Tok}, a reference by the {@code Type/id} it names (and by the target's
 * ordinal, {@link Referrers}), a string or uri as written. A search asks these for the resources with a status or a
 * phase, in a country, or that reference a matching Location, without touching any other resource: a scan of half a
 * million entries costs hundreds of milliseconds in cache misses, a posting list a few.
 *
 * <p>Immutable: the index publishes a new one with each batch of writes, copying only the lists the batch changed,
 * together with the feed position they are exact at. A parameter with more than {@link #MAX_VALUES} distinct values
 * (identifiers), or with a reference by URL (which resolves through the target's {@code url}, not by its text), has
 * none: searches test its values entry by entry.
 */
final class Postings {
  static final int MAX_VALUES = 65_536;
  private static final int REFERRING_KEPT = 32;
  /** Shorter lists are set bit by bit: their bit set would save nothing worth a map entry. */
  private static final int DENSE_MIN = 256;
  /** Bit sets of long lists, by the list's identity (arrays hash by identity), held while the list is. */
  private static final Map<int[], BitSet> DENSE = new WeakHashMap<>();

  /** Per parameter (declared on the type, token or reference): value → ordinals. Absent: none kept. */
  private final Map<ParamDef, Map<Object, int[]>> byParam;
  /**
   * Per reference parameter listed in {@link #byParam}: its lists by target ordinal, per target type; made by the
   * first chain through it, then carried over to the postings after each write.
   */
  private final Map<ParamDef, Map<TypeIndex, Referrers>> referrers;
  /**
   * The last {@link #REFERRING_KEPT} answers of {@link #referring}, by what was asked: searches that differ in other
   * parameters (a status list) chain to the same Locations, and a country's referrers are a union of hundreds of
   * lists. Exact while these postings are published (the lists never change; the targets are part of the question).
   */
  private final Map<Referring, BitSet> referringKept = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Referring, BitSet> eldest) {
      return size() > REFERRING_KEPT;
    }
  };

  private Postings(Map<ParamDef, Map<Object, int[]>> byParam, Map<ParamDef, Map<TypeIndex, Referrers>> referrers) {
    this.byParam = byParam;
    this.referrers = referrers;
  }

  /** Whether the parameter's values are listed here. */
  boolean has(ParamDef def) {
    return byParam.containsKey(def);
  }

  /** The values of a parameter listed here, with their ordinals (empty when none). */
  Map<Object, int[]> of(ParamDef def) {
    return byParam.getOrDefault(def, Map.of());
  }

  /**
   * The ordinals that have any of the values: a new set the caller may change. A long list is OR-ed in a word at a
   * time from its {@link #dense} copy, so a value a third of the resources have costs a few thousand word operations,
   * not a bit per resource.
   */
  static BitSet union(Map<Object, int[]> lists, Iterable<?> values) {
    BitSet found = new BitSet();
    for (Object value : values) {
      or(found, lists.get(value));
    }
    return found;
  }

  /**
   * The ordinals of the resources whose reference parameter names any of the {@code targets} (ordinals in the
   * {@code target} type's index); null when the parameter is not listed here.
   */
  BitSet referring(ParamDef def, TypeIndex target, BitSet targets) {
    Map<Object, int[]> lists = byParam.get(def);
    if (lists == null) {
      return null;
    }
    Referring asked = new Referring(def, target, (BitSet) targets.clone());
    BitSet kept;
    synchronized (referringKept) {
      kept = referringKept.get(asked);
    }
    if (kept == null) {
      kept = referringNow(def, target, targets, lists);
      synchronized (referringKept) {
        referringKept.put(asked, kept);
      }
    }
    return (BitSet) kept.clone();
  }

  /** What {@link #referring} asks for, targets by content. */
  private record Referring(ParamDef def, TypeIndex target, BitSet targets) {}

  private BitSet referringNow(ParamDef def, TypeIndex target, BitSet targets, Map<Object, int[]> lists) {
    Referrers slots = referrers.computeIfAbsent(def, d -> new ConcurrentHashMap<>())
        .computeIfAbsent(target, t -> Referrers.build(t, lists));
    BitSet found = new BitSet();
    for (int ordinal = targets.nextSetBit(0); ordinal >= 0; ordinal = targets.nextSetBit(ordinal + 1)) {
      or(found, slots.of(ordinal, lists));
    }
    return found;
  }

  private static void or(BitSet found, int[] ordinals) {
    if (ordinals == null) {
      return;
    }
    BitSet bits = dense(ordinals);
    if (bits != null) {
      found.or(bits);
    } else {
      for (int ordinal : ordinals) {
        found.set(ordinal);
      }
    }
  }

  /**
   * The ordinals of a list as a bit set, when that takes no more memory than the list (at least one ordinal in 32 of
   * those up to its last), else null. Made once per list: lists are never changed (a write makes new ones), and one
   * a write replaced is forgotten once no postings hold it. Shared: never change it.
   */
  private static BitSet dense(int[] ordinals) {
    if (ordinals.length < DENSE_MIN || (long) ordinals.length * 32 < ordinals[ordinals.length - 1] + 1L) {
      return null;
    }
    synchronized (DENSE) {
      BitSet known = DENSE.get(ordinals);
      if (known != null) {
        return known;
      }
    }
    BitSet bits = new BitSet(ordinals[ordinals.length - 1] + 1);
    for (int ordinal : ordinals) {
      bits.set(ordinal);
    }
    synchronized (DENSE) {
      DENSE.putIfAbsent(ordinals, bits);
      return DENSE.get(ordinals);
    }
  }

  /** The parameters of a type that can have postings. */
  static List<ParamDef> listed(TypeIndex type, SearchParams params) {
    return type.slots.stream()
        .filter(def -> params.of(type.type).get(def.name()) == def)
        .filter(def -> def instanceof ParamDef.Token || def instanceof ParamDef.Ref || def instanceof ParamDef.Uri
            || (def instanceof ParamDef.Str string && !string.words()))
        .toList();
  }

  /** The keys an entry's values are listed under, or null when the values cannot be listed (a URL reference). */
  static Set<Object> keys(ParamDef def, Object values) {
    Set<Object> keys = new HashSet<>();
    if (def instanceof ParamDef.Token) {
      keys.addAll(Arrays.asList((Tok[]) values));
    } else if (!(def instanceof ParamDef.Ref)) {
      keys.addAll(Arrays.asList((String[]) values));
    } else {
      for (Link link : (Link[]) values) {
        if (link.url != null) {
          return null;
        }
        if (link.key() != null) {
          keys.add(link.key());
        }
      }
    }
    return keys;
  }

  /** Postings built from scratch over the latest entries of a type. */
  static Postings build(TypeIndex type, List<ParamDef> listed) {
    Map<ParamDef, Map<Object, int[]>> byParam = new HashMap<>();
    for (ParamDef def : listed) {
      Map<Object, IntList> lists = new HashMap<>();
      boolean listable = true;
      for (int ordinal = 0, count = type.entries.count(); ordinal < count && listable; ordinal++) {
        Entry entry = type.entries.latest(ordinal);
        if (entry == null || entry.deleted()) {
          continue;
        }
        Set<Object> keys = keys(def, type.stored(entry, def));
        if (keys == null) {
          listable = false;
          break;
        }
        for (Object key : keys) {
          lists.computeIfAbsent(key, k -> new IntList()).add(ordinal);
        }
        listable = lists.size() <= MAX_VALUES;
      }
      if (listable) {
        Map<Object, int[]> frozen = new HashMap<>();
        lists.forEach((key, list) -> frozen.put(key, list.toArray()));
        byParam.put(def, frozen);
      }
    }
    return new Postings(byParam, new ConcurrentHashMap<>());
  }

  /** The changes of a batch of writes to one type's postings: per parameter and value, ordinals added and removed. */
  static final class Changes {
    private final Map<ParamDef, Map<Object, TreeSet<Integer>>> added = new HashMap<>();
    private final Map<ParamDef, Map<Object, TreeSet<Integer>>> removed = new HashMap<>();
    private final Set<ParamDef> unlistable = new HashSet<>();

    /** Records that an ordinal's entry went from {@code before} to {@code after} (either null: none, or deleted). */
    void record(List<ParamDef> listed, TypeIndex type, int ordinal, Entry before, Entry after) {
      for (ParamDef def : listed) {
        Set<Object> old = before == null || before.deleted() ? Set.of() : keys(def, type.stored(before, def));
        Set<Object> now = after == null || after.deleted() ? Set.of() : keys(def, type.stored(after, def));
        if (old == null || now == null) {
          unlistable.add(def);
          continue;
        }
        for (Object key : old) {
          if (!now.contains(key)) {
            removed.computeIfAbsent(def, d -> new HashMap<>()).computeIfAbsent(key, k -> new TreeSet<>()).add(ordinal);
            Map<Object, TreeSet<Integer>> adds = added.get(def);
            if (adds != null && adds.containsKey(key)) {
              adds.get(key).remove(ordinal);
            }
          }
        }
        for (Object key : now) {
          if (!old.contains(key)) {
            added.computeIfAbsent(def, d -> new HashMap<>()).computeIfAbsent(key, k -> new TreeSet<>()).add(ordinal);
            Map<Object, TreeSet<Integer>> removes = removed.get(def);
            if (removes != null && removes.containsKey(key)) {
              removes.get(key).remove(ordinal);
            }
          }
        }
      }
    }

    boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty() && unlistable.isEmpty();
    }
  }

  /** These postings with a batch's changes: only the lists it changed are copied. */
  Postings with(Changes changes) {
    if (changes.isEmpty()) {
      return this;
    }
    Map<ParamDef, Map<Object, int[]>> next = new HashMap<>(byParam);
    Map<ParamDef, Map<TypeIndex, Referrers>> nextReferrers = new ConcurrentHashMap<>(referrers);
    Set<ParamDef> touched = new HashSet<>(changes.added.keySet());
    touched.addAll(changes.removed.keySet());
    for (ParamDef def : touched) {
      Map<Object, int[]> lists = byParam.get(def);
      if (lists == null) {
        continue;
      }
      Map<Object, int[]> changed = new HashMap<>(lists);
      Set<Object> keys = new HashSet<>(changes.added.getOrDefault(def, Map.of()).keySet());
      keys.addAll(changes.removed.getOrDefault(def, Map.of()).keySet());
      for (Object key : keys) {
        int[] merged = merge(lists.getOrDefault(key, new int[0]),
            changes.added.getOrDefault(def, Map.of()).getOrDefault(key, new TreeSet<>()),
            changes.removed.getOrDefault(def, Map.of()).getOrDefault(key, new TreeSet<>()));
        if (merged.length == 0) {
          changed.remove(key);
        } else {
          changed.put(key, merged);
        }
      }
      if (changed.size() > MAX_VALUES) {
        next.remove(def);
        nextReferrers.remove(def);
      } else {
        next.put(def, changed);
        Map<TypeIndex, Referrers> made = referrers.get(def);
        if (made != null) {
          Map<TypeIndex, Referrers> carried = new ConcurrentHashMap<>();
          made.forEach((target, slots) -> carried.put(target, slots.with(changed, keys)));
          nextReferrers.put(def, carried);
        }
      }
    }
    changes.unlistable.forEach(def -> {
      next.remove(def);
      nextReferrers.remove(def);
    });
    return new Postings(next, nextReferrers);
  }

  static Postings none() {
    return new Postings(Map.of(), new ConcurrentHashMap<>());
  }

  /** The sorted ordinals with {@code added} and without {@code removed}, in one pass. */
  private static int[] merge(int[] sorted, TreeSet<Integer> added, TreeSet<Integer> removed) {
    int[] add = added.stream().mapToInt(Integer::intValue).toArray();
    int[] remove = removed.stream().mapToInt(Integer::intValue).toArray();
    int[] merged = new int[sorted.length + add.length];
    int n = 0;
    int r = 0;
    for (int i = 0, j = 0; i < sorted.length || j < add.length; ) {
      int next;
      if (j >= add.length || (i < sorted.length && sorted[i] <= add[j])) {
        next = sorted[i++];
        if (j < add.length && add[j] == next) {
          j++;
        }
      } else {
        next = add[j++];
      }
      while (r < remove.length && remove[r] < next) {
        r++;
      }
      if (r >= remove.length || remove[r] != next) {
        merged[n++] = next;
      }
    }
    return n == merged.length ? merged : Arrays.copyOf(merged, n);
  }

  /** A growable list of ordinals, added in ascending order (an entry's repeated value added once). */
  private static final class IntList {
    private int[] values = new int[4];
    private int size;

    void add(int ordinal) {
      if (size > 0 && values[size - 1] == ordinal) {
        return;
      }
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = ordinal;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
