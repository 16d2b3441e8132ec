package org.trialfhir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

  private static final String VALID_STUDY =
      """
      {
        "resourceType": "ResearchStudy",
        "id": "NCT07066982",
        "extension": [ {
          "url": "http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.recruitment.targetNumber",
          "valueUnsignedInt": 60
        } ],
        "identifier": [ { "system": "https://clinicaltrials.gov", "value": "NCT07066982" } ],
        "status": "active"
      }
      """;

  private static final String VALID_STUDY_XML =
      """
      <ResearchStudy xmlns="http://hl7.org/fhir">
        <id value="NCT07066982"/>
        <status value="active"/>
      </ResearchStudy>
      """;

  /** The registry's word where the R4 code belongs: not in the required ResearchStudy status value set. */
  private static final String INVALID_STUDY =
      "{\"resourceType\": \"ResearchStudy\", \"id\": \"NCT07066982\", \"status\": \"RECRUITING\"}";

  private static Path write(Path dir, String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  private static boolean hasSeverity(JsonNode outcome, String severity) {
    for (JsonNode issue : outcome.get("issue")) {
      if (severity.equals(issue.get("severity").asText())) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aValidFileExitsZeroAndPrintsItsOperationOutcome(@TempDir Path dir) throws Exception {
    CommandRun run = CommandRun.of("validate", write(dir, "study.json", VALID_STUDY).toString());
    assertEquals(0, run.status(), run.out() + run.err());
    JsonNode outcome = new ObjectMapper().readTree(run.out());
    assertEquals("OperationOutcome", outcome.get("resourceType").asText());
    assertFalse(hasSeverity(outcome, "error"), run.out());
    assertFalse(hasSeverity(outcome, "warning"), run.out());
  }

  @Test
  void aValidXmlFileIsRecognisedByItsContent(@TempDir Path dir) throws Exception {
    CommandRun run = CommandRun.of("validate", write(dir, "study.txt", VALID_STUDY_XML).toString());
    assertEquals(0, run.status(), run.out() + run.err());
  }

  @Test
  void anInvalidFileExitsOneWithTheErrorInTheOutcome(@TempDir Path dir) throws Exception {
    Path file = write(dir, "invalid.json", INVALID_STUDY);
    CommandRun run = CommandRun.of("validate", file.toString());
    assertEquals(1, run.status(), run.out());
    JsonNode outcome = new ObjectMapper().readTree(run.out());
    assertTrue(hasSeverity(outcome, "error"), run.out());
    assertTrue(run.out().contains("RECRUITING"), run.out());
    assertTrue(run.err().contains(file + ": ") && run.err().contains(" error"), run.err());
  }

  @Test
  void aGarbageFileExitsOneNamingTheFileWithoutAStackTrace(@TempDir Path dir) throws Exception {
    Path garbage = write(dir, "garbage.json", "this is not FHIR");
    CommandRun run = CommandRun.of("validate", garbage.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains(garbage + ": neither FHIR JSON nor FHIR XML"), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
    assertFalse(run.err().contains("\tat "), run.err());
    assertTrue(hasSeverity(new ObjectMapper().readTree(run.out()), "fatal"), run.out());
  }

  @Test
  void jsonThatIsNotAResourceIsRejectedByName(@TempDir Path dir) throws Exception {
    Path notFhir = write(dir, "study.json", "{\"protocolSection\": {}}");
    CommandRun run = CommandRun.of("validate", notFhir.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains(notFhir + ": not a FHIR resource"), run.err());
    assertFalse(run.err().contains("\tat "), run.err());
  }

  @Test
  void severalFilesGiveACollectionWithOneOutcomePerFile(@TempDir Path dir) throws Exception {
    Path valid = write(dir, "valid.json", VALID_STUDY);
    Path missing = dir.resolve("missing.json");
    CommandRun run = CommandRun.of("validate", valid.toString(), missing.toString());
    assertEquals(1, run.status(), run.out());
    assertTrue(run.err().contains(missing.toString()), run.err());
    JsonNode bundle = new ObjectMapper().readTree(run.out());
    assertEquals("Bundle", bundle.get("resourceType").asText());
    assertEquals("collection", bundle.get("type").asText());
    assertEquals(2, bundle.get("entry").size());
    assertEquals(valid.toUri().toString(), bundle.at("/entry/0/fullUrl").asText());
    assertFalse(hasSeverity(bundle.at("/entry/0/resource"), "error"), run.out());
    assertTrue(hasSeverity(bundle.at("/entry/1/resource"), "fatal"), run.out());
  }
}
