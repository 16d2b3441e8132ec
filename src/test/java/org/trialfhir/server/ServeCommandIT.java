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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.cli.Main;

/**
 * {@code serve} as the command line runs it: {@code --port 0}, the base URL printed on stdout when ready, with
 * {@code --data} a file that is not a trial record named on stderr and skipped while the server still starts, and
 * {@code --write-token} allowing writes to requests that bear the token.
 */
class ServeCommandIT {
  private static final Pattern BASE_URL = Pattern.compile("http://localhost:(\\d+)/fhir");

  @Test
  void servesTheSamplesAndPrintsTheBaseUrl() throws Exception {
    Served served = serve("serve", "--port", "0");
    try {
      assertEquals(200, get(served.base + "/ResearchStudy/NCT07066982").statusCode());
      assertTrue(served.err().contains("Serving 5 trials"), served.err());
    } finally {
      served.stop();
    }
  }

  @Test
  void withDataSkipsWhatCannotBeReadAndNamesIt(@TempDir Path dir) throws Exception {
    try (InputStream in = ServeCommandIT.class.getClassLoader().getResourceAsStream("samples/NCT07066982.txt")) {
      Files.write(dir.resolve("NCT07066982.txt"), in.readAllBytes());
    }
    Files.writeString(dir.resolve("minutes.txt"), "Minutes of the steering committee.\n");
    Served served = serve("serve", "--port", "0", "--data", dir.toString());
    try {
      assertTrue(served.err().contains("minutes.txt: skipped: "), served.err());
      HttpResponse<String> metadata = get(served.base + "/metadata");
      assertEquals(200, metadata.statusCode());
      // The sample is served when its resources validate; what the validator says is on stderr otherwise.
      int status = get(served.base + "/ResearchStudy/NCT07066982").statusCode();
      assertTrue(status == 200 || served.err().contains("NCT07066982.txt: skipped: "), served.err());
    } finally {
      served.stop();
    }
  }

  @Test
  void aWriteTokenAllowsImportsThatBearItAndIsNeverPrinted() throws Exception {
    String token = "serve-it-token-5d2";
    Served served = serve("serve", "--port", "0", "--write-token", token);
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
