package org.trialfhir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server given too small a heap ends with a hint naming its heap and how to raise it, instead of a bare
 * OutOfMemoryError stack trace on a server left thrashing.
 */
class ServeHeapExhaustionIT {

  @Test
  void tooSmallAHeapEndsWithTheHint(@TempDir Path data) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // 28 MB cannot hold the FHIR context and the sample trials: the server runs out while starting, in our code. With
    // 16-24 MB it ran out as often inside the JDK's or a library's class initialisers, whose later failures (a class
    // that "could not initialize", a JDBC driver never registered) no longer carry the OutOfMemoryError (1 start in 12
    // at 16 MB, 2 in 3 at 24 MB ended without the hint). At 32 MB, once start-up made less garbage (stop 17), a start
    // under load could stay just short of running out, the collector thrashing: G1 has no overhead limit to end that.
    Process serve = new ProcessBuilder(List.of(java, "-Xmx28m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), "org.trialfhir.cli.Main", "serve", "--port", "0",
        "--data-dir", data.resolve("store").toString()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    // stderr is read aside, so that a server that neither starts nor ends fails the test instead of hanging the build.
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(serve.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    boolean ended = serve.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      serve.destroyForcibly().waitFor();
    }
    String err = stderr.get(10, TimeUnit.SECONDS);
    assertTrue(ended, () -> "the server neither started nor ended within 120 s: " + err);
    assertEquals(HeapExhaustion.EXIT_STATUS, serve.exitValue(), err);
    assertTrue(err.contains("trialfhir serve: out of memory"), err);
    assertTrue(err.contains("maximum heap of"), err);
    assertTrue(err.contains("java -Xmx1g -jar trialfhir.jar serve"), err);
  }
}
