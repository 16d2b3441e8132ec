package org.trialfhir.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads a list of files' bytes on one thread of its own, in the order given and a bounded number of files ahead of
 * the threads that take them, so that those threads find each file in memory instead of waiting on the disk: a
 * registry-sized corpus is not in the page cache, and a thread blocked on a read leaves its core idle.
 *
 * <p>It only ever saves a read. A file it cannot read, or one larger than its per-file limit, is handed over as
 * {@code null}: the taker reads that file itself, so whatever goes wrong is reported as it would have been without
 * read-ahead, by the same code. Memory held: at most {@code ahead} files of at most {@code maxBytes} each.
 *
 * <p>Each index must be taken once, in about the order given (a FIFO pool's tasks do): the reader waits for file
 * {@code i - ahead} to be taken before it reads file {@code i}.
 */
final class ReadAhead implements AutoCloseable {
  /** Files read ahead by default: at 1,000-1,500 files/s taken, covers a stall of the disk of 50 ms or so. */
  static final int AHEAD = 64;
  /** Larger files are left to the taker (a trial record is 2-30 KB; CT.gov JSON with results a few hundred). */
  static final int MAX_BYTES = 512 * 1024;

  private final List<Path> files;
  private final int maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Slot {@code i % ahead} holds file i once read: which file it holds (-1: free) and its bytes (null: not read). */
  private final int[] holds;
  private final byte[][] bytes;
  private final Thread reader;
  private boolean closed;

  /** Starts reading {@code files} on a daemon thread named {@code name}. */
  ReadAhead(List<Path> files, int ahead, int maxBytes, String name) {
    if (ahead < 1 || maxBytes < 0) {
      throw new IllegalArgumentException("read-ahead of " + ahead + " files of " + maxBytes + " bytes");
    }
    this.files = List.copyOf(files);
    this.maxBytes = maxBytes;
    this.holds = new int[ahead];
    Arrays.fill(holds, -1);
    this.bytes = new byte[ahead][];
    this.reader = new Thread(this::readAll, name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * File {@code index}'s bytes, waiting for the reader if need be; null when the caller must read the file itself
   * (unreadable, too large, or this read-ahead closed).
   *
   * @throws InterruptedException if interrupted while waiting
   */
  byte[] take(int index) throws InterruptedException {
    int slot = index % holds.length;
    lock.lock();
    try {
      while (holds[slot] != index) {
        if (closed) {
          return null;
        }
        changed.await();
      }
      byte[] taken = bytes[slot];
      holds[slot] = -1;
      bytes[slot] = null;
      changed.signalAll();
      return taken;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the reader and drops what it holds; takers waiting, and later ones, get null. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      Arrays.fill(bytes, null);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    reader.interrupt();
  }

  private void readAll() {
    try {
      for (int i = 0; i < files.size(); i++) {
        int slot = i % holds.length;
        lock.lock();
        try {
          while (holds[slot] != -1 && !closed) {
            changed.await();
          }
          if (closed) {
            return;
          }
        } finally {
          lock.unlock();
        }
        // Outside the lock: the takers go on with the files already read while this one comes from the disk.
        byte[] read = read(files.get(i));
        lock.lock();
        try {
          if (closed) {
            return;
          }
          holds[slot] = i;
          bytes[slot] = read;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      // Closed while waiting for a free slot: nobody takes the rest.
    }
  }

  /** The file's bytes, or null when the taker should read it itself and meet whatever stops it. */
  private byte[] read(Path file) {
    try {
      if (Files.size(file) > maxBytes) {
        return null;
      }
      byte[] read = Files.readAllBytes(file);
      // The file may have grown since its size was asked.
      return read.length > maxBytes ? null : read;
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      // Reported by the taker, who reads the file again through the code that names the reason.
      return null;
    }
  }
}
