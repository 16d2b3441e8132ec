package org.trialfhir.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationState;

/**
 * A pooled connection to the store's database, its schema brought up to date by the Flyway migrations in
 * {@code db/migration}: embedded H2 in a data directory, or PostgreSQL by JDBC URL.
 */
final class StoreDatabase implements AutoCloseable {
  /** The H2 database file inside a data directory is {@value}.mv.db. */
  static final String H2_FILE = "trialfhir";
  /** Enough for the import command's workers and the server's writes; reads come from memory. */
  private static final int POOL_SIZE = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);

  /**
   * One write gate per embedded H2 database in this JVM (by URL without settings), shared by every store open on it.
   * Why: H2's MVStore (seen with 2.3.232 and 2.5.252) can leave a row locked by {@code SELECT ... FOR UPDATE} with a
   * wrong current value when the locking transaction is rolled back while other transactions queue for that row:
   * later locks then read an older version than the one committed (a refused write retried forever, or a primary-key
   * clash on a version that exists). Writers that never queue on H2's row locks never meet it, and an embedded
   * database's writers are all in the JVM that holds its file.
   */
  private static final ConcurrentMap<String, ReentrantLock> H2_WRITE_GATES = new ConcurrentHashMap<>();

  static {
    // H2's object cache hashes every string value it reads from or binds to a page, to share equal values: 7% of
    // the import writer's CPU and 15% of the compactor's at 500,000 trials (JFR, stop 18), for strings that H2's
    // page cache holds briefly anyway. Read once, when H2 first loads its settings: set here, before this class opens
    // a database, unless the JVM was given a value (-Dh2.objectCache=true keeps the cache).
    if (System.getProperty("h2.objectCache") == null) {
      System.setProperty("h2.objectCache", "false");
    }
  }

  private final HikariDataSource dataSource;
  private final String description;
  /** Held around each write transaction on H2; null on PostgreSQL, whose row locks writers queue on. */
  private final ReentrantLock writeGate;
  /** For an H2 database, what keeps its file compact; null for PostgreSQL. */
  private final H2Compactor compactor;
  /** Whether every writer of the database passes {@link #writeGate}: see {@link #soleWriter}. */
  private final boolean soleWriter;
  private boolean closed;

  /** One write transaction's work on a connection. */
  interface Transaction<T> {
    T run() throws SQLException;
  }

  private StoreDatabase(HikariDataSource dataSource, String description, ReentrantLock writeGate, boolean soleWriter) {
    this.dataSource = dataSource;
    this.description = description;
    this.writeGate = writeGate;
    this.soleWriter = soleWriter;
    this.compactor = dataSource.getJdbcUrl().startsWith("jdbc:h2:") ? H2Compactor.start(dataSource) : null;
  }

  /**
   * Opens (creating on first use) the H2 database in {@code dir}. WRITE_DELAY=0 writes every commit to the file
   * before the commit returns, so a killed process loses no committed transaction; LOCK_TIMEOUT lets writers of one
   * resource queue behind each other instead of failing after H2's default of one second; DB_CLOSE_ON_EXIT=FALSE
   * leaves closing to the store's own shutdown hook, after it stopped following the feed.
   */
  static StoreDatabase h2(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dir + ": " + e.getMessage(), e);
    }
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve(H2_FILE) + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE";
    return open(url, "sa", "", "H2 store in " + dir.toAbsolutePath());
  }

  /**
   * Opens a database by JDBC URL ({@code jdbc:postgresql://...}, or {@code jdbc:h2:...}); user and password may be
   * null when the URL carries them.
   */
  static StoreDatabase jdbc(String url, String user, String password) {
    if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
      throw new StoreException("not a PostgreSQL or H2 JDBC URL: " + withoutQuery(url), null);
    }
    String kind = url.startsWith("jdbc:h2:") ? "H2" : "PostgreSQL";
    return open(url, user, password, kind + " store at " + withoutQuery(url));
  }

  private static StoreDatabase open(String url, String user, String password, String description) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("trialfhir-store");
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setAutoCommit(false);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    // Fail start-up at once, with the driver's reason, when the database cannot be reached.
    config.setInitializationFailTimeout(1);
    if (url.startsWith("jdbc:postgresql:")) {
      // One multi-row INSERT per batch instead of one round trip per row.
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("cannot open the " + description + ": " + rootMessage(e), e);
    }
    try {
      migrate(dataSource);
      ReentrantLock gate = url.startsWith("jdbc:h2:")
          ? H2_WRITE_GATES.computeIfAbsent(withoutSettings(url), u -> new ReentrantLock(true)) : null;
      return new StoreDatabase(dataSource, description, gate, gate != null && embedded(dataSource, url));
    } catch (RuntimeException e) {
      dataSource.close();
      throw new StoreException("cannot bring the schema of the " + description + " up to date: " + rootMessage(e), e);
    }
  }

  private static void migrate(DataSource dataSource) {
    Flyway flyway = Flyway.configure(StoreDatabase.class.getClassLoader())
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .load();
    // H2 commits each DDL statement on its own, so a start that failed or was stopped during a migration leaves it
    // partly applied and, if Flyway got to say so, recorded as failed — which Flyway then refuses to go past. The
    // migrations after the first find their work done where it was done (IF EXISTS), so one is run again instead.
    // (A first one that failed fails again, saying which table exists: it only ever runs on an empty database.)
    if (Arrays.stream(flyway.info().all()).anyMatch(m -> m.getState() == MigrationState.FAILED)) {
      flyway.repair();
    }
    flyway.migrate();
  }

  /**
   * An H2 database embedded in this JVM whose file no other process can write: opened without AUTO_SERVER (which
   * would let other processes in through a server this one starts). Its writers are then all in this JVM.
   */
  private static boolean embedded(DataSource dataSource, String url) {
    if (url.toUpperCase(Locale.ROOT).contains(";AUTO_SERVER=TRUE")) {
      return false;
    }
    try (Connection c = dataSource.getConnection()) {
      return H2Compactor.mvStore(c) != null;
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Whether every write transaction of the database runs inside {@link #writing} in this JVM, one at a time: an
   * embedded H2 database. Its writers then need no row locks, and what one transaction left is what the next finds,
   * unless another store in this JVM wrote between them (which moves the change feed).
   */
  boolean soleWriter() {
    return soleWriter;
  }

  Connection connection() throws java.sql.SQLException {
    return dataSource.getConnection();
  }

  /** Runs a write transaction: one at a time per database on H2 (see {@link #H2_WRITE_GATES}), as is elsewhere. */
  <T> T writing(Transaction<T> transaction) throws SQLException {
    if (writeGate == null) {
      return transaction.run();
    }
    writeGate.lock();
    try {
      return transaction.run();
    } finally {
      writeGate.unlock();
    }
  }

  /** Where the store is, for messages (never the password). */
  String description() {
    return description;
  }

  /** The innermost cause's message: the driver's own words (connection refused, password authentication failed). */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  /** An H2 URL without its {@code ;NAME=value} settings: the database it names. */
  private static String withoutSettings(String url) {
    int settings = url.indexOf(';');
    return settings < 0 ? url : url.substring(0, settings);
  }

  private static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  /**
   * Closes the pool, then rewrites the H2 file if the compactor asks for it. Synchronized and once only: on a
   * SIGTERM, serve closes the store from its main thread and from the store's exit hook at once, and the JVM halts
   * when the hooks end — a hook that found the pool closed and returned would cut short the other close's rewrite.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean rewrite = compactor != null && compactor.stop();
    dataSource.close();
    if (rewrite) {
      compactor.rewrite();
    }
  }
}
