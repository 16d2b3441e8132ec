package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What only the in-memory store does; everything every store does is in {@link TrialStoreContract}. */
class InMemoryTrialStoreTest {

  private static final Instant T0 = Instant.parse("2025-01-02T03:04:05Z");

  @Test
  void stampsTheTimeOfItsClock() {
    InMemoryTrialStore store = new InMemoryTrialStore(Clock.fixed(T0, ZoneOffset.UTC));
    store.put(List.of(StoreFixtures.study("NCT1", "One"), StoreFixtures.organization("org-a", "A")));

    assertEquals(T0, store.read("ResearchStudy", "NCT1").orElseThrow().getMeta().getLastUpdated().toInstant());
    assertEquals(T0, store.history("Organization", "org-a").get(0).lastUpdated());
  }
}
