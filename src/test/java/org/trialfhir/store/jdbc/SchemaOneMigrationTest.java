package org.trialfhir.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.store.TrialStore;
import org.trialfhir.testing.PostgresTestDatabase;

/**
 * A store written under schema 1 (current rows with their own first-stored columns, index and foreign key) opens
 * under schema 2 with every version, the current versions, the first-stored order and the feed as they were, and
 * takes new writes; on H2 and on PostgreSQL (when the test server is set, as in .ci/run).
 */
class SchemaOneMigrationTest {
  private static final Instant WRITTEN = Instant.parse("2026-01-02T03:04:05.678Z");
  private final ResourceCodec codec = new ResourceCodec(FhirContext.forR4Cached());

  @Test
  void anH2StoreOfSchemaOneIsMigratedWithItsVersionsAndOrder(@TempDir Path dir) throws SQLException {
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve(StoreDatabase.H2_FILE);
    writeSchemaOne(url, "sa", "");
    try (JdbcTrialStore store = JdbcTrialStore.openH2(dir)) {
      checkMigrated(store);
    }
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES"
            + " WHERE TABLE_NAME = 'RESOURCE_CURRENT'")) {
      rs.next();
      assertEquals(1, rs.getInt(1), "the current rows keep their primary key only");
    }
  }

  @Test
  void anH2StoreLeftHalfwayThroughSchemaTwoIsMigratedOnTheNextOpen(@TempDir Path dir) throws SQLException {
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve(StoreDatabase.H2_FILE);
    writeSchemaOne(url, "sa", "");
    FlywayException failed = assertThrows(FlywayException.class, () -> Flyway.configure(getClass().getClassLoader())
        .dataSource(url, "sa", "").locations("classpath:db/interrupted-v2").ignoreMigrationPatterns("*:missing")
        .load().migrate());
    assertTrue(failed.getMessage().contains("NO_SUCH_COLUMN"), failed.getMessage());

    try (JdbcTrialStore store = JdbcTrialStore.openH2(dir)) {
      checkMigrated(store);
    }
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        ResultSet rs = c.createStatement().executeQuery("SELECT \"version\", \"success\" FROM \"flyway_schema_history\""
            + " WHERE \"version\" = '2'")) {
      assertTrue(rs.next());
      assertTrue(rs.getBoolean(2), "version 2 recorded as applied");
      assertFalse(rs.next(), "and only once");
    }
  }

  @Test
  @EnabledIfEnvironmentVariable(named = PostgresTestDatabase.URL_ENV, matches = "jdbc:postgresql:.+",
      disabledReason = PostgresTestDatabase.SKIPPED)
  void aPostgresStoreOfSchemaOneIsMigratedWithItsVersionsAndOrder() throws SQLException {
    try (PostgresTestDatabase database = PostgresTestDatabase.freshSchema()) {
      String user = PostgresTestDatabase.user();
      String password = PostgresTestDatabase.password();
      writeSchemaOne(database.url(), user, password);
      try (JdbcTrialStore store = JdbcTrialStore.open(database.url(), user, password)) {
        checkMigrated(store);
      }
      try (Connection c = DriverManager.getConnection(database.url(), user, password);
          ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM pg_indexes"
              + " WHERE tablename = 'resource_current' AND schemaname = current_schema()")) {
        rs.next();
        assertEquals(1, rs.getInt(1), "the current rows keep their primary key only");
      }
    }
  }

  /**
   * What schema 1's writer left: change 1 created NCT2, NCT1 and org-a; change 2 updated NCT2; change 3 deleted org-a;
   * change 4 created NCT3.
   */
  private void writeSchemaOne(String url, String user, String password) throws SQLException {
    Flyway.configure(getClass().getClassLoader()).dataSource(url, user, password)
        .locations("classpath:db/migration").target("1").load().migrate();
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      c.setAutoCommit(false);
      version(c, study("NCT2", "Two"), 1, 1, 0);
      version(c, study("NCT1", "One"), 1, 1, 1);
      version(c, organization("org-a"), 1, 1, 2);
      version(c, study("NCT2", "Two, revised"), 2, 2, 0);
      deleteVersion(c, "Organization", "org-a", 2, 3);
      version(c, study("NCT3", "Three"), 1, 4, 0);
      current(c, "ResearchStudy", "NCT2", 2, false, 1, 0);
      current(c, "ResearchStudy", "NCT1", 1, false, 1, 1);
      current(c, "Organization", "org-a", 2, true, 1, 2);
      current(c, "ResearchStudy", "NCT3", 1, false, 4, 0);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE store_clock SET last_seq = 4 WHERE id = 1");
      }
      c.commit();
    }
  }

  private static void checkMigrated(JdbcTrialStore store) {
    assertEquals(4, store.position());
    assertEquals(List.of("NCT2", "NCT1", "NCT3"), ids(store.all("ResearchStudy")));
    assertEquals("Two, revised", ((ResearchStudy) store.read("ResearchStudy", "NCT2").orElseThrow()).getTitle());
    assertEquals("2", store.read("ResearchStudy", "NCT2").orElseThrow().getMeta().getVersionId());
    assertEquals(WRITTEN, store.read("ResearchStudy", "NCT2").orElseThrow().getMeta().getLastUpdated().toInstant());
    assertEquals(2, store.history("ResearchStudy", "NCT2").size());
    assertTrue(store.read("Organization", "org-a").isEmpty());
    assertTrue(store.history("Organization", "org-a").get(1).deleted());
    assertEquals(List.of("NCT2/2", "NCT1/1", "org-a/2", "NCT3/1"), handed(store));
    assertEquals(List.of(1L, 2L, 3L, 4L), store.changesSince(0, 10).stream().map(TrialStore.Committed::seq).toList());

    // Writes go on from where schema 1 left them; a re-created resource keeps its first-stored place.
    assertEquals(TrialStore.Action.CREATED,
        store.apply(List.of(new TrialStore.Upsert(organization("org-a"), 0))).applied().get(0).action());
    store.put(List.of(study("NCT0", "Zero"), study("NCT1", "One, revised")));
    assertEquals(List.of("NCT2/2", "NCT1/2", "org-a/3", "NCT3/1", "NCT0/1"), handed(store));
    assertEquals(List.of("NCT2", "NCT1", "NCT3", "NCT0"), ids(store.all("ResearchStudy")));
  }

  private static List<String> handed(JdbcTrialStore store) {
    List<TrialStore.Version> versions = new ArrayList<>();
    store.current(versions::addAll);
    return versions.stream().map(v -> v.id() + "/" + v.versionId()).toList();
  }

  private static List<String> ids(List<Resource> resources) {
    return resources.stream().map(r -> r.getIdElement().getIdPart()).toList();
  }

  private void version(Connection c, Resource resource, int versionId, long seq, int ord) throws SQLException {
    String type = resource.fhirType();
    String id = resource.getIdElement().getIdPart();
    ResourceCodec.Encoded encoded = codec.encode(resource, type, id, false).canonical();
    // Stores of schema 1 kept their JSON gzip-compressed (zstd came later): what such a store holds must still read.
    insertVersion(c, type, id, versionId, encoded.sha256(), gzip(StoredCompression.decompress(encoded.compressed())),
        seq, ord);
  }

  private static byte[] gzip(byte[] json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void deleteVersion(Connection c, String type, String id, int versionId, long seq)
      throws SQLException {
    insertVersion(c, type, id, versionId, null, null, seq, 0);
  }

  private static void insertVersion(Connection c, String type, String id, int versionId, String sha256, byte[] gzip,
      long seq, int ord) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO resource_version (res_type, res_id, version_id,"
        + " last_updated, deleted, content_sha256, content, change_seq, change_ord)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, type);
      ps.setString(2, id);
      ps.setInt(3, versionId);
      ps.setObject(4, OffsetDateTime.ofInstant(WRITTEN, ZoneOffset.UTC));
      ps.setBoolean(5, gzip == null);
      ps.setString(6, sha256);
      ps.setBytes(7, gzip);
      ps.setLong(8, seq);
      ps.setInt(9, ord);
      ps.executeUpdate();
    }
  }

  private static void current(Connection c, String type, String id, int versionId, boolean deleted, long createdSeq,
      int createdOrd) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO resource_current (res_type, res_id, version_id,"
        + " deleted, content_sha256, created_seq, created_ord)"
        + " SELECT res_type, res_id, version_id, deleted, content_sha256, ?, ? FROM resource_version"
        + " WHERE res_type = ? AND res_id = ? AND version_id = ?")) {
      ps.setLong(1, createdSeq);
      ps.setInt(2, createdOrd);
      ps.setString(3, type);
      ps.setString(4, id);
      ps.setInt(5, versionId);
      assertEquals(1, ps.executeUpdate());
    }
  }

  private static ResearchStudy study(String id, String title) {
    ResearchStudy study = new ResearchStudy();
    study.setId(id);
    study.setTitle(title);
    study.setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    return study;
  }

  private static Organization organization(String id) {
    Organization organization = new Organization();
    organization.setId(id);
    organization.setName("Org " + id);
    return organization;
  }
}
