package org.trialfhir.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer locks each resource's current row once per write, hundreds a group of trials: H2 must find the row by
 * the primary key, not scan the table, or a bulk import slows as the store grows (a scan per lock is quadratic).
 */
class VersionWritesPlanTest {

  @Test
  void lockingACurrentRowUsesThePrimaryKey(@TempDir Path dir) throws SQLException {
    JdbcTrialStore.openH2(dir).close();
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve(StoreDatabase.H2_FILE);
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        PreparedStatement ps = c.prepareStatement("EXPLAIN " + VersionWrites.LOCK_CURRENT)) {
      ps.setString(1, "ResearchStudy");
      ps.setString(2, "NCT00000001");
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        String plan = rs.getString(1);
        assertFalse(plan.contains("tableScan"), plan);
        assertTrue(plan.contains("PRIMARY_KEY") && plan.contains("RES_ID = ?2"), plan);
      }
    }
  }
}
