package org.trialfhir.cli;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.trialfhir.server.JettyLauncher;
import org.trialfhir.server.WriteAccess;
import org.trialfhir.store.InMemoryTrialStore;
import org.trialfhir.store.TrialImporter;
import org.trialfhir.store.TrialStore;
import org.trialfhir.validation.ProfileValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve [--port 8080] [--data DIR] [--write-token TOKEN]}: loads the bundled sample trials, or every trial
 * record of DIR
 * (converted and validated; a bad file is named on stderr and skipped), and serves them as FHIR R4 at
 * {@code http://localhost:PORT/fhir}, printing that base URL on stdout once requests are accepted.
 */
@Command(
    name = "serve",
    description = {
      "Serve trial records as a FHIR R4 server at http://localhost:PORT/fhir (read-only unless a write token is"
          + " given).",
      "Without --data, the sample trials bundled in the jar. With --data, every trial record file in DIR (CT.gov or"
          + " MedPath page text, CT.gov API v2 JSON), converted and validated at start; a file that cannot be read or"
          + " whose resources have validation errors is reported on stderr by name and skipped.",
      "Prints the base URL on stdout when ready; runs until stopped."
    })
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8080", description = "TCP port (0 picks a free one). Default: 8080.")
  int port;

  @Option(names = "--data", paramLabel = "DIR", description = "Directory of trial record files to serve.")
  Path data;

  /** The environment variable read when {@code --write-token} is not given. */
  static final String WRITE_TOKEN_ENV = "TRIALFHIR_WRITE_TOKEN";

  @Option(names = "--write-token", paramLabel = "TOKEN", description = {
      "Allow writes ($import-record, create, update, delete, transaction, batch) to requests that send"
          + " 'Authorization: Bearer TOKEN'. Default: the environment variable " + WRITE_TOKEN_ENV + ", which is"
          + " better (a command-line argument is visible to other users of the machine). Without either the server"
          + " is read-only."})
  String writeToken;

  @Override
  public Integer call() throws Exception {
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
    TrialStore store = new InMemoryTrialStore();
    TrialImporter importer = new TrialImporter(ctx, store);
    // Loading and starting Jetty are independent until the URL is printed: overlap them on the spare cores.
    CompletableFuture<Integer> conformance = CompletableFuture.supplyAsync(importer::conformance);
    CompletableFuture<TrialImporter.Report> trials = CompletableFuture.supplyAsync(
        () -> data == null ? importer.samples() : importer.directory(data, ProfileValidator.shared()::validate));
    try (JettyLauncher server = JettyLauncher.serve(store, port, writeAccess)) {
      conformance.join();
      TrialImporter.Report report = trials.join();
      for (TrialImporter.Failure failure : report.failures()) {
        System.err.println(failure.source() + ": skipped: " + failure.reason());
      }
      System.err.printf("Serving %d trials (%d resources)%s, %s, ready in %d ms%n",
          report.trials().size(), report.resources(),
          report.failures().isEmpty() ? "" : "; " + report.failures().size() + " files skipped",
          writeAccess.enabled() ? "writes allowed with the bearer token" : "read-only",
          (System.nanoTime() - start) / 1_000_000);
      System.out.println(server.baseUrl());
      System.out.flush();
      if (data == null) {
        // The first validation builds the chain and takes seconds: do it now, off the request path.
        Thread warmUp = new Thread(() -> ProfileValidator.shared().warmUp(), "validator-warm-up");
        warmUp.setDaemon(true);
        warmUp.setPriority(Thread.MIN_PRIORITY);
        warmUp.start();
      }
      server.join();
    } catch (InterruptedException e) {
      // Stopped from within the JVM (tests); the server was closed on the way out.
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
