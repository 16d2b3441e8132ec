package org.trialfhir.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded H2 file near the size of its live data: every second, rewrites the pages still live in the
 * emptiest chunks of the file, so the space of those chunks is reused by later commits; at close, after a large
 * import, rewrites what is still dead in place and truncates the file.
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
 * 45 seconds wrote; the compaction at close takes that back.
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
  /** At close, chunks less full than this are rewritten (H2's own default for the compaction at close). */
  static final int CLOSE_FILL_RATE = 90;
  /** The MVStore map the close touches to move the store's version on; dropped before the close ends. */
  private static final String CLOSE_STEP_MAP = "trialfhir.compactor.step";

  private final HikariDataSource dataSource;
  private final ScheduledExecutorService timer;
  /** The file's size when the store opened; {@link Long#MAX_VALUE} if it could not be read (never "grown"). */
  private long sizeAtOpen = Long.MAX_VALUE;
  private boolean failing;

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
      LOG.warn("cannot measure the H2 file at open (no compaction at close for growth): {}", e.toString());
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
   * the database), then, when less than two thirds of the file is live data or it grew by half since the store opened,
   * and no other pool in this JVM uses the database, compacts it in place ({@link #compactInPlace}). That is the state
   * a large import leaves, its last {@value #RETENTION_SECONDS} seconds of replaced pages not yet reusable.
   */
  void stop() {
    timer.shutdown();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Connection c = dataSource.getConnection()) {
      MVStore store = mvStore(c);
      boolean compact = store != null && !store.isClosed() && (mostlyDead(store) || grown(store)) && onlyPool(c);
      c.commit();
      if (compact) {
        compactInPlace(store);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("cannot compact the H2 file at close (left as it is): {}", e.toString());
    }
  }

  /**
   * Rewrites the live pages of the chunks under {@value #CLOSE_FILL_RATE}% full, then moves the chunks at the end of
   * the file into the holes that leaves and truncates it: the file keeps its live data and what little is dead in the
   * chunks over that fill rate. Before stop 16 the close copied the whole file ({@code SHUTDOWN COMPACT}, one thread:
   * some 70 s for the 5.6 GB file of 500,000 trials) although the passes had kept all but the import's last {@value
   * #RETENTION_SECONDS} seconds compact; this rewrites only what is dead. Nothing else writes the file now (see {@link
   * #stop}), so nothing is retained: no time ({@code RETENTION_TIME}) and no older versions, and H2 counts a page
   * replaced as dead once the store's version has moved past it. A compaction's own commit moves the version, but
   * the last one's pages would wait, so a map of this class's own, dropped at the end, is touched before each step.
   * Every step is H2's own (what its close does for up to 200 ms), synced before the next.
   */
  static void compactInPlace(MVStore store) {
    store.setRetentionTime(0);
    store.setVersionsToKeep(0);
    MVMap<Integer, Integer> step = store.openMap(CLOSE_STEP_MAP);
    try {
      for (int round = 0, idle = 0; idle < 2; round++) {
        step.put(0, round);
        store.commit();
        idle = store.compact(CLOSE_FILL_RATE, BYTES_PER_PASS) ? 0 : idle + 1;
      }
    } finally {
      store.removeMap(step);
      store.commit();
    }
    if (store.getFileStore() instanceof RandomAccessStore file) {
      file.compactMoveChunks(100, Long.MAX_VALUE, store);
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
   * that grew the file this much is worth the compaction at close.
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
