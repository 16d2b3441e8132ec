package org.trialfhir.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.ParseResult;
import org.trialfhir.source.TrialReaders;

class GenerateCommandTest {

  @Test
  void writesAShardedCorpusTheReadersRead(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("corpus");
    CommandRun run = CommandRun.of("generate", "--count", "12", "--seed", "5", "--out", out.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith("wrote 12 records (4 ctgov-page, 4 medpath-page, 4 ctgov-json;"), run.out());
    List<Path> files = files(out);
    assertEquals(12, files.size());
    assertTrue(files.stream().allMatch(f -> f.getParent().getFileName().toString().equals("0000")));
    TrialReaders readers = TrialReaders.standard();
    for (Path file : files) {
      ParseResult parsed = readers.read(file);
      assertEquals(file.getFileName().toString().replaceAll("\\..*", ""), parsed.record().registryId());
      assertTrue(parsed.diagnostics().stream().noneMatch(d -> d.severity() == Diagnostic.Severity.WARNING),
          file + ": " + parsed.diagnostics());
    }
  }

  @Test
  void sameArgumentsWriteTheSameBytes(@TempDir Path dir) throws IOException {
    for (String name : List.of("a", "b")) {
      String threads = name.equals("a") ? "1" : "2";
      assertEquals(0, CommandRun.of("generate", "--count", "9", "--seed", "77", "--threads", threads,
          "--formats", "ctgov-json,medpath-page", "--out", dir.resolve(name).toString()).status());
    }
    List<Path> a = files(dir.resolve("a"));
    assertEquals(9, a.size());
    // Formats take turns in their canonical order, whatever the order given: medpath-page first, then ctgov-json.
    assertEquals(4, a.stream().filter(f -> f.toString().endsWith(".json")).count());
    for (Path file : a) {
      Path twin = dir.resolve("b").resolve(dir.resolve("a").relativize(file));
      assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(twin), file.toString());
    }
  }

  @Test
  void rejectsACountOutOfRange(@TempDir Path dir) {
    CommandRun run = CommandRun.of("generate", "--count", "0", "--out", dir.resolve("c").toString());
    assertEquals(2, run.status());
    assertTrue(run.err().contains("--count must be between 1 and 10000000, not 0"), run.err());
    assertFalse(Files.exists(dir.resolve("c")), "nothing written");
    assertEquals(2, CommandRun.of("generate", "--count", "many", "--out", dir.toString()).status());
  }

  @Test
  void rejectsAnUnknownFormatNamingTheKnownOnes(@TempDir Path dir) {
    CommandRun run = CommandRun.of("generate", "--count", "3", "--formats", "ctgov-page,xml", "--out", dir.toString());
    assertEquals(2, run.status());
    assertTrue(run.err().contains("unknown format \"xml\"; known formats: ctgov-page, medpath-page, ctgov-json"),
        run.err());
  }

  @Test
  void refusesAFolderThatIsNotEmpty(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("old.txt"), "an earlier corpus");
    CommandRun run = CommandRun.of("generate", "--count", "3", "--out", dir.toString());
    assertEquals(2, run.status());
    assertTrue(run.err().contains("is not empty"), run.err());
    assertEquals(1, files(dir).size());
  }

  @Test
  void requiresCountAndOut() {
    CommandRun run = CommandRun.of("generate", "--count", "3");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("Missing required option: '--out=DIR'"), run.err());
    assertFalse(run.err().contains("Exception"), "no stack trace");
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
