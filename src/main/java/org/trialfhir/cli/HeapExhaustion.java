package org.trialfhir.cli;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code serve} does when the heap runs out: a server whose heap is exhausted has lost work at random and keeps
 * thrashing the collector, so it says how big its heap was and how to give it more, and ends, rather than leaving a
 * bare stack trace on a half-working server.
 */
final class HeapExhaustion {
  /** The exit status of a server stopped for want of heap. */
  static final int EXIT_STATUS = 3;

  private static final AtomicBoolean INSTALLED = new AtomicBoolean();
  /**
   * Heap kept back for the hint: given up first thing in the handler and in {@link #report}, so that building and printing it does not run
   * out in turn (under load, one start in four at 28 MB ended with "OutOfMemoryError thrown from the
   * UncaughtExceptionHandler" and no hint).
   */
  private static volatile byte[] reserve;

  private HeapExhaustion() {}

  /** Ends the process, with the hint, when an uncaught error is or was caused by an {@link OutOfMemoryError}. */
  static void endProcessOnUncaught() {
    if (!INSTALLED.compareAndSet(false, true)) {
      return;  // once per process: servers started again in one JVM (tests) must not stack handlers
    }
    reserve = new byte[512 * 1024];
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
      if (causes(error)) {
        reserve = null;  // before the message's first allocation, the concatenation below
        report("thread " + thread.getName());
        Runtime.getRuntime().halt(EXIT_STATUS);
      } else if (previous != null) {
        previous.uncaughtException(thread, error);
      } else {
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        error.printStackTrace();
      }
    });
  }

  /** Prints the hint for an exhaustion seen in {@code where}; the caller ends with {@link #EXIT_STATUS}. */
  static void report(String where) {
    reserve = null;
    long maxMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
    System.err.println("trialfhir serve: out of memory (" + where + ") with a maximum heap of " + maxMb + " MB."
        + " The store's search index and matcher are held in memory: start the server with a larger heap,"
        + " e.g. java -Xmx" + suggestedGb(maxMb) + "g -jar trialfhir.jar serve ... (see BENCHMARKS.md for the heap"
        + " a store of a given size needs).");
  }

  /** Whether {@code failure} was caused by an exhausted heap (H2, for one, wraps the error in its own exception). */
  static boolean causes(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        return true;
      }
    }
    return false;
  }

  /** Twice the heap that was not enough, in whole gigabytes, at least 1. */
  static long suggestedGb(long maxMb) {
    return Math.max(1, (2 * maxMb + 1023) / 1024);
  }
}
