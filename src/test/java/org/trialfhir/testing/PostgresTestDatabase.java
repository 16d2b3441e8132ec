package org.trialfhir.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The PostgreSQL server the tests use, from the environment {@code .ci/start-postgres} prints
 * ({@value #URL_ENV}, {@code TRIALFHIR_TEST_PG_USER}, {@code TRIALFHIR_TEST_PG_PASSWORD}); each test works in a
 * schema of its own, made empty and dropped after.
 */
public final class PostgresTestDatabase implements AutoCloseable {
  public static final String URL_ENV = "TRIALFHIR_TEST_PG_URL";
  /** Why a PostgreSQL test did not run. */
  public static final String SKIPPED = URL_ENV + " is not set; run eval \"$(.ci/start-postgres)\" first (.ci/run does)";

  private final String schema;
  private final String url;

  private PostgresTestDatabase(String schema, String url) {
    this.schema = schema;
    this.url = url;
  }

  /** A new, empty schema on the test server. */
  public static PostgresTestDatabase freshSchema() throws SQLException {
    String schema = "test_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(serverUrl(), user(), password());
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    return new PostgresTestDatabase(schema, serverUrl() + (serverUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema);
  }

  /** The JDBC URL whose connections use this schema (without user or password). */
  public String url() {
    return url;
  }

  /** The URL with the user and password as parameters, as a user might pass to {@code --db}. */
  public String urlWithCredentials() {
    return url + "&user=" + user() + "&password=" + password();
  }

  public static String user() {
    return System.getenv("TRIALFHIR_TEST_PG_USER");
  }

  public static String password() {
    return System.getenv("TRIALFHIR_TEST_PG_PASSWORD");
  }

  private static String serverUrl() {
    return System.getenv(URL_ENV);
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = DriverManager.getConnection(serverUrl(), user(), password());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
