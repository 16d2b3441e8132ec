package org.trialfhir.matching;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Shares equal immutable values read from many studies (thresholds, limits, topic mentions, criteria, condition sets,
 * age ranges): a value in, the first equal one seen out. A matcher over many studies then holds each once, and a
 * patient's evaluation of one is found again by identity ({@link PatientFacts}). Keeps every value it has seen: one
 * lives as long as the matchers built with it.
 */
final class Interner {
  private final Map<Object, Object> values = new ConcurrentHashMap<>();
  private final Predicate<Object> shares;

  Interner() {
    this(value -> true);
  }

  /**
   * An interner that shares only the values {@code shares} accepts, handing the others back as they are: one that
   * outlives the studies it reads need not keep what no matcher keeps of them (their criteria's texts).
   */
  Interner(Predicate<Object> shares) {
    this.shares = shares;
  }

  @SuppressWarnings("unchecked")
  <T> T intern(T value) {
    return value == null || !shares.test(value) ? value : (T) values.computeIfAbsent(value, v -> v);
  }

  /** How many distinct values it holds. */
  int size() {
    return values.size();
  }
}
