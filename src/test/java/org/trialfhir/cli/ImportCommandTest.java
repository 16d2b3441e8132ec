package org.trialfhir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.store.jdbc.JdbcTrialStore;
import org.trialfhir.testing.PostgresTestDatabase;
import org.trialfhir.testing.TrialCopies;

/**
 * {@code import}: files and directories (recursively, hidden files aside) into the H2 store of {@code --data-dir} or
 * the PostgreSQL database of {@code --db}, a summary that tells new, updated, unchanged and failed trials apart, each
 * failed file on stderr with its reason, exit status 1 when any failed.
 */
class ImportCommandTest {

  @Test
  void importsValidatedTrialsAndNamesTheFilesThatFailed(@TempDir Path tmp) throws IOException {
    Path records = Files.createDirectories(tmp.resolve("records"));
    TrialCopies.write(Files.createDirectories(records.resolve("batch-1")), 3, 1);
    Files.writeString(records.resolve("minutes.txt"), "Minutes of the steering committee.\n");
    Files.writeString(records.resolve(".notes.txt"), "hidden files are not records");
    Path single = tmp.resolve("single.txt");
    Files.writeString(single, TrialCopies.sampleText("NCT07066982"));
    Path data = tmp.resolve("data");

    CommandRun run = CommandRun.of("import", "--data-dir", data.toString(), "--threads", "2", records.toString(),
        single.toString(), tmp.resolve("missing.txt").toString());

    assertEquals(1, run.status(), run.err());
    assertTrue(run.out().contains("6 files") && run.out().contains("4 imported, 0 updated, 0 unchanged, 2 failed"),
        run.out());
    assertTrue(run.err().contains("minutes.txt: failed: not a trial record"), run.err());
    assertTrue(run.err().contains("missing.txt: failed: no such file or directory"), run.err());
    assertFalse(run.err().contains(".notes.txt"), run.err());
    // No terminal here, so no progress bar unless asked for.
    assertFalse(run.err().contains("\r["), run.err());
    try (JdbcTrialStore store = JdbcTrialStore.openH2(data)) {
      assertEquals(4, store.all("ResearchStudy").size());
      for (String id : List.of("NCT90000001", "NCT90000002", "NCT90000003", "NCT07066982")) {
        assertEquals("1", store.read("ResearchStudy", id).orElseThrow().getMeta().getVersionId());
        assertTrue(store.read("Group", id + "-eligibility").isPresent(), id);
      }
    }
  }

  @Test
  void aReImportIsUnchangedAndAnEditedRecordIsUpdated(@TempDir Path tmp) throws IOException {
    Path records = Files.createDirectories(tmp.resolve("records"));
    List<TrialCopies.Copy> copies = TrialCopies.write(records, 4, 100);
    String data = tmp.resolve("data").toString();
    assertEquals(0, CommandRun.of("import", "--data-dir", data, "--no-validate", records.toString()).status());

    Path edited = copies.get(2).file();
    String text = Files.readString(edited);
    String firstLine = text.lines().filter(l -> !l.isBlank()).findFirst().orElseThrow();
    Files.writeString(edited, text.replace(firstLine, firstLine + " (amended)"));

    CommandRun again = CommandRun.of("import", "--data-dir", data, "--no-validate", "--progress", "--verbose",
        records.toString());

    assertEquals(0, again.status(), again.err());
    assertTrue(again.out().contains("0 imported, 1 updated, 3 unchanged, 0 failed"), again.out());
    assertTrue(again.out().contains("updated " + copies.get(2).id() + " " + edited), again.out());
    assertTrue(again.out().contains("unchanged " + copies.get(0).id()), again.out());
    assertTrue(again.err().contains("] 4/4 100%"), again.err());
    try (JdbcTrialStore store = JdbcTrialStore.openH2(Path.of(data))) {
      ResearchStudy study = (ResearchStudy) store.read("ResearchStudy", copies.get(2).id()).orElseThrow();
      assertEquals("2", study.getMeta().getVersionId());
      assertEquals("1", store.read("ResearchStudy", copies.get(0).id()).orElseThrow().getMeta().getVersionId());
    }
  }

  @Test
  void everyFileOfAFolderOfShardsIsReportedOnce(@TempDir Path tmp) throws IOException {
    Path records = Files.createDirectories(tmp.resolve("records"));
    List<TrialCopies.Copy> copies = new ArrayList<>();
    // Shard names that sort one way folder by folder and another as whole paths ('-' and '.' before '/').
    copies.addAll(TrialCopies.write(Files.createDirectories(records.resolve("0000")), 3, 400));
    copies.addAll(TrialCopies.write(Files.createDirectories(records.resolve("0000-b")), 2, 410));
    copies.addAll(TrialCopies.write(Files.createDirectories(records.resolve("0000.c/deeper")), 2, 420));
    copies.addAll(TrialCopies.write(Files.createDirectories(records.resolve("0001")), 3, 430));
    TrialCopies.write(Files.createDirectories(records.resolve(".trash")), 2, 440);
    String data = tmp.resolve("data").toString();

    CommandRun run = CommandRun.of("import", "--data-dir", data, "--no-validate", "--verbose", "--progress",
        records.toString());

    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("10 files") && run.out().contains("10 imported, 0 updated"), run.out());
    assertTrue(run.err().contains("] 10/10 100%"), run.err());
    for (TrialCopies.Copy copy : copies) {
      String line = "imported " + copy.id() + " " + copy.file();
      assertEquals(1, run.out().lines().filter(line::equals).count(), line + " once in\n" + run.out());
    }
  }

  @Test
  void aLinkToAFolderImportsTheFolder(@TempDir Path tmp) throws IOException {
    Path records = Files.createDirectories(tmp.resolve("records"));
    TrialCopies.write(records, 3, 450);
    Path link = Files.createSymbolicLink(tmp.resolve("latest"), records);

    CommandRun run = CommandRun.of("import", "--data-dir", tmp.resolve("data").toString(), "--no-validate",
        link.toString());

    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("3 files") && run.out().contains("3 imported, 0 updated"), run.out());
  }

  @Test
  void aFolderThatCannotBeListedEndsTheImportWithOneLine(@TempDir Path tmp) throws IOException {
    Path records = Files.createDirectories(tmp.resolve("records"));
    TrialCopies.write(Files.createDirectories(records.resolve("0000")), 2, 450);
    String data = tmp.resolve("data").toString();
    Path locked = Files.createDirectories(records.resolve("0001"));
    Files.setPosixFilePermissions(locked, Set.of());
    try {
      assumeFalse(Files.isReadable(locked), "a folder mode 000 is readable to root: nothing to test as root");
      CommandRun refused = CommandRun.of("import", "--data-dir", data, "--no-validate", records.toString());
      assertEquals(1, refused.status());
      assertEquals("trialfhir import: cannot list " + records + ": " + locked, refused.err().strip());
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void aValidationSampleValidatesEveryNthFile(@TempDir Path tmp) throws IOException {
    Path records = Files.createDirectories(tmp.resolve("records"));
    TrialCopies.write(records, 5, 300);
    String data = tmp.resolve("data").toString();

    CommandRun run = CommandRun.of("import", "--data-dir", data, "--validate-sample", "2", records.toString());

    assertEquals(0, run.status(), run.err());
    // Files 1, 3 and 5 in name order.
    assertTrue(run.out().contains("5 imported, 0 updated, 0 unchanged, 0 failed; 3 validated"), run.out());

    CommandRun both = CommandRun.of("import", "--data-dir", data, "--no-validate", "--validate-sample", "2",
        records.toString());
    assertEquals(2, both.status());
    assertTrue(both.err().contains("--no-validate and --validate-sample"), both.err());
    CommandRun zero = CommandRun.of("import", "--data-dir", data, "--validate-sample", "0", records.toString());
    assertEquals(2, zero.status());
    assertTrue(zero.err().contains("--validate-sample takes a number of files from 1 up"), zero.err());
  }

  @Test
  void refusesTwoStoresAndNamesAStoreItCannotOpen(@TempDir Path tmp) throws IOException {
    Path record = tmp.resolve("r.txt");
    Files.writeString(record, TrialCopies.sampleText("NCT07066982"));

    CommandRun both = CommandRun.of("import", "--data-dir", tmp.toString(), "--db", "jdbc:postgresql://localhost/x",
        record.toString());
    assertEquals(2, both.status());
    assertTrue(both.err().contains("--data-dir and --db name two stores"), both.err());

    // Port 1 on loopback: nothing listens there.
    CommandRun unreachable = CommandRun.of("import", "--db", "jdbc:postgresql://127.0.0.1:1/trialfhir",
        record.toString());
    assertEquals(1, unreachable.status());
    assertTrue(unreachable.err().contains("cannot open the PostgreSQL store at jdbc:postgresql://127.0.0.1:1/trialfhir"),
        unreachable.err());

    CommandRun other = CommandRun.of("import", "--db", "jdbc:mysql://localhost/x", record.toString());
    assertEquals(1, other.status());
    assertTrue(other.err().contains("not a PostgreSQL or H2 JDBC URL"), other.err());
  }

  @Test
  @EnabledIfEnvironmentVariable(named = PostgresTestDatabase.URL_ENV, matches = "jdbc:postgresql:.+",
      disabledReason = PostgresTestDatabase.SKIPPED)
  void importsIntoPostgres(@TempDir Path tmp) throws IOException, SQLException {
    Path records = Files.createDirectories(tmp.resolve("records"));
    TrialCopies.write(records, 3, 200);
    try (PostgresTestDatabase database = PostgresTestDatabase.freshSchema()) {
      // User and password as URL parameters, as a user might give them.
      CommandRun run = CommandRun.of("import", "--db", database.urlWithCredentials(), "--no-validate",
          records.toString());
      assertEquals(0, run.status(), run.err());
      assertTrue(run.out().contains("into the PostgreSQL store at jdbc:postgresql:"), run.out());
      assertFalse(run.out().contains(PostgresTestDatabase.password()), "the password is never printed");
      assertTrue(run.out().contains("3 imported"), run.out());
      try (JdbcTrialStore store =
          JdbcTrialStore.open(database.url(), PostgresTestDatabase.user(), PostgresTestDatabase.password())) {
        assertEquals(3, store.all("ResearchStudy").size());
      }
    }
  }
}
