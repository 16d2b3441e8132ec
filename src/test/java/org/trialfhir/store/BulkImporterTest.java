package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.source.UnreadableRecordException;
import org.trialfhir.store.BulkImporter.Outcome;
import org.trialfhir.store.BulkImporter.Result;
import org.trialfhir.store.BulkImporter.Validation;
import org.trialfhir.testing.TrialCopies;

/**
 * {@link BulkImporter}: trials converted on worker threads are committed several per transaction; a transaction that
 * fails is retried trial by trial so only the trial at fault fails, with its file; outcomes come back in file order;
 * a validation sample checks every n-th file, and every file once a sampled one fails.
 */
class BulkImporterTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();

  @Test
  void aTrialTheStoreRefusesFailsAloneAndTheRestOfItsGroupIsStored(@TempDir Path dir) throws IOException {
    List<TrialCopies.Copy> copies = TrialCopies.write(dir, 12, 1);
    Files.writeString(dir.resolve("NCT9000004-notes.txt"), "Minutes of the steering committee.\n");
    List<Path> files = new ArrayList<>();
    copies.forEach(copy -> files.add(copy.file()));
    files.add(4, dir.resolve("NCT9000004-notes.txt"));
    String refused = copies.get(7).id();
    RefusingStore store = new RefusingStore(refused, files.size());

    List<Outcome> heard = Collections.synchronizedList(new ArrayList<>());
    List<Outcome> outcomes = new BulkImporter(CTX, store, Validation.none()).run(files, 2, heard::add);

    assertEquals(files.size(), outcomes.size());
    for (int i = 0; i < files.size(); i++) {
      assertEquals(files.get(i).toString(), outcomes.get(i).source(), "outcomes in the order of the files");
    }
    Outcome notes = outcomes.get(4);
    assertEquals(Result.FAILED, notes.result());
    assertTrue(notes.reason().startsWith("not a trial record"), notes.reason());
    Outcome failed = outcomes.stream().filter(o -> refused.equals(o.trial())).findFirst().orElseThrow();
    assertEquals(Result.FAILED, failed.result());
    assertEquals(copies.get(7).file().toString(), failed.source());
    assertTrue(failed.reason().startsWith("cannot be stored: refused"), failed.reason());
    assertEquals(11, outcomes.stream().filter(o -> o.result() == Result.IMPORTED).count());
    assertEquals(files.size(), heard.size());
    // The refused trial was in a group with others, which then went in without it.
    assertTrue(store.largestRefusedGroup > 1, "the refused trial was never committed with others");
    assertEquals(11, store.all("ResearchStudy").size());
    assertTrue(store.read("ResearchStudy", refused).isEmpty());
    assertTrue(store.read("Group", refused + "-eligibility").isEmpty());
    for (TrialCopies.Copy copy : copies) {
      if (!copy.id().equals(refused)) {
        assertTrue(store.read("Group", copy.id() + "-eligibility").isPresent(), copy.id());
      }
    }
  }

  @Test
  void aSampleValidatesEveryNthFileAndEveryFileAfterASampledOneFails(@TempDir Path dir) {
    List<TrialCopies.Copy> copies = TrialCopies.write(dir, 10, 1);
    String invalid = copies.get(3).id();
    List<String> validated = Collections.synchronizedList(new ArrayList<>());
    Validation sample = new Validation(bundle -> {
      String trial = bundle.getEntryFirstRep().getResource().getIdElement().getIdPart();
      validated.add(trial);
      OperationOutcome outcome = new OperationOutcome();
      if (trial.equals(invalid)) {
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setDiagnostics("made up for the test");
      }
      return outcome;
    }, 3);
    InMemoryTrialStore store = new InMemoryTrialStore();

    // One thread: the files are converted in order, so "after" is well defined.
    List<Outcome> outcomes = new BulkImporter(CTX, store, sample).run(copies.stream().map(TrialCopies.Copy::file)
        .toList(), 1, outcome -> { });

    List<String> expected = new ArrayList<>(List.of(copies.get(0).id()));
    copies.subList(3, 10).forEach(copy -> expected.add(copy.id()));
    assertEquals(expected, validated);
    assertEquals(List.of(true, false, false, true, true, true, true, true, true, true),
        outcomes.stream().map(Outcome::validated).toList());
    assertEquals(Result.FAILED, outcomes.get(3).result());
    assertTrue(outcomes.get(3).reason().contains("1 validation error: made up for the test"), outcomes.get(3).reason());
    assertEquals(9, store.all("ResearchStudy").size());
    assertFalse(store.read("ResearchStudy", invalid).isPresent());
  }

  @Test
  void aFileThatCannotBeReadOrIsTooLargeToReadAheadHasTheOutcomeItHadWithoutReadAhead(@TempDir Path dir)
      throws IOException {
    List<TrialCopies.Copy> copies = TrialCopies.write(dir, 6, 1);
    Path large = copies.get(2).file();
    // Blank lines after the record: still the same trial, but over the read-ahead's limit, so a worker reads it.
    Files.writeString(large, Files.readString(large) + "\n".repeat(ReadAhead.MAX_BYTES + 1));
    List<Path> files = new ArrayList<>(copies.stream().map(TrialCopies.Copy::file).toList());
    Path missing = dir.resolve("NCT9999999.txt");
    Path folder = Files.createDirectory(dir.resolve("NCT9999998.txt"));
    files.add(1, missing);
    files.add(4, folder);

    List<Outcome> outcomes = new BulkImporter(CTX, new InMemoryTrialStore(), Validation.none()).run(files, 2, o -> { });

    assertEquals(files.stream().map(Path::toString).toList(), outcomes.stream().map(Outcome::source).toList());
    assertEquals(Result.FAILED, outcomes.get(1).result());
    assertEquals(readFailure(missing), outcomes.get(1).reason());
    assertEquals(Result.FAILED, outcomes.get(4).result());
    assertEquals(readFailure(folder), outcomes.get(4).reason());
    assertEquals(6, outcomes.stream().filter(o -> o.result() == Result.IMPORTED).count());
    assertEquals(copies.get(2).id(), outcomes.get(files.indexOf(large)).trial());
  }

  /** What reading the file without read-ahead says about it. */
  private static String readFailure(Path file) {
    try {
      TrialReaders.standard().read(file);
      throw new AssertionError(file + " can be read");
    } catch (UnreadableRecordException e) {
      return e.getMessage();
    }
  }

  /**
   * A store that refuses every transaction holding one trial's ResearchStudy, as a database refuses a row, and holds
   * the first commit back until every file is prepared, so that the others are ready to be grouped.
   */
  private static final class RefusingStore extends ForwardingTrialStore {
    private final String refused;
    private final CountDownLatch allPrepared;
    volatile int largestRefusedGroup;

    RefusingStore(String refused, int files) {
      super(new InMemoryTrialStore());
      this.refused = refused;
      // The unreadable file is never prepared.
      this.allPrepared = new CountDownLatch(files - 1);
    }

    @Override
    public PreparedWrite prepare(List<? extends Change> changes) {
      PreparedWrite prepared = store.prepare(changes);
      allPrepared.countDown();
      return prepared;
    }

    @Override
    public List<WriteResult> applyAll(List<? extends PreparedWrite> writes) {
      try {
        allPrepared.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      boolean refuse = writes.stream().flatMap(w -> w.changes().stream())
          .anyMatch(c -> c.type().equals("ResearchStudy") && c.id().equals(refused));
      if (refuse) {
        largestRefusedGroup = Math.max(largestRefusedGroup, writes.size());
        throw new IllegalStateException("refused " + refused);
      }
      return store.applyAll(writes);
    }
  }
}
