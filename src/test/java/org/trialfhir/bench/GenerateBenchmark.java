package org.trialfhir.bench;

import java.util.EnumSet;
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
import org.trialfhir.corpus.CorpusFormat;
import org.trialfhir.corpus.CorpusGenerator;

/**
 * Synthetic corpus generation, one thread (records per second per core): drawing a trial and rendering it to UTF-8
 * bytes, a new record each call, without the file write. Run: see README "Performance".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GenerateBenchmark {

  @Param({"ctgov-page", "medpath-page", "ctgov-json"})
  public String format;

  private CorpusGenerator generator;
  private long next;

  @Setup
  public void create() {
    generator = new CorpusGenerator(1, EnumSet.of(CorpusFormat.named(format)));
  }

  @Benchmark
  public byte[] generate() {
    return generator.bytes(next++ % CorpusGenerator.MAX_COUNT);
  }
}
