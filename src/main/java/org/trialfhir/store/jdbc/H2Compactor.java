package org.trialfhir.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreTool;
import org.h2.mvstore.SingleFileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded H2 file near the size of its live data: every second, rewrites the pages still live in the
 * emptiest chunks of the file, so the space of those chunks is reused by later commits; at close, after a large
 * import, rewrites the whole file with its live data only.
 *
 * <p>H2 writes each commit as a new chunk and leaves the replaced pages of older chunks dead in the file. Its own
 * background thread rewrites such chunks only when commits are delayed ({@code WRITE_DELAY} above 0); with
 * {@code WRITE_DELAY=0}, which the store needs so that a committed trial survives a killed process, nothing does,
 * and the file grew by some 60 KB per imported trial at 2,000 trials and 130 KB at 10,000, for about 12 KB of live
 * data. The passes do what that thread would do, through H2's public {@link MVStore#compact(int, int)}: it takes the
 * store's lock only when no commit holds it ({@code tryExecuteUnderStoreLock}), and a pass moves at most {@value
 * #BYTES_PER_PASS} bytes, so a commit waits at most for one short pass. Chunks replaced in the last {@value
 * #RETENTION_SECONDS} seconds are neither reused nor rewritten (H2's RETENTION_TIME, kept at its default so that a
 * file whose last writes the disk reordered still opens), so the file runs ahead of its live data by what the last
 * 45 seconds wrote; the rewrite at close takes that back.
 */
final class H2Compactor {
  private static final Logger LOG = LoggerFactory.getLogger(H2Compactor.class);
  /** Chunks less full than this (percent of their bytes still live) are rewritten. */
  static final int TARGET_FILL_RATE = 80;
  /** Bytes of live pages moved per pass, to keep each hold of the store's lock short. */
  static final int BYTES_PER_PASS = 16 * 1024 * 1024;
  private static final long PERIOD_MS = 1000;
  /** H2's default RETENTION_TIME: replaced chunks are kept this long before their space is reused. */
  static final int RETENTION_SECONDS = 45;
  /** Smaller files are left as they are at close: a copy would save little. */
  static final long MIN_COMPACT_BYTES = 1024 * 1024;
  /** H2's system property for the threads of a whole-file copy: a quarter of the cores when not set. */
  private static final String COMPACT_THREADS = "h2.compactThreads";

  private final HikariDataSource dataSource;
  private final ScheduledExecutorService timer;
  /** The file's size when the store opened; {@link Long#MAX_VALUE} if it could not be read (never "grown"). */
  private long sizeAtOpen = Long.MAX_VALUE;
  private boolean failing;
  /** The file {@link #rewrite} copies, known while the store is open; null when it should not be rewritten. */
  private String fileName;

  private H2Compactor(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trialfhir-h2-compactor");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts compacting the embedded H2 database behind {@code dataSource}. */
  static H2Compactor start(HikariDataSource dataSource) {
    H2Compactor compactor = new H2Compactor(dataSource);
    try (Connection c = dataSource.getConnection()) {
      MVStore store = mvStore(c);
      if (store != null) {
        compactor.sizeAtOpen = store.getFileStore().size();
      }
    } catch (SQLException e) {
      LOG.warn("cannot measure the H2 file at open (no rewrite at close for growth): {}", e.toString());
    }
    compactor.timer.scheduleWithFixedDelay(compactor::pass, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    return compactor;
  }

  /** One pass; a failure is logged once per run of failures and retried at the next tick. */
  private void pass() {
    try {
      compact(dataSource, TARGET_FILL_RATE, BYTES_PER_PASS);
      failing = false;
    } catch (SQLException | RuntimeException e) {
      if (!failing) {
        LOG.warn("H2 compaction failed (retried every second): {}", e.toString());
      }
      failing = true;
    }
  }

  /**
   * Rewrites the live pages of the chunks under {@code targetFillRate} percent full, up to {@code bytes}; returns
   * whether it rewrote any. A database not embedded in this JVM (H2 over TCP) is left alone.
   */
  static boolean compact(DataSource dataSource, int targetFillRate, int bytes) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      MVStore store = mvStore(c);
      return store != null && !store.isClosed() && store.compact(targetFillRate, bytes);
    }
  }

  /** The file store under an embedded H2 connection, or null for a remote one. */
  static MVStore mvStore(Connection c) throws SQLException {
    if (c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session) {
      return session.getDatabase().getStore().getMvStore();
    }
    return null;
  }

  /**
   * Stops the passes, waiting for one under way to end (an interrupt inside H2's file I/O would close the file under
   * the database), and returns whether the file should be rewritten once the pool is closed ({@link #rewrite}): when
   * less than two thirds of it is live data or it grew by half since the store opened, and no other pool in this JVM
   * uses the database. That is the state a large
   * import leaves, its last {@value #RETENTION_SECONDS} seconds of replaced pages not yet reusable.
   */
  boolean stop() {
    timer.shutdown();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Connection c = dataSource.getConnection()) {
      MVStore store = mvStore(c);
      boolean rewrite = store != null && !store.isClosed() && (mostlyDead(store) || grown(store)) && onlyPool(c);
      fileName = rewrite ? store.getFileStore().getFileName() : null;
      c.commit();
      return rewrite;
    } catch (SQLException | RuntimeException e) {
      LOG.warn("cannot measure the H2 file at close (left as it is): {}", e.toString());
      return false;
    }
  }

  /**
   * Rewrites the file with its live data only, after the pool closed (the pool would reset its connections on a
   * database shut down under it): the database is shut down as usual, then its file copied ({@link #copyLiveData}) as
   * H2's {@code SHUTDOWN COMPACT} copies it, but without compressing the pages. Our content is already compressed (zstd), so page compression (LZF) saved 8% of the file at 10,000 trials and
   * took three quarters of the copy's time (about 55 of the 70 seconds at 500,000 trials, on one thread); pages read
   * later are not decompressed either. Its cost is one copy of the live data, once per import; the copy is written aside
   * and then moved over the file, so a failure leaves the file as it was.
   */
  void rewrite() {
    try (Connection c = DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(),
        dataSource.getPassword()); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (SQLException e) {
      if (e.getErrorCode() != ErrorCode.DATABASE_CALLED_AT_SHUTDOWN) {
        LOG.warn("H2 shutdown before the rewrite failed (the file is left as it is): {}", e.toString());
        return;
      }
    }
    if (fileName == null) {
      return;
    }
    try {
      copyLiveData(fileName);
    } catch (RuntimeException e) {
      LOG.warn("H2 compaction at close failed (the file is as before): {}", e.toString());
    }
  }

  /**
   * {@link MVStoreTool#compact(String, boolean)} without compression, tuned for a one-pass copy: both files are opened
   * without H2's page cache, as every page is read once and written once (the cache's lookups and evictions were a
   * tenth of the copy's perf samples, kernel included), and the maps (each table and index) are copied on as many
   * threads as there are cores, where H2 takes a quarter of them (one on two cores). The copy of a 6.2 GB file of
   * 500,000 trials: 31-34 s before, 24-25 s after (CompactBench, stop 18); most of the rest is the kernel's.
   */
  static void copyLiveData(String fileName) {
    if (System.getProperty(COMPACT_THREADS) == null) {
      // Read by H2 at each compaction; nothing else in this process compacts a whole file.
      System.setProperty(COMPACT_THREADS, Integer.toString(Runtime.getRuntime().availableProcessors()));
    }
    // MVStore.compact opens both files like this store, then closes it; it must be open for that close.
    SingleFileStore uncached = new SingleFileStore(Map.of("cacheSize", 0));
    uncached.open(fileName, true, null);
    try {
      MVStore.compact(fileName, false, uncached);
    } finally {
      uncached.close(); // a no-op once the compaction closed it; frees the file if it failed before that
    }
  }

  /**
   * Whether the live data is less than two thirds of the file, and the file worth compacting. The live bytes are
   * estimated from H2's own counters: the share of the file's blocks in chunks, times the share of those chunks' bytes
   * still live.
   */
  static boolean mostlyDead(MVStore store) {
    long size = store.getFileStore().size();
    long live = size * store.getFillRate() / 100 * store.getFileStore().getChunksFillRate() / 100;
    return size >= MIN_COMPACT_BYTES && live * 3 < size * 2;
  }

  /**
   * Whether the file grew by half since the store opened: a bulk load. H2 accounts for the pages a commit replaced
   * some time after it, so right after a fast import (200 trials in under a second once the JIT is warm) its fill
   * rates still count most replaced pages as live, and {@link #mostlyDead} misses a file more than half dead. A run
   * that grew the file this much is worth the one copy of its live data that the rewrite costs.
   */
  private boolean grown(MVStore store) {
    long size = store.getFileStore().size();
    return size >= MIN_COMPACT_BYTES && sizeAtOpen != Long.MAX_VALUE && size > sizeAtOpen + sizeAtOpen / 2;
  }

  /** Whether every session of the database is a connection of this pool (another store on it would lose its own). */
  private boolean onlyPool(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
      rs.next();
      return rs.getInt(1) <= dataSource.getHikariPoolMXBean().getTotalConnections();
    }
  }
}
