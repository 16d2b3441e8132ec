package org.trialfhir.cli;

import ca.uhn.fhir.context.FhirContext;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.server.JettyLauncher;
import org.trialfhir.server.WriteAccess;
import org.trialfhir.store.TrialImporter;
import org.trialfhir.store.jdbc.JdbcTrialStore;
import org.trialfhir.store.jdbc.StoreException;
import org.trialfhir.validation.ProfileValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code serve [--port 8080] [--data-dir DIR | --db JDBC_URL] [--data DIR] [--write-token TOKEN]}: serves the trials
 * of the store as FHIR R4 at {@code http://localhost:PORT/fhir}, printing that base URL on stdout once requests are
 * accepted (read-only unless a write token is given). A new store gets the bundled sample trials; with {@code --data},
 * every trial record under DIR (sub-folders included) is converted, validated and stored first (a bad file is named
 * on stderr and skipped). Our conformance resources are stored at every start (unchanged ones make no new version).
 */
@Command(
    name = "serve",
    description = {
      "Serve the trials of the store as a FHIR R4 server at http://localhost:PORT/fhir (read-only unless a write token"
          + " is given).",
      "The store is the embedded H2 database in --data-dir (default ./trialfhir-data, created on first start) or the"
          + " PostgreSQL database of --db; a new store gets the sample trials bundled in the jar.",
      "With --data, every trial record file under DIR, sub-folders included, hidden files aside (CT.gov or MedPath"
          + " page text, CT.gov API v2 JSON), is converted, validated and stored at start; a file that cannot be read"
          + " or whose resources have validation errors is reported on stderr by name and skipped.",
      "Prints the base URL on stdout when ready; runs until stopped."
    })
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8080", description = "TCP port (0 picks a free one). Default: 8080.")
  int port;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Directory of trial record files (sub-folders included) to store and serve.")
  Path data;

  @Mixin
  StoreOptions storeOptions;

  /** The environment variable read when {@code --write-token} is not given. */
  static final String WRITE_TOKEN_ENV = "TRIALFHIR_WRITE_TOKEN";

  @Option(names = "--write-token", paramLabel = "TOKEN", description = {
      "Allow writes ($import-record, create, update, delete, transaction, batch) to requests that send"
          + " 'Authorization: Bearer TOKEN'. Default: the environment variable " + WRITE_TOKEN_ENV + ", which is"
          + " better (a command-line argument is visible to other users of the machine). Without either the server"
          + " is read-only."})
  String writeToken;

  /** The search index's snapshot in the data directory, unless {@code --index-snapshot} names another file. */
  static final String SNAPSHOT_FILE = "search-index.snapshot";

  @Option(names = "--index-snapshot", paramLabel = "FILE", description = {
      "Where the search index is saved (after it is built, and when the server stops) and loaded from at start, so"
          + " that a start need not read every stored resource; a snapshot that does not fit the store or this"
          + " version is ignored and the index built. Default: " + SNAPSHOT_FILE + " in the --data-dir; none with"
          + " --db."})
  Path indexSnapshot;

  @Override
  public Integer call() throws Exception {
    HeapExhaustion.endProcessOnUncaught();
    try {
      return started();
    } catch (RuntimeException | Error e) {
      // The error can come wrapped: a class loaded through a ServiceLoader (Flyway's plugins) that runs out of heap
      // fails as a ServiceConfigurationError caused by the OutOfMemoryError.
      if (HeapExhaustion.causes(e)) {
        HeapExhaustion.report("while starting");
        return HeapExhaustion.EXIT_STATUS;
      }
      throw e;
    }
  }

  private int started() throws Exception {
    long start = System.nanoTime();
    if (data != null && !Files.isDirectory(data)) {
      System.err.println(data + ": not a directory");
      return 1;
    }
    WriteAccess writeAccess;
    try {
      writeAccess = WriteAccess.withToken(writeToken != null ? writeToken : System.getenv(WRITE_TOKEN_ENV));
    } catch (IllegalArgumentException e) {
      System.err.println("--write-token: " + e.getMessage());
      return 1;
    }
    FhirContext ctx = FhirContext.forR4Cached();
    // Start-up is CPU work on several independent paths (parsing, opening the store, Jetty, loading the store's
    // view): run them on threads of their own, not on the one-thread common pool of a 2-core machine.
    ExecutorService startup = Executors.newFixedThreadPool(3, runnable -> {
      Thread thread = new Thread(runnable, "trialfhir-start");
      thread.setDaemon(true);
      return thread;
    });
    try {
      Future<List<Resource>> conformance = startup.submit(() -> TrialImporter.conformanceResources(ctx));
      try (JdbcTrialStore store = storeOptions.open()) {
        return serve(ctx, store, writeAccess, conformance, startup, start);
      } catch (StoreException e) {
        if (HeapExhaustion.causes(e)) {
          HeapExhaustion.report("in the store");
          return HeapExhaustion.EXIT_STATUS;
        }
        System.err.println("trialfhir serve: " + e.getMessage());
        return 1;
      }
    } finally {
      startup.shutdownNow();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is exiting: the hook is running or has run.
    }
  }

  /** CPU time of the whole process (what the index build costs on a shared machine, where wall time misleads). */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
  }

  private int serve(FhirContext ctx, JdbcTrialStore store, WriteAccess writeAccess,
      Future<List<Resource>> conformanceParsed, ExecutorService startup, long start) throws Exception {
    TrialImporter importer = new TrialImporter(ctx, store);
    boolean samples = data == null && !store.everStored("ResearchStudy");
    Future<Integer> conformance = startup.submit(() -> importer.conformance(conformanceParsed.get()));
    Future<TrialImporter.Report> trials = startup.submit(
        () -> data != null ? importer.directory(data, ProfileValidator.shared()::validate)
            : samples ? importer.samples() : null);
    // The first read loads the store's view of current resources; do it beside the writes above.
    Future<Long> view = startup.submit(() -> {
      long started = System.nanoTime();
      store.position();
      return System.nanoTime() - started;
    });
    try (JettyLauncher server = JettyLauncher.serve(store, port, writeAccess)) {
      TrialImporter.Report report;
      long viewNanos;
      long indexNanos;
      long indexCpuNanos;
      boolean indexFromSnapshot;
      Path snapshot = indexSnapshot != null ? indexSnapshot
          : storeOptions.db == null ? storeOptions.dataDirectory().resolve(SNAPSHOT_FILE) : null;
      try {
        conformance.get();
        report = trials.get();
        viewNanos = view.get();
        // Searches need their index: build it now (it parses every stored resource once) rather than on the first.
        long indexStarted = System.nanoTime();
        long indexCpuStarted = processCpuNanos();
        indexFromSnapshot = snapshot != null && server.buildSearchIndex(snapshot);
        if (snapshot == null) {
          server.buildSearchIndex();
        }
        indexNanos = System.nanoTime() - indexStarted;
        indexCpuNanos = processCpuNanos() - indexCpuStarted;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof OutOfMemoryError exhausted) {
          throw exhausted;
        }
        throw e.getCause() instanceof StoreException failed ? failed : e;
      }
      String loaded = "";
      if (report != null) {
        for (TrialImporter.Failure failure : report.failures()) {
          System.err.println(failure.source() + ": skipped: " + failure.reason());
        }
        loaded = samples
            ? "; the " + report.trials().size() + " sample trials stored in the new store"
            : "; " + report.trials().size() + " trials of " + data + " stored"
                + (report.failures().isEmpty() ? "" : ", " + report.failures().size() + " files skipped");
      }
      System.err.printf("Serving %d trials from the %s%s, %s, ready in %d ms (store view %d ms,"
          + " search index %s %d ms, %d ms of CPU)%n",
          store.count("ResearchStudy"), store, loaded,
          writeAccess.enabled() ? "writes allowed with the bearer token" : "read-only",
          (System.nanoTime() - start) / 1_000_000, viewNanos / 1_000_000,
          indexFromSnapshot ? "loaded from its snapshot" : "built", indexNanos / 1_000_000,
          indexCpuNanos / 1_000_000);
      HugePageAdvice.advice(store.count("ResearchStudy"), HugePageAdvice.current()).ifPresent(System.err::println);
      System.out.println(server.baseUrl());
      System.out.flush();
      if (data == null) {
        // The first validation builds the chain and takes seconds: do it now, off the request path.
        Thread warmUp = new Thread(() -> ProfileValidator.shared().warmUp(), "validator-warm-up");
        warmUp.setDaemon(true);
        warmUp.setPriority(Thread.MIN_PRIORITY);
        warmUp.start();
      }
      // A clean stop (Ctrl-C, SIGTERM) saves the index, so the next start loads it rather than reading the store.
      Thread saveAtExit = new Thread(server::saveSearchIndex, "trialfhir-index-save");
      Runtime.getRuntime().addShutdownHook(saveAtExit);
      try {
        server.join();
      } finally {
        removeHook(saveAtExit);
        server.saveSearchIndex();
      }
    } catch (InterruptedException e) {
      // Stopped from within the JVM (tests); the server and the store are closed on the way out.
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
