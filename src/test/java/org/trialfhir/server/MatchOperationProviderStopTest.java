package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.trialfhir.matching.MatchVocabulary;
import org.trialfhir.store.InMemoryTrialStore;

/** Closing the $match provider stops its background work and waits for it: nothing of it runs afterwards. */
class MatchOperationProviderStopTest {
  @Test
  void closeStopsTheBackgroundWorkUnderWay() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch ended = new CountDownLatch(1);
    MatchOperationProvider provider = new MatchOperationProvider(FhirContext.forR4Cached(), new InMemoryTrialStore(),
        () -> {
          started.countDown();
          try {
            // Stands for a long background load or build.
            Thread.sleep(60_000);
            return MatchVocabulary.standard();
          } catch (InterruptedException e) {
            throw new IllegalStateException("stopped", e);
          } finally {
            ended.countDown();
          }
        }, Clock.systemUTC());
    assertTrue(started.await(10, TimeUnit.SECONDS));

    provider.close();

    // Ended before close returned, and its thread is gone.
    assertTrue(ended.await(0, TimeUnit.SECONDS));
    Thread.sleep(100);
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().equals("trialfhir-matcher")));
  }
}
