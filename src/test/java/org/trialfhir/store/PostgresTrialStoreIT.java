package org.trialfhir.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.trialfhir.store.jdbc.JdbcTrialStore;

/**
 * {@link DurableTrialStoreContract} on a real PostgreSQL server, each test in a schema of its own (dropped after).
 * .ci/run starts the server ({@code .ci/start-postgres}) and sets the variables; without them the tests are skipped.
 */
@EnabledIfEnvironmentVariable(named = PostgresTrialStoreIT.URL, matches = "jdbc:postgresql:.+",
    disabledReason = "TRIALFHIR_TEST_PG_URL is not set; run eval \"$(.ci/start-postgres)\" first (.ci/run does)")
class PostgresTrialStoreIT implements DurableTrialStoreContract {
  static final String URL = "TRIALFHIR_TEST_PG_URL";

  private String schema;
  private JdbcTrialStore store;
  private final List<JdbcTrialStore> others = new ArrayList<>();

  /** The test server's URL, user and password, from the environment .ci/start-postgres prints. */
  static String url() {
    return System.getenv(URL);
  }

  static String user() {
    return System.getenv("TRIALFHIR_TEST_PG_USER");
  }

  static String password() {
    return System.getenv("TRIALFHIR_TEST_PG_PASSWORD");
  }

  /** A new empty schema; returns the URL that makes it the connections' default. */
  static String freshSchema(String schema) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(), user(), password()); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    return url() + (url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  static void dropSchema(String schema) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(), user(), password()); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private String schemaUrl;

  @BeforeEach
  void open() throws SQLException {
    schema = "contract_" + UUID.randomUUID().toString().replace("-", "");
    schemaUrl = freshSchema(schema);
    store = JdbcTrialStore.open(schemaUrl, user(), password());
  }

  @AfterEach
  void close() throws SQLException {
    others.forEach(JdbcTrialStore::close);
    store.close();
    dropSchema(schema);
  }

  @Override
  public JdbcTrialStore store() {
    return store;
  }

  @Override
  public JdbcTrialStore reopen() {
    store.close();
    store = JdbcTrialStore.open(schemaUrl, user(), password());
    return store;
  }

  @Override
  public JdbcTrialStore another() {
    JdbcTrialStore other = JdbcTrialStore.open(schemaUrl, user(), password());
    others.add(other);
    return other;
  }
}
