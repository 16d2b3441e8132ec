package org.trialfhir.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes records {@code 0..count-1} of a corpus into a folder, one file each, in shard folders of {@link
 * CorpusGenerator#SHARD_SIZE}. Worker threads take blocks of indices in turn and write each record as soon as it is
 * made, so memory stays flat whatever the count.
 */
public final class CorpusWriter {
  private static final int BLOCK = 500;

  /** What was written: records per format, bytes, and the time it took. */
  public record Summary(long records, Map<CorpusFormat, Long> perFormat, long bytes, Duration elapsed) {
    public double recordsPerSecond() {
      return records / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
  }

  private CorpusWriter() {}

  /**
   * Writes the corpus into {@code folder} (created if absent) with {@code threads} workers.
   *
   * @throws IOException when a folder or file cannot be written
   */
  public static Summary write(CorpusGenerator generator, long count, Path folder, int threads) throws IOException {
    if (count < 0 || count > CorpusGenerator.MAX_COUNT) {
      throw new IllegalArgumentException("count must be 0.." + CorpusGenerator.MAX_COUNT);
    }
    long started = System.nanoTime();
    Files.createDirectories(folder);
    for (long first = 0; first < count; first += CorpusGenerator.SHARD_SIZE) {
      Files.createDirectories(folder.resolve(CorpusGenerator.shard(first)));
    }
    AtomicLong next = new AtomicLong();
    Map<CorpusFormat, LongAdder> perFormat = new EnumMap<>(CorpusFormat.class);
    generator.formats().forEach(f -> perFormat.put(f, new LongAdder()));
    LongAdder bytes = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "corpus-writer");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(pool.submit(() -> {
          for (long from = next.getAndAdd(BLOCK); from < count; from = next.getAndAdd(BLOCK)) {
            for (long i = from; i < Math.min(count, from + BLOCK); i++) {
              byte[] content = generator.bytes(i);
              write(folder.resolve(generator.path(i)), content);
              perFormat.get(generator.format(i)).increment();
              bytes.add(content.length);
            }
          }
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the corpus", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      throw new IllegalStateException("generating the corpus failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    Map<CorpusFormat, Long> counts = new EnumMap<>(CorpusFormat.class);
    perFormat.forEach((format, adder) -> counts.put(format, adder.sum()));
    return new Summary(count, counts, bytes.sum(), Duration.ofNanos(System.nanoTime() - started));
  }

  private static void write(Path file, byte[] content) {
    try {
      Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
