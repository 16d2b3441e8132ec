package org.trialfhir.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.store.BulkImporter;
import org.trialfhir.store.BulkImporter.Outcome;
import org.trialfhir.store.BulkImporter.Result;
import org.trialfhir.store.BulkImporter.Validation;
import org.trialfhir.store.InBackground;
import org.trialfhir.store.RecordFiles;
import org.trialfhir.store.TrialImporter;
import org.trialfhir.store.jdbc.JdbcTrialStore;
import org.trialfhir.store.jdbc.StoreException;
import org.trialfhir.validation.ProfileValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code import [--data-dir DIR | --db JDBC_URL] FILE_OR_DIR...}: converts, validates and stores trial record
 * files in parallel, each trial whole or not at all (several trials per transaction); prints a progress bar on a
 * terminal, a summary on stdout and each failed file with its reason on stderr. Exit status 1 if any file failed.
 */
@Command(
    name = "import",
    description = {
      "Import trial record files (CT.gov or MedPath page text, CT.gov API v2 JSON) into the store: each is converted,"
          + " validated against base R4 and our profiles, and stored with all its resources or none (several trials"
          + " share a transaction; if it fails, they are stored one by one)."
          + " Directories are read recursively (hidden files aside).",
      "Prints a progress bar on stderr when it is a terminal (or with --progress), then a summary on stdout: trials"
          + " imported (new), updated, unchanged, and failed files, each failure on stderr with its reason."
    })
final class ImportCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  StoreOptions storeOptions;

  @Option(names = "--threads", paramLabel = "N",
      description = "Files converted and validated at once. Default: the number of processors.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--no-validate",
      description = "Store without validating (for records whose conversion is known to validate, e.g. a re-import).")
  boolean noValidate;

  @Option(names = "--validate-sample", paramLabel = "N",
      description = "Validate only every Nth file (the 1st, the N+1st, ...), and every file after a sampled one fails"
          + " validation; the others are stored unvalidated. For bulk loads where validating every trial is too slow.")
  Integer validateSample;

  @Option(names = "--progress", description = "Show the progress bar even when stderr is not a terminal.")
  boolean progress;

  @Option(names = {"-v", "--verbose"}, description = "Print one line per file on stdout as its trial is stored.")
  boolean verbose;

  @Parameters(paramLabel = "FILE_OR_DIR", arity = "1..*", description = "Trial record files or directories of them.")
  List<Path> inputs;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    if (noValidate && validateSample != null) {
      throw new ParameterException(spec.commandLine(), "--no-validate and --validate-sample ask for different things");
    } else if (validateSample != null && validateSample < 1) {
      throw new ParameterException(spec.commandLine(), "--validate-sample takes a number of files from 1 up");
    }
    // Start-up is single-threaded work on a machine with cores to spare: the mapper is built and the files are
    // listed (seconds for a registry-sized corpus) while the store opens.
    FhirContext ctx = FhirContext.forR4Cached();
    Supplier<TrialBundleMapper> mapper = TrialImporter.mapperBuiltAhead(ctx);
    Supplier<Inputs> listing = InBackground.start("trialfhir-list", () -> Inputs.list(inputs));
    List<Outcome> outcomes = new ArrayList<>();
    String storeName;
    try (JdbcTrialStore store = storeOptions.open()) {
      storeName = store.toString();
      Inputs listed = listing.get();
      List<Path> files = listed.files();
      outcomes.addAll(listed.missing());
      ProgressBar bar = new ProgressBar(System.err, files.size(), progress || ProgressBar.stderrIsTerminal());
      BulkImporter importer = new BulkImporter(ctx, store, noValidate ? Validation.none()
          : new Validation(ProfileValidator.shared()::validate, validateSample == null ? 1 : validateSample), mapper);
      outcomes.addAll(importer.run(files, threads, outcome -> {
        bar.step(outcome.result() == Result.FAILED);
        if (verbose) {
          System.out.println(line(outcome));
          System.out.flush();
        }
      }));
      bar.finish();
    } catch (StoreException | UncheckedIOException e) {
      // A store that fails, or a folder that cannot be listed (RecordFiles names it): one line, no stack trace.
      System.err.println("trialfhir import: " + e.getMessage());
      return 1;
    }
    // Timed after the store's close, which for a bulk-loaded H2 file includes its rewrite (~10 s at 100,000 trials,
    // 30-45 s at 500,000): the rate printed is what the operator waited for, not the rate before the close.
    summarise(outcomes, storeName, System.nanoTime() - start);
    return outcomes.stream().anyMatch(o -> o.result() == Result.FAILED) ? 1 : 0;
  }

  /** The record files named, directories listed ({@link RecordFiles}), and the names that are neither. */
  private record Inputs(List<Path> files, List<Outcome> missing) {
    static Inputs list(List<Path> inputs) {
      List<Path> files = new ArrayList<>();
      List<Outcome> missing = new ArrayList<>();
      for (Path input : inputs) {
        if (Files.isDirectory(input)) {
          files.addAll(RecordFiles.under(input));
        } else if (Files.isRegularFile(input)) {
          files.add(input);
        } else {
          missing.add(new Outcome(input.toString(), null, Result.FAILED, "no such file or directory", false));
        }
      }
      return new Inputs(files, missing);
    }
  }

  private static String line(Outcome outcome) {
    String what = outcome.result().name().toLowerCase(Locale.ROOT);
    return outcome.result() == Result.FAILED
        ? what + " " + outcome.source() + ": " + outcome.reason()
        : what + " " + outcome.trial() + " " + outcome.source();
  }

  private static void summarise(List<Outcome> outcomes, String store, long nanos) {
    Map<Result, Integer> counts = new EnumMap<>(Result.class);
    for (Result result : Result.values()) {
      counts.put(result, 0);
    }
    for (Outcome outcome : outcomes) {
      counts.merge(outcome.result(), 1, Integer::sum);
      if (outcome.result() == Result.FAILED) {
        System.err.println(outcome.source() + ": failed: " + outcome.reason());
      }
    }
    double seconds = nanos / 1e9;
    long validated = outcomes.stream().filter(Outcome::validated).count();
    System.out.printf("%d files in %.1f s (%.1f files/s) into the %s: %d imported, %d updated, %d unchanged,"
            + " %d failed; %d validated%n",
        outcomes.size(), seconds, outcomes.size() / Math.max(seconds, 1e-3), store, counts.get(Result.IMPORTED),
        counts.get(Result.UPDATED), counts.get(Result.UNCHANGED), counts.get(Result.FAILED), validated);
  }
}
