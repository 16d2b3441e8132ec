package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.testing.Cases;

class TrialReadersTest {
  private final TrialReaders readers = TrialReaders.standard();

  private String reason(byte[] bytes) {
    return assertThrows(UnreadableRecordException.class, () -> readers.read(bytes)).getMessage();
  }

  @Test
  void detectsTheFormatFromContentNotFileName(@TempDir Path dir) throws Exception {
    Path misnamed = dir.resolve("trial.json");
    Files.copy(Cases.input("NCT06690827"), misnamed);
    assertEquals("ctgov-page", readers.read(misnamed).format());
  }

  @Test
  void rejectsEmptyInput() {
    assertTrue(reason(new byte[0]).contains("empty"));
    assertTrue(reason("  \n\n ".getBytes(StandardCharsets.UTF_8)).contains("empty"));
  }

  @Test
  void rejectsHtmlOfAnotherSite() {
    String html = "<!DOCTYPE html><html><body><h1>Weather</h1></body></html>";
    assertTrue(reason(html.getBytes(StandardCharsets.UTF_8)).contains("HTML page"));
  }

  @Test
  void rejectsBinaryAndNonUtf8() {
    assertTrue(reason(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1}).contains("binary"));
    assertTrue(reason(new byte[] {'a', (byte) 0xC3, (byte) 0x28}).contains("UTF-8"));
  }

  @Test
  void rejectsJsonThatIsNotAStudy() {
    assertTrue(reason("{\"resourceType\": \"Patient\"}".getBytes(StandardCharsets.UTF_8)).contains("not a"));
  }

  @Test
  void namesAMissingFile(@TempDir Path dir) {
    String message = assertThrows(UnreadableRecordException.class, () -> readers.read(dir.resolve("nope.txt")))
        .getMessage();
    assertTrue(message.contains("cannot be read"));
  }
}
