package org.trialfhir.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.stream.LongStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.testing.Conversions;
import org.trialfhir.validation.ProfileValidator;

/**
 * Generated records convert to FHIR resources that validate against base R4 and our profiles with zero errors and
 * no warning beyond the known offline-terminology ones (README "Validation"). Validation is slow: nine records,
 * three of each format.
 */
class CorpusConversionTest {
  private static final CorpusGenerator GENERATOR = new CorpusGenerator(2024, EnumSet.allOf(CorpusFormat.class));
  private static final TrialBundleMapper MAPPER = new TrialBundleMapper(ConceptMaps.load(Conversions.FHIR));
  private static final String KNOWN_WARNING = "CodeSystem is unknown and can't be validated";

  static LongStream indices() {
    return LongStream.of(0, 1, 2, 3, 4, 5, 100_000, 100_001, 499_999);
  }

  @ParameterizedTest(name = "record {0}")
  @MethodSource("indices")
  void convertsAndValidatesWithZeroErrors(long index) {
    SyntheticTrial trial = GENERATOR.trial(index);
    TrialBundleMapper.TrialResources resources =
        MAPPER.map(TrialReaders.standard().read(GENERATOR.render(trial)).record());
    Bundle bundle = TrialBundleMapper.collection(resources.resources());
    assertEquals("ResearchStudy", bundle.getEntryFirstRep().getResource().fhirType());
    assertEquals(trial.record().registryId(), bundle.getEntryFirstRep().getResource().getIdElement().getIdPart());

    OperationOutcome outcome = ProfileValidator.shared().validate(bundle);
    List<String> problems = outcome.getIssue().stream()
        .filter(issue -> issue.getSeverity() == IssueSeverity.ERROR || issue.getSeverity() == IssueSeverity.FATAL
            || (issue.getSeverity() == IssueSeverity.WARNING
                && (issue.getDiagnostics() == null || !issue.getDiagnostics().contains(KNOWN_WARNING))))
        .map(issue -> issue.getSeverity().toCode() + " " + issue.getExpression() + ": " + issue.getDiagnostics())
        .toList();
    assertTrue(problems.isEmpty(), () -> "record " + index + " (" + trial.format().id() + "):\n"
        + String.join("\n", problems));
  }
}
