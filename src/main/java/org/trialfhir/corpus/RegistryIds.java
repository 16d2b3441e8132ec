package org.trialfhir.corpus;

/**
 * Registry ids for a corpus: {@code NCT9xxxxxxx}, a permutation of the record indices, so ids are unique within a
 * corpus of up to {@link #MAX_COUNT} records, look scattered like real ones, and never collide with real
 * ClinicalTrials.gov ids (which have not reached NCT08000000).
 */
final class RegistryIds {
  static final int MAX_COUNT = 10_000_000;
  private static final long BASE = 90_000_000L;

  private final long multiplier;
  private final long offset;

  RegistryIds(long seed) {
    // A multiplier prime to 10^7 (odd, not a multiple of 5) makes index -> id a bijection modulo 10^7.
    long m = Math.floorMod(Dice.mix(seed ^ 0x5DEECE66DL), MAX_COUNT) | 1;
    multiplier = m % 5 == 0 ? m + 2 : m;
    offset = Math.floorMod(Dice.mix(seed + 1), MAX_COUNT);
  }

  String of(long index) {
    if (index < 0 || index >= MAX_COUNT) {
      throw new IllegalArgumentException("record index " + index + " outside 0.." + (MAX_COUNT - 1));
    }
    return "NCT" + (BASE + Math.floorMod(multiplier * index + offset, MAX_COUNT));
  }
}
