package org.trialfhir.cli;

import java.nio.file.Path;
import org.trialfhir.store.jdbc.JdbcTrialStore;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where {@code serve} and {@code import} keep the trials: the embedded H2 store in a data directory (the default,
 * {@code ./trialfhir-data}), or a PostgreSQL database given by JDBC URL; a picocli mixin.
 */
final class StoreOptions {
  static final Path DEFAULT_DATA_DIR = Path.of("trialfhir-data");
  static final String USER_ENV = "TRIALFHIR_DB_USER";
  static final String PASSWORD_ENV = "TRIALFHIR_DB_PASSWORD";

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Directory of the embedded H2 store, created on first use. Default: ./trialfhir-data.")
  Path dataDir;

  @Option(names = "--db", paramLabel = "JDBC_URL",
      description = "PostgreSQL database instead, e.g. jdbc:postgresql://db.example.org:5432/trialfhir; user and"
          + " password from the URL (?user=...&password=...) or the environment (" + USER_ENV + ", " + PASSWORD_ENV
          + ").")
  String db;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** The H2 store's directory (meaningless with {@code --db}). */
  Path dataDirectory() {
    return dataDir != null ? dataDir : DEFAULT_DATA_DIR;
  }

  /**
   * Opens the store the options name.
   *
   * @throws ParameterException when both options are given
   */
  JdbcTrialStore open() {
    if (dataDir != null && db != null) {
      throw new ParameterException(spec.commandLine(), "--data-dir and --db name two stores: give one of them");
    }
    if (db != null) {
      return JdbcTrialStore.open(db, System.getenv(USER_ENV), System.getenv(PASSWORD_ENV));
    }
    return JdbcTrialStore.openH2(dataDirectory());
  }
}
