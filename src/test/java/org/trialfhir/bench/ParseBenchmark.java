package org.trialfhir.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.trialfhir.source.ParseResult;
import org.trialfhir.source.TrialReaders;

/**
 * Parse throughput, one thread (so the score is pages per second per core), for one record of each format,
 * format detection and consistency checks included. Run: see README "Performance".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParseBenchmark {

  /** A case folder and its input file under src/test/resources/cases. */
  @Param({"NCT06412458/input.txt", "NCT03754764/input.txt", "NCT07066982-json/input.json"})
  public String input;

  private final TrialReaders readers = TrialReaders.standard();
  private String content;

  @Setup
  public void load() throws IOException {
    try (InputStream in = ParseBenchmark.class.getResourceAsStream("/cases/" + input)) {
      if (in == null) {
        throw new IOException("no test resource /cases/" + input);
      }
      content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Benchmark
  public ParseResult parse() {
    return readers.read(content);
  }
}
