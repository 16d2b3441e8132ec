package org.trialfhir.bench;

import ca.uhn.fhir.context.FhirContext;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.trialfhir.server.search.Resolver;
import org.trialfhir.server.search.SearchParams;
import org.trialfhir.store.jdbc.JdbcTrialStore;

/**
 * Measures, on an H2 store, what the server's start-up costs apart from everything else (the matcher, the validator,
 * Jetty): the store's view and the search index, each its heap after a full GC, wall time and process CPU; the index
 * built from the store, or loaded from a snapshot file when one is given (and saved there when it was built).
 *
 * <pre>
 * java -cp target/trialfhir.jar:target/test-classes org.trialfhir.bench.IndexHeapProbe STORE_DIR [SNAPSHOT_FILE]
 * </pre>
 * With {@code -Dprobe.wait=true} it then waits, for {@code jcmd PID GC.class_histogram}.
 */
public final class IndexHeapProbe {
  private IndexHeapProbe() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path snapshot = args.length > 1 ? Path.of(args[1]) : null;
    try (JdbcTrialStore store = JdbcTrialStore.openH2(dir)) {
      long base = usedAfterGc();
      long wall = System.nanoTime();
      long cpu = cpu();
      store.position();
      report("store view", wall, cpu, usedAfterGc() - base);
      long viewHeap = usedAfterGc();
      SearchParams params = new SearchParams(FhirContext.forR4Cached(), new Resolver(store));
      if (snapshot != null) {
        params.index().useSnapshot(snapshot);
      }
      wall = System.nanoTime();
      cpu = cpu();
      params.index().catchUp();
      report(params.index().loadedFromSnapshot() ? "search index (loaded)" : "search index (built)", wall, cpu,
          usedAfterGc() - viewHeap);
      if (snapshot != null) {
        params.index().saveSnapshot();
      }
      System.out.printf("heap after both: %d MB; %d studies%n", usedAfterGc() >> 20,
          params.index().count("ResearchStudy"));
      if (Boolean.getBoolean("probe.wait")) {
        Thread.sleep(Long.MAX_VALUE);
      }
    }
  }

  private static void report(String what, long wallStarted, long cpuStarted, long heap) {
    System.out.printf("%s: %d ms wall, %d ms CPU, heap %d MB%n", what, (System.nanoTime() - wallStarted) / 1_000_000,
        (cpu() - cpuStarted) / 1_000_000, heap >> 20);
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long cpu() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
  }
}
