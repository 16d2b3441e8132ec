package org.trialfhir.corpus;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The random draws of one record. Each record gets its own generator seeded from the corpus seed and the
 * record's index, so any record can be made alone, in any order, on any thread, with the same result.
 */
final class Dice {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final SplittableRandom random;

  Dice(SplittableRandom random) {
    this.random = random;
  }

  /** The draws of record {@code index} of the corpus with this seed. */
  static Dice forRecord(long seed, long index) {
    return new Dice(new SplittableRandom(mix(mix(seed) + index * GOLDEN)));
  }

  /** SplitMix64's finaliser: neighbouring inputs give unrelated outputs. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  boolean chance(double probability) {
    return random.nextDouble() < probability;
  }

  /** A whole number from {@code low} to {@code high}, both included. */
  int between(int low, int high) {
    return low + random.nextInt(high - low + 1);
  }

  double uniform() {
    return random.nextDouble();
  }

  <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  @SafeVarargs
  final <T> T pick(T... items) {
    return items[random.nextInt(items.length)];
  }

  /** An index drawn with the given relative weights. */
  int weighted(int... weights) {
    int total = 0;
    for (int weight : weights) {
      total += weight;
    }
    int draw = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      draw -= weights[i];
      if (draw < 0) {
        return i;
      }
    }
    throw new IllegalStateException("weights sum to " + total);
  }
}
