package org.trialfhir.bench;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
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
import org.trialfhir.validation.ProfileValidator;

/** Validation time per resource (base R4 + our profiles), chain warm, one thread. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ValidateBenchmark {

  /** Which resource of NCT06412458's conversion to validate. */
  @Param({"ResearchStudy", "PlanDefinition", "Group"})
  public String type;

  private Resource resource;
  private ProfileValidator validator;

  @Setup
  public void load() throws IOException {
    String content;
    try (InputStream in = ValidateBenchmark.class.getResourceAsStream("/cases/NCT06412458/input.txt")) {
      content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(FhirContext.forR4Cached()));
    resource = mapper.map(TrialReaders.standard().read(content).record()).resources().stream()
        .filter(r -> r.fhirType().equals(type)).findFirst().orElseThrow();
    validator = ProfileValidator.shared();
    validator.warmUp();
  }

  @Benchmark
  public OperationOutcome validate() {
    return validator.validate(resource);
  }
}
