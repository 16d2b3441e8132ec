package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Stopping the server stops its background work: right after a server starts (the matcher's background build then
 * under way) and stops, no thread it started is alive and no thread still runs server or store code on the closed
 * store.
 */
class ServerStopIT {
  @Test
  void noThreadOutlivesTheServer() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (TestServer server = TestServer.start()) {
      assertEquals(200, server.get("/metadata").statusCode());
    }
    List<String> left = List.of();
    // A worker that has finished its last task may take a moment to end.
    for (long deadline = System.nanoTime() + 2_000_000_000L; System.nanoTime() < deadline; Thread.sleep(50)) {
      left = leftOver(before);
      if (left.isEmpty()) {
        break;
      }
    }
    assertEquals(List.of(), left);
  }

  /** Threads started since, named for trialfhir or running our server or store code (a common-pool worker would). */
  private static List<String> leftOver(Set<Thread> before) {
    List<String> left = new ArrayList<>();
    for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
      Thread t = thread.getKey();
      if (t == Thread.currentThread() || !t.isAlive()) {
        continue;
      }
      boolean named = t.getName().startsWith("trialfhir") && !before.contains(t);
      String ours = java.util.Arrays.stream(thread.getValue())
          .map(StackTraceElement::getClassName)
          .filter(c -> c.startsWith("org.trialfhir.server.") || c.startsWith("org.trialfhir.store."))
          .findFirst().orElse(null);
      if (named || ours != null) {
        left.add(t.getName() + (ours == null ? "" : " in " + ours));
      }
    }
    return left.stream().sorted().collect(Collectors.toList());
  }
}
