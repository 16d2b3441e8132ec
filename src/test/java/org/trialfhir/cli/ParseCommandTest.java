package org.trialfhir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.testing.Cases;

class ParseCommandTest {

  @Test
  void printsRecordsAndDiagnosticsAsJson() throws Exception {
    CommandRun run = CommandRun.of("parse", Cases.input("NCT07066982").toString());
    assertEquals(0, run.status(), run.err());
    JsonNode results = new ObjectMapper().readTree(run.out());
    assertEquals(1, results.size());
    assertEquals("ctgov-page", results.get(0).get("format").asText());
    assertEquals("NCT07066982", results.get(0).at("/record/registryId").asText());
    assertTrue(results.get(0).get("diagnostics").size() > 0);
  }

  @Test
  void reportsABadFileByNameAndStillReadsTheOthers(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("empty.txt");
    Files.writeString(bad, "");
    CommandRun run = CommandRun.of("parse", bad.toString(), Cases.input("NCT06412458").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains(bad.toString() + ": empty"), run.err());
    assertEquals("NCT06412458", new ObjectMapper().readTree(run.out()).get(0).at("/record/registryId").asText());
    assertTrue(!run.err().contains("Exception"), "no stack trace for bad input");
  }

  @Test
  void rejectsAMissingArgumentWithUsage() {
    CommandRun run = CommandRun.of("parse");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("Missing required parameter"));
  }
}
