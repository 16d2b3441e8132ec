package org.trialfhir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
    // 32 MB cannot hold the FHIR context and the sample trials: the server runs out while starting, in our code. With
    // 16 MB it ran out as often inside the JDK's or a library's class initialisers, whose later failures (a class that
    // "could not initialize", a JDBC driver never registered) no longer carry the OutOfMemoryError: 1 start in 12 ended
    // without the hint. With 32 MB, 21 starts of 21 gave it (48 MB starts the server).
    Process serve = new ProcessBuilder(List.of(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), "org.trialfhir.cli.Main", "serve", "--port", "0",
        "--data-dir", data.resolve("store").toString()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(serve.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(serve.waitFor(120, TimeUnit.SECONDS), "the server ended");
    assertEquals(HeapExhaustion.EXIT_STATUS, serve.exitValue(), err);
    assertTrue(err.contains("trialfhir serve: out of memory"), err);
    assertTrue(err.contains("maximum heap of"), err);
    assertTrue(err.contains("java -Xmx1g -jar trialfhir.jar serve"), err);
  }
}
