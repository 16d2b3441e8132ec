package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.cli.Main;
import org.trialfhir.store.TrialStore;
import org.trialfhir.store.jdbc.JdbcTrialStore;
import org.trialfhir.testing.PostgresTestDatabase;

/**
 * {@code serve} as the command line runs it: {@code --port 0}, the base URL printed on stdout when ready, with
 * {@code --data} a file that is not a trial record named on stderr and skipped while the server still starts, and
 * {@code --write-token} allowing writes to requests that bear the token. The store is always in a temporary
 * {@code --data-dir} (or a test PostgreSQL schema), never in the working directory.
 */
class ServeCommandIT {
  private static final Pattern BASE_URL = Pattern.compile("http://localhost:(\\d+)/fhir");

  @Test
  void servesTheSamplesAndPrintsTheBaseUrl(@TempDir Path data) throws Exception {
    Served served = serve("serve", "--port", "0", "--data-dir", data.toString());
    try {
      assertEquals(200, get(served.base + "/ResearchStudy/NCT07066982").statusCode());
      assertTrue(served.err().contains("Serving 5 trials"), served.err());
      assertTrue(served.err().contains("the 5 sample trials stored in the new store"), served.err());
    } finally {
      served.stop();
    }
  }

  @Test
  void aRestartServesWhatTheStoreKeptWithoutReloadingTheSamples(@TempDir Path data) throws Exception {
    String dataDir = data.resolve("store").toString();
    Served first = serve("serve", "--port", "0", "--data-dir", dataDir);
    String lastUpdated;
    try {
      lastUpdated = TestServer.CTX.newJsonParser().parseResource(ResearchStudy.class,
          get(first.base + "/ResearchStudy/NCT07066982").body()).getMeta().getLastUpdatedElement().getValueAsString();
    } finally {
      first.stop();
    }
    try (JdbcTrialStore store = JdbcTrialStore.openH2(Path.of(dataDir))) {
      // Gone from the store between the two starts: a restart must not bring the sample back.
      store.apply(List.of(new TrialStore.Delete("ResearchStudy", "NCT06412458", null)));
    }

    Served second = serve("serve", "--port", "0", "--data-dir", dataDir);
    try {
      assertTrue(second.err().contains("Serving 4 trials"), second.err());
      assertFalse(second.err().contains("sample trials stored"), second.err());
      HttpResponse<String> kept = get(second.base + "/ResearchStudy/NCT07066982");
      assertEquals(200, kept.statusCode());
      ResearchStudy study = TestServer.CTX.newJsonParser().parseResource(ResearchStudy.class, kept.body());
      assertEquals("1", study.getMeta().getVersionId());
      assertEquals(lastUpdated, study.getMeta().getLastUpdatedElement().getValueAsString());
      // Deleted, not forgotten: the store remembers it, so the read is 410 Gone.
      assertEquals(410, get(second.base + "/ResearchStudy/NCT06412458").statusCode());
      // Conformance resources are stored again at every start, unchanged, so no new version.
      assertEquals(200, get(second.base + "/StructureDefinition/cell-therapy-research-study/_history/1").statusCode());
      assertEquals(404, get(second.base + "/StructureDefinition/cell-therapy-research-study/_history/2").statusCode());
    } finally {
      second.stop();
    }
  }

  @Test
  void refusesAStoreItCannotOpen() throws Exception {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = Main.run("serve", "--port", "0", "--db", "jdbc:postgresql://127.0.0.1:1/trialfhir");
    } finally {
      System.setErr(originalErr);
    }
    assertEquals(1, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot open the PostgreSQL store"), err.toString());
  }

  @Test
  @EnabledIfEnvironmentVariable(named = PostgresTestDatabase.URL_ENV, matches = "jdbc:postgresql:.+",
      disabledReason = PostgresTestDatabase.SKIPPED)
  void aServerOnPostgresShowsAnotherInstancesWriteWithinTwoSeconds() throws Exception {
    try (PostgresTestDatabase database = PostgresTestDatabase.freshSchema()) {
      Served served = serve("serve", "--port", "0", "--db", database.urlWithCredentials());
      try (JdbcTrialStore other =
          JdbcTrialStore.open(database.url(), PostgresTestDatabase.user(), PostgresTestDatabase.password())) {
        assertTrue(served.err().contains("Serving 5 trials from the PostgreSQL store"), served.err());
        ResearchStudy study = (ResearchStudy) other.read("ResearchStudy", "NCT07066982").orElseThrow().copy();
        study.setTitle(study.getTitle() + " (amended elsewhere)");
        other.put(List.of(study));

        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        String body = "";
        while (System.nanoTime() < deadline && !body.contains("(amended elsewhere)")) {
          body = get(served.base + "/ResearchStudy?title:contains=amended%20elsewhere").body();
          Thread.sleep(50);
        }
        assertTrue(body.contains("(amended elsewhere)") && body.contains("\"versionId\":\"2\""), body);
      } finally {
        served.stop();
      }
    }
  }

  @Test
  void withDataSkipsWhatCannotBeReadAndNamesIt(@TempDir Path dir, @TempDir Path data) throws Exception {
    // In a shard sub-folder, as generate writes a corpus: --data reads the folder as import does, recursively.
    Files.createDirectories(dir.resolve("0000"));
    try (InputStream in = ServeCommandIT.class.getClassLoader().getResourceAsStream("samples/NCT07066982.txt")) {
      Files.write(dir.resolve("0000/NCT07066982.txt"), in.readAllBytes());
    }
    Files.writeString(dir.resolve("minutes.txt"), "Minutes of the steering committee.\n");
    Served served = serve("serve", "--port", "0", "--data", dir.toString(), "--data-dir", data.toString());
    try {
      assertTrue(served.err().contains("minutes.txt: skipped: "), served.err());
      HttpResponse<String> metadata = get(served.base + "/metadata");
      assertEquals(200, metadata.statusCode());
      // The sample is served when its resources validate; what the validator says is on stderr otherwise. Either way
      // it was read: a file left unread would give neither.
      int status = get(served.base + "/ResearchStudy/NCT07066982").statusCode();
      assertTrue(status == 200 || served.err().contains("NCT07066982.txt: skipped: "), served.err());
    } finally {
      served.stop();
    }
  }

  @Test
  void aWriteTokenAllowsImportsThatBearItAndIsNeverPrinted(@TempDir Path data) throws Exception {
    String token = "serve-it-token-5d2";
    Served served = serve("serve", "--port", "0", "--write-token", token, "--data-dir", data.toString());
    try {
      String page;
      try (InputStream in = ServeCommandIT.class.getClassLoader().getResourceAsStream("samples/NCT07066982.txt")) {
        page = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("NCT07066982", "NCT09980001");
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(served.base + "/ResearchStudy/$import-record"))
          .timeout(Duration.ofSeconds(120))
          .header("Content-Type", "text/plain")
          .POST(HttpRequest.BodyPublishers.ofString(page));
      HttpClient http = HttpClient.newHttpClient();
      assertEquals(401, http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      HttpResponse<String> imported = http.send(request.header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, imported.statusCode(), imported.body());
      assertEquals(200, get(served.base + "/ResearchStudy/NCT09980001").statusCode());
      assertTrue(served.err().contains("writes allowed"), served.err());
      assertFalse(served.err().contains(token) || served.out.toString(StandardCharsets.UTF_8).contains(token));
    } finally {
      served.stop();
    }
  }

  @Test
  void aTokenAHeaderCannotCarryIsRefused() {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertEquals(1, Main.run("serve", "--port", "0", "--write-token", "two words"));
    } finally {
      System.setErr(originalErr);
    }
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--write-token: "), err.toString(StandardCharsets.UTF_8));
  }

  /** A running {@code serve} in this JVM, with what it printed. */
  private record Served(Thread thread, String base, ByteArrayOutputStream out, ByteArrayOutputStream errBytes,
      PrintStream originalOut, PrintStream originalErr) {
    String err() {
      return errBytes.toString(StandardCharsets.UTF_8);
    }

    void stop() throws InterruptedException {
      thread.interrupt();
      thread.join(30_000);
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  private static Served serve(String... args) throws Exception {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    Thread thread = new Thread(() -> Main.run(args), "serve-under-test");
    thread.setDaemon(true);
    thread.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline && thread.isAlive()) {
      Matcher m = BASE_URL.matcher(out.toString(StandardCharsets.UTF_8));
      if (m.find()) {
        return new Served(thread, m.group(), out, err, originalOut, originalErr);
      }
      Thread.sleep(50);
    }
    System.setOut(originalOut);
    System.setErr(originalErr);
    throw new AssertionError("serve printed no base URL; stderr: " + err.toString(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
