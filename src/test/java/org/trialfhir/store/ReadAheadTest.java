package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReadAhead}: files come back in order with their own bytes; one it cannot read, or one over the limit, comes
 * back as null for the taker to read; it never reads more than its window ahead of the takers; closing it releases
 * a waiting taker; an interrupted taker stops waiting.
 */
class ReadAheadTest {

  @Test
  void everyFileComesBackWithItsOwnBytesWhenTwoThreadsTakeThemInOrder(@TempDir Path dir) throws Exception {
    List<Path> files = write(dir, 200);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (ReadAhead ahead = new ReadAhead(files, 4, 1024, "test-read")) {
      List<Future<byte[]>> taken = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        int index = i;
        taken.add(pool.submit(() -> ahead.take(index)));
      }
      for (int i = 0; i < files.size(); i++) {
        assertArrayEquals(Files.readAllBytes(files.get(i)), taken.get(i).get(30, TimeUnit.SECONDS), "file " + i);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFileItCannotReadOrOverTheLimitIsLeftToTheTakerAndTheOthersStillCome(@TempDir Path dir) throws Exception {
    List<Path> files = new ArrayList<>(write(dir, 4));
    files.add(1, dir.resolve("missing.txt"));
    files.add(3, dir); // a directory: reading it fails
    Path large = dir.resolve("large.txt");
    Files.write(large, new byte[1025]);
    files.add(large);
    try (ReadAhead ahead = new ReadAhead(files, 2, 1024, "test-read")) {
      assertArrayEquals(Files.readAllBytes(files.get(0)), ahead.take(0));
      assertNull(ahead.take(1), "missing");
      assertArrayEquals(Files.readAllBytes(files.get(2)), ahead.take(2));
      assertNull(ahead.take(3), "a directory");
      assertArrayEquals(Files.readAllBytes(files.get(4)), ahead.take(4));
      assertArrayEquals(Files.readAllBytes(files.get(5)), ahead.take(5));
      assertNull(ahead.take(6), "over the limit");
    }
  }

  @Test
  void itReadsNoFileMoreThanItsWindowAheadOfTheTakers(@TempDir Path dir) throws Exception {
    List<Path> files = write(dir, 6);
    try (ReadAhead ahead = new ReadAhead(files, 2, 1024, "test-read")) {
      // With nothing taken, the reader may hold files 0 and 1 but cannot have read file 3: it reads file i only once
      // file i - 2 is taken. So file 3 is read after this rewrite, whenever the reader gets to it.
      Files.writeString(files.get(3), "rewritten");
      for (int i = 0; i < 3; i++) {
        ahead.take(i);
      }
      assertEquals("rewritten", new String(ahead.take(3), StandardCharsets.UTF_8));
    }
  }

  @Test
  void closingReleasesATakerWaitingForAFileTheReaderWillNotGetTo(@TempDir Path dir) throws Exception {
    List<Path> files = write(dir, 3);
    ReadAhead ahead = new ReadAhead(files, 1, 1024, "test-read");
    // File 1 is read only once file 0 is taken, which nobody does.
    CompletableFuture<byte[]> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return ahead.take(1);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS), "file 1 was never read");
    ahead.close();
    assertNull(waiting.get(30, TimeUnit.SECONDS));
    assertNull(ahead.take(0), "after close every taker reads for itself");
  }

  @Test
  void anInterruptedTakerStopsWaiting(@TempDir Path dir) throws Exception {
    List<Path> files = write(dir, 3);
    try (ReadAhead ahead = new ReadAhead(files, 1, 1024, "test-read")) {
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      Thread taker = new Thread(() -> {
        try {
          ahead.take(2);
          thrown.complete(null);
        } catch (InterruptedException e) {
          thrown.complete(e);
        }
      });
      taker.start();
      taker.interrupt();
      assertTrue(thrown.get(30, TimeUnit.SECONDS) instanceof InterruptedException);
    }
  }

  @Test
  void anEmptyListClosesCleanly() throws InterruptedException {
    ReadAhead ahead = new ReadAhead(List.of(), ReadAhead.AHEAD, ReadAhead.MAX_BYTES, "test-read");
    ahead.close();
    assertNull(ahead.take(0));
  }

  private static List<Path> write(Path dir, int count) throws IOException {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path file = dir.resolve(String.format("f%04d.txt", i));
      Files.writeString(file, "file " + i + " ".repeat(i % 7));
      files.add(file);
    }
    return files;
  }
}
