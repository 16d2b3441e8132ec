package org.trialfhir.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.trialfhir.store.jdbc.JdbcTrialStore;
import org.trialfhir.testing.PostgresTestDatabase;

/**
 * {@link DurableTrialStoreContract} on a real PostgreSQL server, each test in a schema of its own (dropped after).
 * .ci/run starts the server ({@code .ci/start-postgres}) and sets the variables; without them the tests are skipped.
 */
@EnabledIfEnvironmentVariable(named = PostgresTestDatabase.URL_ENV, matches = "jdbc:postgresql:.+",
    disabledReason = PostgresTestDatabase.SKIPPED)
class PostgresTrialStoreIT implements DurableTrialStoreContract {
  private PostgresTestDatabase database;
  private JdbcTrialStore store;
  private final List<JdbcTrialStore> others = new ArrayList<>();

  @BeforeEach
  void open() throws SQLException {
    database = PostgresTestDatabase.freshSchema();
    store = newInstance();
  }

  @AfterEach
  void close() throws SQLException {
    others.forEach(JdbcTrialStore::close);
    store.close();
    database.close();
  }

  private JdbcTrialStore newInstance() {
    return JdbcTrialStore.open(database.url(), PostgresTestDatabase.user(), PostgresTestDatabase.password());
  }

  @Override
  public JdbcTrialStore store() {
    return store;
  }

  @Override
  public JdbcTrialStore reopen() {
    store.close();
    store = newInstance();
    return store;
  }

  @Override
  public JdbcTrialStore another() {
    JdbcTrialStore other = newInstance();
    others.add(other);
    return other;
  }
}
