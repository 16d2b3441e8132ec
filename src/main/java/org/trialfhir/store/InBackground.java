package org.trialfhir.store;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Runs one piece of start-up work on a daemon thread of its own and gives its result to whoever asks for it later,
 * with what it threw thrown from there, as doing it in place would have thrown it.
 */
public final class InBackground {
  private InBackground() {}

  /** Starts {@code work} on a daemon thread named {@code name}; the supplier waits for it. */
  public static <T> Supplier<T> start(String name, Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
    return () -> {
      try {
        return task.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        } else if (e.getCause() instanceof Error cause) {
          throw cause;
        }
        throw new IllegalStateException(name + " failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    };
  }
}
