package org.trialfhir.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringAndListParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import ca.uhn.fhir.rest.server.method.ResponsePage;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.instance.model.api.IBaseResource;
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
import org.openjdk.jmh.annotations.Warmup;
import org.trialfhir.server.search.Query;
import org.trialfhir.server.search.Resolver;
import org.trialfhir.server.search.SearchParams;
import org.trialfhir.server.search.SearchResults;

/**
 * The issue-7 searches on the server's search index over {@code studies} synthetic trials ({@link SyntheticTrials}:
 * a ResearchStudy, its eligibility Group and its sites per trial), one thread, as a request runs them without HTTP
 * and encoding: the search, then one page of stand-ins (what the server sends from its cached encodings; the
 * resources themselves are fetched only for encodings not cached yet). Sampled, for p50 and p99. The set-up prints
 * the time to build the index and the heap it takes. Run:
 *
 * <pre>
 * mvn -q test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   -Dexec.args="-Xmx6g -cp %classpath org.openjdk.jmh.Main SearchBenchmark -f 0 -p studies=500000"
 * </pre>
 *
 * <p>{@code -f 0} builds the index once for all the benchmarks (it takes minutes at 500,000).
 */
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xms6g", "-Xmx6g"})
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SearchBenchmark {

  /** The index over the synthetic trials. */
  @State(Scope.Benchmark)
  public static class Index {
    @Param("500000")
    public int studies;

    SearchParams params;

    /** The index built by the first benchmark of a run without forks ({@code -f 0}), shared by the others. */
    private static SearchParams built;
    private static int builtFor;

    @Setup(Level.Trial)
    public void build() {
      synchronized (Index.class) {
        if (built == null || builtFor != studies) {
          built = buildNow();
          builtFor = studies;
        }
        params = built;
      }
    }

    private SearchParams buildNow() {
      long heapBefore = usedHeap();
      long start = System.nanoTime();
      SearchParams params = new SearchParams(FhirContext.forR4Cached(), new Resolver(new SyntheticTrials(studies)));
      params.index().catchUp();
      long built = System.nanoTime();
      long heap = usedHeap() - heapBefore;
      System.out.printf("%nsearch index over %,d synthetic trials: built in %.1f s, %,d MB of heap, %,d bytes a trial;"
          + " load average %s%n", studies, (built - start) / 1e9, heap >> 20, heap / studies, loadAverage());
      return params;
    }

    private static long usedHeap() {
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      Runtime runtime = Runtime.getRuntime();
      return runtime.totalMemory() - runtime.freeMemory();
    }

    private static String loadAverage() {
      return String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
          .getSystemLoadAverage());
    }
  }

  @Benchmark
  public List<IBaseResource> status(Index index) {
    return firstPage(index.params.query("ResearchStudy").where("status", token("active")), Set.of(), 20, 0);
  }

  @Benchmark
  public List<IBaseResource> conditionText(Index index) {
    TokenAndListParam text = new TokenAndListParam()
        .addAnd(new TokenParam("leukemia").setModifier(TokenParamModifier.TEXT));
    return firstPage(index.params.query("ResearchStudy").where("condition", text), Set.of(), 20, 0);
  }

  @Benchmark
  public List<IBaseResource> phaseStatusCountry(Index index) {
    ReferenceAndListParam china = new ReferenceAndListParam()
        .addAnd(new ReferenceOrListParam().add(new ReferenceParam("address-country", "China")));
    return firstPage(index.params.query("ResearchStudy")
        .where("phase", token("phase-1"))
        .where("status", token("active"))
        .where("site", china), Set.of(), 20, 0);
  }

  @Benchmark
  public List<IBaseResource> statusWithIncludedGroups(Index index) {
    return firstPage(index.params.query("ResearchStudy").where("status", token("active")),
        Set.of(new Include("ResearchStudy:enrollment")), 20, 0);
  }

  /** The search and its tenth page of 50 (HAPI keeps the search: later pages cost only their own page). */
  @Benchmark
  public List<IBaseResource> statusPage10Of50(Index index) {
    return firstPage(index.params.query("ResearchStudy").where("status", token("active")), Set.of(), 50, 9);
  }

  @Benchmark
  public List<IBaseResource> content(Index index) {
    StringAndListParam words = new StringAndListParam().addAnd(new StringParam("lymphoma"));
    return firstPage(index.params.query("ResearchStudy").where("_content", words), Set.of(), 20, 0);
  }

  private static List<IBaseResource> firstPage(Query query, Set<Include> includes, int count, int page) {
    SearchResults results = query.run(null, includes, null);
    return results.getResources(page * count, (page + 1) * count, new ResponsePage.ResponsePageBuilder());
  }

  private static TokenAndListParam token(String code) {
    return new TokenAndListParam().addAnd(new TokenParam(code));
  }
}
