package org.trialfhir.store.jdbc;

import java.util.ArrayList;
import java.util.List;

/**
 * The type/id of every resource a database holds, as a Bloom filter: {@link #mightHold} is false only for a resource
 * never added, true for every one added and, by chance, for a few others (about 0.3% of them per layer). It grows as
 * resources are added, one layer of twice the last one's capacity at a time (a layer past its capacity would answer
 * true ever more often), so its memory follows the store: 1.5 to 3 bytes a resource (10-21 MB for the 7 million
 * resources of 500,000 trials).
 */
final class StoredIds {
  /** Resources the first layer takes before the next is added. */
  static final int FIRST_CAPACITY = 1 << 16;
  private static final int BITS_PER_ID = 12;
  private static final int PROBES = 8;

  private final List<long[]> layers = new ArrayList<>();
  private long[] last;
  private int lastCapacity;
  private int inLast;

  StoredIds() {
    grow(FIRST_CAPACITY);
  }

  void add(String type, String id) {
    if (inLast >= lastCapacity) {
      grow(lastCapacity * 2);
    }
    long h = hash(type, id);
    int h1 = (int) h;
    int h2 = (int) (h >>> 32) | 1;
    long bits = (long) last.length * 64;
    for (int i = 0; i < PROBES; i++) {
      long bit = Integer.toUnsignedLong(h1 + i * h2) % bits;
      last[(int) (bit >>> 6)] |= 1L << bit;
    }
    inLast++;
  }

  /** False only when the resource was never {@link #add}ed. */
  boolean mightHold(String type, String id) {
    long h = hash(type, id);
    int h1 = (int) h;
    int h2 = (int) (h >>> 32) | 1;
    for (long[] layer : layers) {
      if (holds(layer, h1, h2)) {
        return true;
      }
    }
    return false;
  }

  private static boolean holds(long[] layer, int h1, int h2) {
    long bits = (long) layer.length * 64;
    for (int i = 0; i < PROBES; i++) {
      long bit = Integer.toUnsignedLong(h1 + i * h2) % bits;
      if ((layer[(int) (bit >>> 6)] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  private void grow(int capacity) {
    last = new long[(int) (((long) capacity * BITS_PER_ID + 63) / 64)];
    layers.add(last);
    lastCapacity = capacity;
    inLast = 0;
  }

  /** FNV-1a over the type, a separator and the id, then mixed (MurmurHash3's finaliser) so both halves are usable. */
  private static long hash(String type, String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < type.length(); i++) {
      h = (h ^ type.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ '/') * 0x100000001b3L;
    for (int i = 0; i < id.length(); i++) {
      h = (h ^ id.charAt(i)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
