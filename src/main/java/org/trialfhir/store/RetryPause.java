package org.trialfhir.store;

import java.util.concurrent.ThreadLocalRandom;

/** A random pause before retrying a write that lost a race, so that racing writers do not retry in step. */
public final class RetryPause {
  private RetryPause() {}

  /** Sleeps a random 1 to {@code boundMillis - 1} ms; false (the interrupt kept) if interrupted. */
  public static boolean pause(long boundMillis) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, boundMillis));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
