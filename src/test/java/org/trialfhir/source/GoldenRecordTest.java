package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trialfhir.source.TrialRecord.Criterion;
import org.trialfhir.testing.Cases;
import org.trialfhir.testing.JsonTrees;

/**
 * Every case's input read into a TrialRecord equals its golden {@code expected/record.json} field by field,
 * and no criterion text is lost on the way.
 */
class GoldenRecordTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern IGNORED = Pattern.compile("[\\s•*·]");
  private static final Pattern REGION_END = Pattern.compile(
      "^(Minimum Eligible Age|Maximum Eligible Age|Eligible Sex|Accepts Healthy Volunteers|Study & Design)$");
  private static final Pattern CRITERIA_HEADING = Pattern.compile("^(Inclusion|Exclusion) Criteria:?$");

  static Stream<Path> inputs() {
    return Cases.inputs().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void recordMatchesGolden(Path input) throws IOException {
    ParseResult result = TrialReaders.standard().read(input);
    JsonNode actual = JSON.readTree(RecordJson.write(result));
    Path golden = input.resolveSibling("expected/record.json");
    if (Cases.UPDATE) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, RecordJson.write(result) + "\n");
    }
    assertTrue(Files.exists(golden), () -> golden + " is missing; write it with -Dgolden.update=true and read it");
    List<String> differences = JsonTrees.differences(JSON.readTree(golden.toFile()), actual);
    assertTrue(differences.isEmpty(), () -> input + " differs from its golden file:\n" + String.join("\n", differences));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void everyCriterionCharacterSurvives(Path input) throws IOException {
    ParseResult result = TrialReaders.standard().read(input);
    StringBuilder out = new StringBuilder();
    collect(result.record().eligibility().inclusion(), out);
    collect(result.record().eligibility().exclusion(), out);
    String expected = IGNORED.matcher(RegistryText.unescape(criteriaRegion(input))).replaceAll("");
    assertEquals(expected, IGNORED.matcher(out).replaceAll(""));
  }

  /** The criteria lists as the input states them, headings removed. */
  private static String criteriaRegion(Path input) throws IOException {
    String content = Files.readString(input);
    if (input.toString().endsWith(".json")) {
      content = JSON.readTree(content).at("/protocolSection/eligibilityModule/eligibilityCriteria").asText();
      return String.join(" ", content.lines().filter(l -> !CRITERIA_HEADING.matcher(l.strip()).matches()).toList());
    }
    StringBuilder region = new StringBuilder();
    boolean inside = false;
    for (String line : content.lines().toList()) {
      String trimmed = line.strip();
      if (CRITERIA_HEADING.matcher(trimmed).matches()) {
        inside = true;
      } else if (REGION_END.matcher(trimmed).matches()) {
        inside = false;
      } else if (inside) {
        region.append(RegistryText.unescape(line)).append(' ');
      }
    }
    return region.toString();
  }

  private static void collect(List<Criterion> criteria, StringBuilder out) {
    for (Criterion criterion : criteria) {
      if (criterion.label() != null) {
        out.append(criterion.label());
      }
      out.append(criterion.text());
      collect(criterion.children(), out);
    }
  }
}
