package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.corpus.CorpusFormat;
import org.trialfhir.corpus.CorpusGenerator;
import org.trialfhir.store.BulkImporter.Outcome;
import org.trialfhir.store.BulkImporter.Result;
import org.trialfhir.store.BulkImporter.Validation;
import org.trialfhir.store.jdbc.JdbcTrialStore;

/**
 * The H2 file an import leaves behind stays near the size of its live data: 200 synthetic trials imported as
 * {@code import} does (several per transaction, each commit written at once), then the store closed.
 */
class H2StoreSizeTest {
  private static final int TRIALS = 200;
  /**
   * Measured with these 200 records through {@code import}: 14.2 KB per trial (the stored gzip JSON is 9.8 KB of it),
   * where the file took 52-68 KB per trial before the store compacted itself. The store rewrites the file at close
   * when less than two thirds of it is live, so up to 1.5 times the live size is fine; the growth this guards against
   * is not.
   */
  private static final long MAX_BYTES_PER_TRIAL = 30 * 1024;

  @Test
  void anImportLeavesAFileNearItsLiveSizeWithEveryTrialWhole(@TempDir Path dir) throws IOException {
    CorpusGenerator corpus = new CorpusGenerator(1, EnumSet.allOf(CorpusFormat.class));
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < TRIALS; i++) {
      Path file = dir.resolve("corpus").resolve(corpus.path(i));
      Files.createDirectories(file.getParent());
      Files.write(file, corpus.bytes(i));
      files.add(file);
    }
    Path data = dir.resolve("data");
    try (JdbcTrialStore store = JdbcTrialStore.openH2(data)) {
      List<Outcome> outcomes = new BulkImporter(FhirContext.forR4Cached(), store, Validation.none())
          .run(files, 2, outcome -> {});
      assertEquals(TRIALS, outcomes.stream().filter(o -> o.result() == Result.IMPORTED).count(), outcomes.toString());
    }

    long bytes = Files.size(data.resolve("trialfhir.mv.db"));
    assertTrue(bytes / TRIALS < MAX_BYTES_PER_TRIAL,
        "the H2 file takes " + bytes / TRIALS + " bytes per trial, over " + MAX_BYTES_PER_TRIAL);

    try (JdbcTrialStore store = JdbcTrialStore.openH2(data)) {
      assertEquals(TRIALS, store.all("ResearchStudy").size(), "every trial still there after the compaction");
      String id = store.all("ResearchStudy").get(0).getIdElement().getIdPart();
      assertEquals(1, store.history("ResearchStudy", id).size());
      assertTrue(store.read("ResearchStudy", id).isPresent());
    }
  }
}
