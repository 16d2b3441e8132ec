package org.trialfhir.store.jdbc;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Resource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.trialfhir.corpus.CorpusFormat;
import org.trialfhir.corpus.CorpusGenerator;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;

/**
 * Compressing and decompressing one trial's JSON (HAPI's, all its resources, as an import writes and reads them),
 * cycling over {@link #TRIALS} corpus trials (seed 1): {@code dictionary=true} is {@link StoredCompression} as it
 * stores now, {@code false} the plain level-1 zstd frames it stored at stops 15–20. The stored bytes of all the
 * trials are printed at setup. Rerun:
 *
 * <pre>
 * mvn -q test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   -Dexec.args="-cp %classpath org.openjdk.jmh.Main StoredCompressionBenchmark"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoredCompressionBenchmark {
  private static final int TRIALS = 300;

  @Param({"true", "false"})
  public boolean dictionary;

  private final List<byte[][]> json = new ArrayList<>();
  private final List<byte[][]> stored = new ArrayList<>();
  private ZstdCompressCtx plain;
  private int next;

  @Setup
  public void load() {
    FhirContext ctx = FhirContext.forR4Cached();
    IParser parser = ctx.newJsonParser();
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(ctx));
    CorpusGenerator generator = new CorpusGenerator(1, EnumSet.allOf(CorpusFormat.class));
    plain = new ZstdCompressCtx().setLevel(StoredCompression.LEVEL).setChecksum(true).setContentSize(true);
    long jsonBytes = 0;
    long storedBytes = 0;
    for (long index = 0; index < TRIALS; index++) {
      List<Resource> resources =
          mapper.map(TrialReaders.standard().read(generator.render(generator.trial(index))).record()).resources();
      byte[][] trial = new byte[resources.size()][];
      for (int i = 0; i < trial.length; i++) {
        trial[i] = parser.encodeResourceToString(resources.get(i)).getBytes(StandardCharsets.UTF_8);
        jsonBytes += trial[i].length;
      }
      json.add(trial);
      byte[][] compressed = compress(trial);
      for (byte[] one : compressed) {
        storedBytes += one.length;
      }
      stored.add(compressed);
    }
    System.out.printf("%n%d trials: %d bytes of JSON stored as %d (dictionary=%s)%n", TRIALS, jsonBytes, storedBytes,
        dictionary);
  }

  @TearDown(Level.Trial)
  public void close() {
    plain.close();
  }

  @Benchmark
  public void compressTrial(Blackhole sink) {
    for (byte[] one : compress(json.get(next()))) {
      sink.consume(one);
    }
  }

  @Benchmark
  public void decompressTrial(Blackhole sink) {
    for (byte[] one : stored.get(next())) {
      sink.consume(dictionary ? StoredCompression.decompress(one)
          : Zstd.decompress(one, (int) Zstd.getFrameContentSize(one)));
    }
  }

  private byte[][] compress(byte[][] trial) {
    byte[][] out = new byte[trial.length][];
    for (int i = 0; i < trial.length; i++) {
      out[i] = dictionary ? StoredCompression.compress(trial[i]) : plain.compress(trial[i]);
    }
    return out;
  }

  private int next() {
    next = (next + 1) % TRIALS;
    return next;
  }
}
