package org.trialfhir.testing;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.Bundle;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.ParseResult;
import org.trialfhir.source.TrialReaders;

/** Converts each case once per test run: the mapping tests share the results instead of redoing them. */
public final class Conversions {
  public static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final TrialBundleMapper MAPPER = new TrialBundleMapper(ConceptMaps.load(FHIR));
  private static final Map<Path, Converted> CACHE = new ConcurrentHashMap<>();

  /** A case's record and the resources made from it. */
  public record Converted(ParseResult parsed, TrialBundleMapper.TrialResources trial, Bundle bundle) {}

  private Conversions() {}

  public static Converted of(Path input) {
    return CACHE.computeIfAbsent(input, file -> {
      ParseResult parsed = TrialReaders.standard().read(file);
      TrialBundleMapper.TrialResources trial = MAPPER.map(parsed.record());
      return new Converted(parsed, trial, TrialBundleMapper.collection(trial.resources()));
    });
  }

  public static List<Path> inputs() {
    return Cases.inputs();
  }
}
