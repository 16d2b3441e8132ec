package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.store.jdbc.JdbcTrialStore;

/** {@link DurableTrialStoreContract} on the embedded H2 store, each test in its own data directory. */
class H2TrialStoreTest implements DurableTrialStoreContract {
  @TempDir Path dir;
  private JdbcTrialStore store;
  private final List<JdbcTrialStore> others = new ArrayList<>();

  @BeforeEach
  void open() {
    store = JdbcTrialStore.openH2(dir.resolve("data"));
  }

  @AfterEach
  void close() {
    others.forEach(JdbcTrialStore::close);
    store.close();
  }

  @Override
  public JdbcTrialStore store() {
    return store;
  }

  @Override
  public JdbcTrialStore reopen() {
    store.close();
    store = JdbcTrialStore.openH2(dir.resolve("data"));
    return store;
  }

  @Override
  public JdbcTrialStore another() {
    JdbcTrialStore other = JdbcTrialStore.openH2(dir.resolve("data"));
    others.add(other);
    return other;
  }

  @Test
  void createsTheDataDirectoryOnFirstStart() {
    assertTrue(Files.isRegularFile(dir.resolve("data").resolve("trialfhir.mv.db")));
  }
}
