package org.trialfhir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.testing.Cases;

class ConvertCommandTest {

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int status = Main.run(args);
      return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void printsOneCollectionBundleForSeveralRecordsWithSharedPartiesOnce() {
    Run run = run("convert", "--quiet", Cases.input("NCT07066982").toString(),
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
    Run run = run("convert", "--quiet", "--format", "xml", Cases.input("NCT03754764").toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().strip().startsWith("<Bundle xmlns=\"http://hl7.org/fhir\">"));
  }

  @Test
  void namesAnUnreadableFileAndStillConvertsTheOthers(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("page.html");
    Files.writeString(html, "<!DOCTYPE html><html><body>Weather</body></html>");
    Run run = run("convert", html.toString(), Cases.input("NCT06412458").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains(html + ": an HTML page"), run.err());
    assertFalse(run.err().contains("Exception"), "no stack trace");
    Bundle bundle = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, run.out());
    assertTrue(bundle.getEntry().stream().anyMatch(e -> e.getFullUrl().endsWith("/ResearchStudy/NCT06412458")));
    assertTrue(run.err().contains("NCT06412458/input.txt: info:"), "mapping diagnostics name the file");
  }

  @Test
  void rejectsAnUnknownFormat() {
    Run run = run("convert", "--format", "yaml", Cases.input("NCT06412458").toString());
    assertEquals(2, run.status());
    assertTrue(run.err().contains("yaml"));
  }
}
