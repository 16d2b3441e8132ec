package org.trialfhir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.testing.Cases;

class ConvertCommandTest {

  @Test
  void printsOneCollectionBundleForSeveralRecordsWithSharedPartiesOnce() {
    CommandRun run = CommandRun.of("convert", "--quiet", Cases.input("NCT07066982").toString(),
        Cases.input("NCT07066982-json").toString());
    assertEquals(0, run.status(), run.err());
    Bundle bundle = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, run.out());
    assertEquals(Bundle.BundleType.COLLECTION, bundle.getType());
    long studies = bundle.getEntry().stream().filter(e -> e.getResource().fhirType().equals("ResearchStudy")).count();
    assertEquals(1, studies, "the page and the JSON of one trial give one ResearchStudy, not two");
    assertTrue(run.err().isEmpty(), "--quiet keeps mapping diagnostics off stderr");
  }

  @Test
  void writesXmlOnRequest() {
    CommandRun run = CommandRun.of("convert", "--quiet", "--format", "xml", Cases.input("NCT03754764").toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().strip().startsWith("<Bundle xmlns=\"http://hl7.org/fhir\">"));
  }

  @Test
  void namesAnUnreadableFileAndStillConvertsTheOthers(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("page.html");
    Files.writeString(html, "<!DOCTYPE html><html><body>Weather</body></html>");
    CommandRun run = CommandRun.of("convert", html.toString(), Cases.input("NCT06412458").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains(html + ": an HTML page"), run.err());
    assertFalse(run.err().contains("Exception"), "no stack trace");
    Bundle bundle = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, run.out());
    assertTrue(bundle.getEntry().stream().anyMatch(e -> e.getFullUrl().endsWith("/ResearchStudy/NCT06412458")));
    assertTrue(run.err().contains("NCT06412458/input.txt: info:"), "mapping diagnostics name the file");
  }

  @Test
  void rejectsAnUnknownFormat() {
    CommandRun run = CommandRun.of("convert", "--format", "yaml", Cases.input("NCT06412458").toString());
    assertEquals(2, run.status());
    assertTrue(run.err().contains("yaml"));
  }
}
