package org.trialfhir.matching;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares equal immutable values read from many studies (thresholds, limits, topic mentions, criteria, condition sets,
 * age ranges): a value in, the first equal one seen out. A matcher over many studies then holds each once, and a
 * patient's evaluation of one is found again by identity ({@link PatientFacts}). Keeps every value it has seen: one
 * lives as long as the matchers built with it.
 */
final class Interner {
  private final Map<Object, Object> values = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  <T> T intern(T value) {
    return value == null ? null : (T) values.computeIfAbsent(value, v -> v);
  }

  /** How many distinct values it holds. */
  int size() {
    return values.size();
  }
}
