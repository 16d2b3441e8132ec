package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trialfhir.testing.Conversions;
import org.trialfhir.validation.ProfileValidator;

/**
 * Every resource converted from every case validates against base R4 and our profiles with zero errors, and
 * raises no warning other than the ones README lists as known (offline terminology).
 */
class ConversionValidationTest {
  /** Offline, HAPI knows neither LOINC nor RxNorm: README "Validation" documents these warnings. */
  private static final List<String> KNOWN_WARNINGS = List.of("CodeSystem is unknown and can't be validated");

  static Stream<Path> inputs() {
    return Conversions.inputs().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void validatesWithZeroErrors(Path input) {
    OperationOutcome outcome = ProfileValidator.shared().validate(Conversions.of(input).bundle());
    List<String> problems = outcome.getIssue().stream()
        .filter(issue -> issue.getSeverity() == IssueSeverity.ERROR || issue.getSeverity() == IssueSeverity.FATAL
            || (issue.getSeverity() == IssueSeverity.WARNING && !known(issue)))
        .map(ConversionValidationTest::describe)
        .toList();
    assertTrue(problems.isEmpty(), () -> input + ":\n" + String.join("\n", problems));
  }

  private static boolean known(OperationOutcomeIssueComponent issue) {
    return KNOWN_WARNINGS.stream().anyMatch(w -> issue.getDiagnostics() != null && issue.getDiagnostics().contains(w));
  }

  private static String describe(OperationOutcomeIssueComponent issue) {
    return issue.getSeverity().toCode() + " " + String.join(",", issue.getExpression().stream()
        .map(Object::toString).toList()) + ": " + issue.getDiagnostics();
  }
}
