package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.junit.jupiter.api.Test;
import org.trialfhir.source.UnreadableRecordException;
import org.trialfhir.store.TrialStore.Action;
import org.trialfhir.store.TrialStore.Applied;
import org.trialfhir.testing.Cases;

/**
 * One record in, every resource of the trial stored in one change or none. The validator is a function: these tests
 * pass one that accepts (only a warning) or one that rejects, so they do not depend on the profiles; the server ITs
 * import with the real validator.
 */
class RecordImporterTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();

  @Test
  void importsEveryResourceOfANewTrialAsVersionOne() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    RecordImporter.Result result = importer(store).importRecord(record("NCT07066982", "NCT09000001"));
    assertEquals("NCT09000001", result.registryId());
    assertEquals("ctgov-page", result.format());
    assertEquals("ResearchStudy", result.applied().get(0).type());
    assertTrue(result.applied().stream().allMatch(a -> a.action() == Action.CREATED && a.versionId() == 1));
    for (Applied applied : result.applied()) {
      assertTrue(store.read(applied.type(), applied.id()).isPresent(), applied.toString());
    }
    assertTrue(result.readerDiagnostics().size() > 0, "the sample states two enrolments and two age limits");
  }

  @Test
  void anUnchangedRecordMakesNoVersionAndAChangedOneVersionTwo() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    RecordImporter importer = importer(store);
    byte[] record = record("NCT07066982", "NCT09000002");
    importer.importRecord(record);
    assertTrue(importer.importRecord(record).applied().stream().allMatch(a -> a.action() == Action.UNCHANGED));

    byte[] changed = new String(record, StandardCharsets.UTF_8).replace("60 participants", "61 participants")
        .getBytes(StandardCharsets.UTF_8);
    Map<String, String> actions = actions(importer.importRecord(changed));
    assertEquals("UPDATED 2", actions.get("ResearchStudy/NCT09000002"));
    assertEquals("UNCHANGED 1", actions.get("PlanDefinition/NCT09000002-protocol"));
  }

  @Test
  void aRejectedTrialStoresNothing() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    RecordImporter importer = new RecordImporter(CTX, store, RecordImporterTest::reject);
    RecordImporter.InvalidRecordException e = assertThrows(RecordImporter.InvalidRecordException.class,
        () -> importer.importRecord(record("NCT07066982", "NCT09000003")));
    assertEquals("not good enough", e.outcome().getIssueFirstRep().getDiagnostics());
    for (String type : List.of("ResearchStudy", "PlanDefinition", "ActivityDefinition", "Group", "Organization")) {
      assertEquals(List.of(), store.all(type), type);
    }
  }

  @Test
  void whatIsNotARecordIsUnreadable() {
    RecordImporter importer = importer(new InMemoryTrialStore());
    UnreadableRecordException e = assertThrows(UnreadableRecordException.class,
        () -> importer.importRecord("Dear diary".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("not a trial record"), e.getMessage());
  }

  @Test
  void resourcesTheTrialNoLongerProducesAreDeletedButSharedPartiesKept() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    RecordImporter importer = importer(store);
    String page = new String(record("NCT07066982", "NCT09000004"), StandardCharsets.UTF_8);
    importer.importRecord(page.getBytes(StandardCharsets.UTF_8));
    StringBuilder withoutFludarabine = new StringBuilder();
    for (String line : page.split("\n", -1)) {
      if (!line.toLowerCase().contains("fludarabine")) {
        withoutFludarabine.append(line).append('\n');
      }
    }
    Map<String, String> actions = actions(importer.importRecord(
        withoutFludarabine.toString().getBytes(StandardCharsets.UTF_8)));
    assertEquals("DELETED 2", actions.get("ActivityDefinition/NCT09000004-fludarabine-phosphate"), actions.toString());
    assertTrue(store.read("ActivityDefinition", "NCT09000004-fludarabine-phosphate").isEmpty());
    assertTrue(store.read("Organization", "org-essen-biotech").isPresent());
  }

  @Test
  void concurrentImportsOfTheSameRecordMakeOneVersionOfEachResource() throws Exception {
    InMemoryTrialStore store = new InMemoryTrialStore();
    RecordImporter importer = importer(store);
    byte[] record = record("NCT06412458", "NCT09000005");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<RecordImporter.Result>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> importer.importRecord(record)));
      }
      int created = 0;
      for (Future<RecordImporter.Result> result : results) {
        created += (int) result.get().applied().stream().filter(a -> a.action() == Action.CREATED).count();
      }
      int resources = results.get(0).get().applied().size();
      assertEquals(resources, created, "each resource created by exactly one import");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, store.history("ResearchStudy", "NCT09000005").size());
    assertEquals(1, store.history("PlanDefinition", "NCT09000005-protocol").size());
  }

  /** A golden case's record under a new NCT id. */
  private static byte[] record(String caseId, String newId) {
    return Cases.read(Cases.input(caseId)).replace(caseId, newId).getBytes(StandardCharsets.UTF_8);
  }

  private static RecordImporter importer(InMemoryTrialStore store) {
    return new RecordImporter(CTX, store, RecordImporterTest::accept);
  }

  private static Map<String, String> actions(RecordImporter.Result result) {
    Map<String, String> actions = new TreeMap<>();
    result.applied().forEach(a -> actions.put(a.type() + "/" + a.id(), a.action() + " " + a.versionId()));
    return actions;
  }

  private static OperationOutcome accept(Bundle bundle) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(IssueSeverity.WARNING).setDiagnostics("a warning never rejects");
    return outcome;
  }

  private static OperationOutcome reject(Bundle bundle) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setDiagnostics("not good enough");
    return outcome;
  }
}
