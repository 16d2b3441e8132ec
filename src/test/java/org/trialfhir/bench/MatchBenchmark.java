package org.trialfhir.bench;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Patient;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.trialfhir.matching.EligibilityEvaluator;
import org.trialfhir.matching.MatchFilters;
import org.trialfhir.matching.MatchPage;
import org.trialfhir.matching.MatchVocabulary;
import org.trialfhir.matching.PatientData;
import org.trialfhir.matching.StudyCandidate;
import org.trialfhir.matching.StudyEvaluation;
import org.trialfhir.matching.StudyMatch;
import org.trialfhir.matching.TrialMatcher;

/**
 * Patient matching over the synthetic corpus (seed 1, {@code studies} records, mapped as {@code serve --data} does;
 * see {@link MatchCorpus}), one thread: {@code match} is one patient against every study, as {@code $match} does
 * without the HTTP and FHIR encoding around it: every candidate ranked, the first page of {@value #PAGE} studies in
 * detail (sampled, for p50 and p99); {@code evaluateStudy} is one study's
 * evaluation with its eligibility read ahead, as inside {@code match}; {@code readAndEvaluateStudy} reads the study's
 * eligibility text too, as a one-off evaluation does. The per-study benchmarks take the studies in turn from every
 * tenth of the corpus. Run: see README "Patient matching".
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
public class MatchBenchmark {
  /** The day the patients are evaluated on: their labs are from the weeks before. */
  static final LocalDate ON = LocalDate.of(2025, 6, 1);
  private static final long SEED = 1;
  private static final MatchFilters EVERY_STUDY = new MatchFilters(Set.of(), Set.of(), Set.of(), true);
  /** The studies $match answers in detail when the request gives no {@code _count}. */
  static final int PAGE = 20;

  /** The corpus and the matcher over it. */
  @State(Scope.Benchmark)
  public static class Studies {
    @Param("10000")
    public int studies;

    EligibilityEvaluator evaluator;
    TrialMatcher matcher;
    /** Every tenth study, for the per-study benchmarks: alone in a matcher, and as it was mapped. */
    List<TrialMatcher> singles;
    List<MatchCorpus.Trial> sample;

    @Setup(Level.Trial)
    public void build() {
      long start = System.nanoTime();
      List<MatchCorpus.Trial> trials = MatchCorpus.load(SEED, studies);
      long loaded = System.nanoTime();
      long heapBefore = heapAfterGc();
      evaluator = new EligibilityEvaluator(MatchVocabulary.standard());
      matcher = TrialMatcher.of(trials.stream().map(MatchBenchmark::candidate).toList(), evaluator);
      long built = System.nanoTime();
      long heapAfter = heapAfterGc();
      // What the matcher holds beyond the FHIR resources (which a server's store holds anyway).
      System.err.printf("%nheap after GC: %d MB with the studies' resources, %d MB with the matcher too: %d bytes a"
          + " study%n", heapBefore >> 20, heapAfter >> 20, (heapAfter - heapBefore) / trials.size());
      singles = new ArrayList<>();
      sample = new ArrayList<>();
      for (int i = 0; i < trials.size(); i += 10) {
        sample.add(trials.get(i));
        singles.add(TrialMatcher.of(List.of(candidate(trials.get(i))), evaluator));
      }
      System.err.printf("%d studies loaded in %d ms, matcher built in %d ms%n", matcher.size(),
          (loaded - start) / 1_000_000, (built - loaded) / 1_000_000);
    }
  }

  /** The patient: a DLBCL adult and an AML adult with recent labs, or the same adult with no diagnosis at all. */
  @State(Scope.Benchmark)
  public static class Subject {
    @Param({"dlbcl", "aml", "no-condition"})
    public String patient;

    PatientData data;

    @Setup(Level.Trial)
    public void read(Studies studies) throws IOException {
      data = PatientData.from(bundle(patient), MatchVocabulary.standard());
      MatchPage page = studies.matcher.match(data, MatchFilters.NONE, ON, 0, PAGE);
      System.err.printf("patient %s: %d of %d studies returned%n", patient, page.total(), studies.matcher.size());
    }
  }

  /** Which study of the sample a thread evaluates next. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int advance(int size) {
      next = next + 1 == size ? 0 : next + 1;
      return next;
    }
  }

  /**
   * The CPU time of each {@code match} call of the measurement iterations, printed as percentiles at the end: on a
   * machine other processes keep busy, wall-clock samples mostly measure waiting for a core, CPU time does not.
   */
  @State(Scope.Thread)
  public static class CpuClock {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final List<Long> measured = new ArrayList<>();
    private long started;
    private boolean measuring;

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
      measuring = params.getType() == IterationType.MEASUREMENT;
    }

    @Setup(Level.Invocation)
    public void start() {
      started = threads.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Invocation)
    public void stop() {
      if (measuring) {
        measured.add(threads.getCurrentThreadCpuTime() - started);
      }
    }

    @TearDown(Level.Trial)
    public void report() {
      List<Long> sorted = measured.stream().sorted().toList();
      if (!sorted.isEmpty()) {
        System.err.printf("%nCPU time per match, %d calls: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms%n", sorted.size(),
            percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99));
      }
    }

    private static double percentile(List<Long> sorted, double p) {
      return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public MatchPage match(Studies studies, Subject subject, CpuClock clock) {
    return studies.matcher.match(subject.data, MatchFilters.NONE, ON, 0, PAGE);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public List<StudyMatch> evaluateStudy(Studies studies, Subject subject, Cursor cursor) {
    // includeIneligible: the study is evaluated whatever the patient's age, as every candidate is.
    return studies.singles.get(cursor.advance(studies.singles.size())).match(subject.data, EVERY_STUDY, ON);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public StudyEvaluation readAndEvaluateStudy(Studies studies, Subject subject, Cursor cursor) {
    MatchCorpus.Trial trial = studies.sample.get(cursor.advance(studies.sample.size()));
    return studies.evaluator.evaluate(trial.study(), trial.eligibility(), subject.data, ON);
  }

  /** The heap in use after a full collection (two, for what the first only finalised). */
  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static StudyCandidate candidate(MatchCorpus.Trial trial) {
    return new StudyCandidate(trial.study(), trial.eligibility(), trial.countries());
  }

  /**
   * The mCODE AML patient of the tests; for DLBCL the same patient with that diagnosis (as text: no SNOMED CT code
   * for it is verified) and its usual first-line chemotherapy; with no condition, the Patient alone.
   */
  static Bundle bundle(String patient) throws IOException {
    Bundle aml;
    try (InputStream in = MatchBenchmark.class.getResourceAsStream("/patients/mcode-aml-patient.json")) {
      if (in == null) {
        throw new IOException("no test resource /patients/mcode-aml-patient.json");
      }
      aml = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, in);
    }
    switch (patient) {
      case "aml" -> {
        return aml;
      }
      case "dlbcl" -> {
        for (Bundle.BundleEntryComponent entry : aml.getEntry()) {
          if (entry.getResource() instanceof Condition condition) {
            condition.getCode().getCoding().clear();
            condition.getCode().setText("Relapsed diffuse large B-cell lymphoma");
          } else if (entry.getResource() instanceof MedicationStatement medication) {
            medication.getMedicationCodeableConcept().setText(
                "R-CHOP (rituximab, cyclophosphamide, doxorubicin, vincristine, prednisone)");
          }
        }
        return aml;
      }
      case "no-condition" -> {
        aml.getEntry().removeIf(entry -> !(entry.getResource() instanceof Patient));
        return aml;
      }
      default -> throw new IllegalArgumentException("unknown patient " + patient);
    }
  }
}
