package org.trialfhir.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.trialfhir.corpus.CorpusFormat;
import org.trialfhir.corpus.CorpusGenerator;
import org.trialfhir.corpus.CorpusWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code generate --count N --seed S --out DIR [--formats ...]}: writes a reproducible synthetic corpus of trial
 * records, one file each, in shard folders of 10,000.
 */
@Command(name = "generate", description = "Write a reproducible synthetic corpus of trial records (one file each,"
    + " in the input formats the readers know) for load tests and benchmarks.")
final class GenerateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--count", required = true, paramLabel = "N", description = "Number of records (1 to 10,000,000).")
  long count;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
      description = "Seed: the same seed and count give the same bytes (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write into; must be empty"
      + " or absent.")
  Path out;

  @Option(names = "--formats", split = ",", paramLabel = "FORMAT", defaultValue = "ctgov-page,medpath-page,ctgov-json",
      description = "Formats, taking turns by record: ctgov-page, medpath-page, ctgov-json (default: all three).")
  List<String> formats;

  @Option(names = "--threads", paramLabel = "T", description = "Writer threads (default: the number of processors).")
  Integer threads;

  @Override
  public Integer call() {
    if (count < 1 || count > CorpusGenerator.MAX_COUNT) {
      throw new ParameterException(spec.commandLine(),
          "--count must be between 1 and " + CorpusGenerator.MAX_COUNT + ", not " + count);
    }
    int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (workers < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be at least 1, not " + workers);
    }
    List<CorpusFormat> chosen = new ArrayList<>();
    for (String name : formats) {
      try {
        chosen.add(CorpusFormat.named(name));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--formats: " + e.getMessage());
      }
    }
    requireEmpty(out);
    CorpusGenerator generator = new CorpusGenerator(seed, chosen);
    try {
      CorpusWriter.Summary summary = CorpusWriter.write(generator, count, out, workers);
      StringBuilder formatsWritten = new StringBuilder();
      summary.perFormat().forEach((format, n) -> formatsWritten.append(formatsWritten.length() == 0 ? "" : ", ")
          .append(n).append(' ').append(format.id()));
      System.out.println(String.format(Locale.ROOT, "wrote %d records (%s; %.1f MB) to %s in %.1f s: %.0f records/s",
          summary.records(), formatsWritten, summary.bytes() / 1e6, out, summary.elapsed().toNanos() / 1e9,
          summary.recordsPerSecond()));
      return 0;
    } catch (IOException e) {
      System.err.println(out + ": cannot write the corpus: " + e);
      return 1;
    }
  }

  /** A corpus is written into a fresh folder, so no file of an earlier, larger corpus lingers among the new ones. */
  private void requireEmpty(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    if (!Files.isDirectory(folder)) {
      throw new ParameterException(spec.commandLine(), "--out " + folder + " is a file, not a folder");
    }
    try (Stream<Path> entries = Files.list(folder)) {
      if (entries.findAny().isPresent()) {
        throw new ParameterException(spec.commandLine(),
            "--out " + folder + " is not empty; give a new or empty folder");
      }
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "--out " + folder + " cannot be read: " + e.getMessage());
    }
  }
}
