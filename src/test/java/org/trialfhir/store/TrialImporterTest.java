package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.validation.ValidationSupportFactory;

class TrialImporterTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();

  @Test
  void storesEveryConformanceResourceAsAuthored() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    int count = new TrialImporter(CTX, store).conformance();
    assertEquals(ValidationSupportFactory.classpathSources().size(), count);
    SearchParameter age = (SearchParameter) store.read("SearchParameter", "eligible-age").orElseThrow();
    assertEquals("https://trialfhir.org/fhir/SearchParameter/eligible-age", age.getUrl());
    assertTrue(store.read("ConceptMap", "ctgov-overall-status").isPresent());
  }

  @Test
  void storesTheBundledSamplesWithSharedPartiesOnce() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    TrialImporter.Report report = new TrialImporter(CTX, store).samples();
    assertEquals(List.of("NCT03754764", "NCT06412458", "NCT06690827", "NCT07052565", "NCT07066982"), report.trials());
    assertEquals(List.of(), report.failures());
    assertEquals(5, store.all("ResearchStudy").size());
    assertEquals(5, store.all("PlanDefinition").size());
    assertEquals(5, store.all("Group").size());
    // A re-import changes nothing and so adds no version.
    new TrialImporter(CTX, store).samples();
    assertEquals("1", store.read("ResearchStudy", "NCT07066982").orElseThrow().getMeta().getVersionId());
  }

  @Test
  void aDirectoryKeepsGoodFilesAndNamesTheBadOnes(@TempDir Path dir) throws IOException {
    copySample("NCT07066982.txt", dir.resolve("sarcoma.txt"));
    copySample("NCT06690827.txt", dir.resolve("car-nk.txt"));
    Files.writeString(dir.resolve("notes.txt"), "Shopping list: milk, eggs.\n");
    Files.writeString(dir.resolve("empty.json"), "");
    Files.writeString(dir.resolve(".DS_Store"), "hidden files are not records");

    InMemoryTrialStore store = new InMemoryTrialStore();
    // A validator that finds an error in the CAR-NK trial only, so the test does not depend on the profiles.
    TrialImporter.Report report = new TrialImporter(CTX, store).directory(dir, TrialImporterTest::rejectCarNk);

    assertEquals(List.of("NCT07066982"), report.trials());
    assertTrue(store.read("ResearchStudy", "NCT07066982").isPresent());
    assertTrue(store.read("ResearchStudy", "NCT06690827").isEmpty(), "a trial with validation errors is left out");
    assertTrue(store.read("Group", "NCT06690827-eligibility").isEmpty(), "with all of its resources");
    assertEquals(3, report.failures().size(), report.failures().toString());
    assertFailure(report, "car-nk.txt", "1 validation error: ResearchStudy.status: not good enough");
    assertFailure(report, "notes.txt", "");
    assertFailure(report, "empty.json", "empty");
  }

  @Test
  void aDirectoryIsReadWithItsSubFoldersAsImportReadsIt(@TempDir Path dir) throws IOException {
    // generate writes a corpus as shard folders 0000/, 0001/, ...; serve --data must see the same files as import.
    Files.createDirectories(dir.resolve("0000"));
    Files.createDirectories(dir.resolve("0001/deeper"));
    Files.createDirectories(dir.resolve(".snapshot"));
    copySample("NCT07066982.txt", dir.resolve("0000/NCT07066982.txt"));
    copySample("NCT06690827.txt", dir.resolve("0001/deeper/NCT06690827.txt"));
    copySample("NCT06412458.txt", dir.resolve(".snapshot/NCT06412458.txt"));
    copySample("NCT07052565.txt", dir.resolve("0000/.NCT07052565.txt"));

    InMemoryTrialStore store = new InMemoryTrialStore();
    TrialImporter.Report report = new TrialImporter(CTX, store).directory(dir, bundle -> new OperationOutcome());

    assertEquals(List.of(), report.failures());
    assertEquals(List.of("NCT07066982", "NCT06690827"), report.trials());
    assertTrue(store.read("ResearchStudy", "NCT06412458").isEmpty(), "a file in a hidden folder is not read");
    assertTrue(store.read("ResearchStudy", "NCT07052565").isEmpty(), "a hidden file is not read");
    assertEquals(RecordFiles.under(dir), List.of(dir.resolve("0000/NCT07066982.txt"),
        dir.resolve("0001/deeper/NCT06690827.txt")));
  }

  private static OperationOutcome rejectCarNk(Bundle bundle) {
    OperationOutcome outcome = new OperationOutcome();
    boolean carNk = bundle.getEntry().stream()
        .anyMatch(e -> e.getResource().getIdElement().getIdPart().equals("NCT06690827"));
    if (carNk) {
      outcome.addIssue().setSeverity(IssueSeverity.ERROR).setDiagnostics("not good enough").addExpression("ResearchStudy.status");
    }
    outcome.addIssue().setSeverity(IssueSeverity.WARNING).setDiagnostics("a warning never rejects");
    return outcome;
  }

  private static void assertFailure(TrialImporter.Report report, String file, String reason) {
    assertTrue(report.failures().stream()
            .anyMatch(f -> f.source().endsWith(file) && f.reason().contains(reason) && !f.reason().isBlank()),
        file + " with '" + reason + "' in " + report.failures());
  }

  private static void copySample(String name, Path to) throws IOException {
    try (InputStream in = TrialImporterTest.class.getClassLoader().getResourceAsStream("samples/" + name)) {
      Files.writeString(to, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
