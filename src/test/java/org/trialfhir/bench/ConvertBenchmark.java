package org.trialfhir.bench;

import ca.uhn.fhir.context.FhirContext;
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
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.source.TrialRecord;

/**
 * Convert throughput on one thread: {@code map} is mapping alone (TrialRecord to resources, narratives
 * included), {@code convert} is parse + map, as the {@code convert} command does per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConvertBenchmark {

  @Param({"NCT06412458/input.txt", "NCT07052565/input.txt"})
  public String input;

  private final TrialReaders readers = TrialReaders.standard();
  private TrialBundleMapper mapper;
  private String content;
  private TrialRecord record;

  @Setup
  public void load() throws IOException {
    try (InputStream in = ConvertBenchmark.class.getResourceAsStream("/cases/" + input)) {
      if (in == null) {
        throw new IOException("no test resource /cases/" + input);
      }
      content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    mapper = new TrialBundleMapper(ConceptMaps.load(FhirContext.forR4Cached()));
    record = readers.read(content).record();
  }

  @Benchmark
  public TrialBundleMapper.TrialResources map() {
    return mapper.map(record);
  }

  @Benchmark
  public TrialBundleMapper.TrialResources convert() {
    return mapper.map(readers.read(content).record());
  }
}
