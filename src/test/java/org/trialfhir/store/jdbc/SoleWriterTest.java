package org.trialfhir.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.hl7.fhir.r4.model.Organization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.store.TrialStore;

/**
 * On embedded H2 the writer reads current rows without locks and remembers what it wrote ({@link KnownCurrent}),
 * trusting that every writer passes this JVM's gate; where that is not sure it locks rows as on PostgreSQL, and a row
 * that moved all the same is found by the update, not overwritten.
 */
class SoleWriterTest {
  @TempDir Path dir;

  @Test
  void onlyAnEmbeddedH2DatabaseNoOtherProcessCanOpenHasASoleWriter() {
    try (StoreDatabase embedded = StoreDatabase.h2(dir.resolve("a"))) {
      assertTrue(embedded.soleWriter());
    }
    // AUTO_SERVER lets another process in through a server this JVM starts: its writes would pass no gate here.
    String shared = "jdbc:h2:file:" + dir.resolve("b").toAbsolutePath().resolve("db") + ";AUTO_SERVER=TRUE";
    try (StoreDatabase served = StoreDatabase.jdbc(shared, "sa", "")) {
      assertFalse(served.soleWriter());
    }
  }

  @Test
  void aCurrentRowMovedBehindTheWritersBackIsReadAgainNotOverwritten() throws SQLException {
    Path data = dir.resolve("data");
    try (JdbcTrialStore store = new JdbcTrialStore(StoreDatabase.h2(data), FhirContext.forR4Cached(),
        Clock.systemUTC())) {
      store.put(List.of(organization("Sponsor")));
      // What no trialfhir writer does: a version recorded as current without moving the change feed, so the
      // store's memory of the row still looks valid.
      try (Connection c = DriverManager.getConnection(
          "jdbc:h2:file:" + data.toAbsolutePath().resolve(StoreDatabase.H2_FILE), "sa", "");
          Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE resource_current SET version_id = 2 WHERE res_type = 'Organization'"
            + " AND res_id = 'org-a'");
      }

      TrialStore.WriteResult written = store.apply(List.of(new TrialStore.Upsert(organization("Sponsor, renamed"))));

      assertEquals(new TrialStore.Applied("Organization", "org-a", TrialStore.Action.UPDATED, 3),
          written.applied().get(0));
      assertEquals(List.of(1, 3), store.history("Organization", "org-a").stream()
          .map(TrialStore.Version::versionId).toList());
    }
  }

  /**
   * From an empty database the writer looks up no resource it never wrote ({@link KnownCurrent#absent}); one another
   * store in this JVM created meanwhile moved the feed, so it is looked up and updated, not created again.
   */
  @Test
  void aResourceAnotherStoreCreatedIsUpdatedNotCreatedAgain() {
    Path data = dir.resolve("data");
    try (JdbcTrialStore first = new JdbcTrialStore(StoreDatabase.h2(data), FhirContext.forR4Cached(),
        Clock.systemUTC());
        JdbcTrialStore second = new JdbcTrialStore(StoreDatabase.h2(data), FhirContext.forR4Cached(),
            Clock.systemUTC())) {
      first.put(List.of(organization("org-b", "Site")));
      second.put(List.of(organization("org-a", "Sponsor")));

      TrialStore.WriteResult written = first.apply(List.of(new TrialStore.Upsert(organization("org-a", "Sponsor, renamed"))));

      assertEquals(new TrialStore.Applied("Organization", "org-a", TrialStore.Action.UPDATED, 2),
          written.applied().get(0));
      assertEquals(List.of(1, 2), first.history("Organization", "org-a").stream()
          .map(TrialStore.Version::versionId).toList());
    }
  }

  /**
   * A resource created without moving the change feed (no trialfhir writer does that) is missing from what the
   * writer knows was stored: its first version clashes with the one that exists, the write is retried with the rows
   * read again, and the resource gets the next version.
   */
  @Test
  void aResourceCreatedBehindTheWritersBackIsFoundOnTheRetryNotOverwritten() throws SQLException {
    Path data = dir.resolve("data");
    try (JdbcTrialStore store = new JdbcTrialStore(StoreDatabase.h2(data), FhirContext.forR4Cached(),
        Clock.systemUTC())) {
      store.put(List.of(organization("org-b", "Site")));
      try (Connection c = DriverManager.getConnection(
          "jdbc:h2:file:" + data.toAbsolutePath().resolve(StoreDatabase.H2_FILE), "sa", "");
          Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO resource_version (res_type, res_id, version_id, last_updated, deleted,"
            + " content_sha256, content, change_seq, change_ord) SELECT 'Organization', 'org-a', 1, last_updated,"
            + " deleted, content_sha256, content, change_seq, 1 FROM resource_version WHERE res_id = 'org-b'");
        s.executeUpdate("INSERT INTO resource_current (res_type, res_id, version_id, deleted, content_sha256)"
            + " SELECT 'Organization', 'org-a', 1, deleted, content_sha256 FROM resource_current WHERE res_id = 'org-b'");
      }

      TrialStore.WriteResult written = store.apply(List.of(new TrialStore.Upsert(organization("org-a", "Sponsor"))));

      assertEquals(new TrialStore.Applied("Organization", "org-a", TrialStore.Action.UPDATED, 2),
          written.applied().get(0));
    }
  }

  /**
   * Several writes of one transaction that share a resource (trials of one group naming one sponsor): the row is
   * looked up once, each write's version follows the one before, and what the writer remembers afterwards is the
   * last one written, content hash included (writing that content again changes nothing). Once from an empty
   * database, where the shared resource is new, and once reopened, where it is read from the database.
   */
  @Test
  void aResourceSharedByTheWritesOfOneTransactionIsRememberedAsTheLastWroteIt() {
    Path data = dir.resolve("data");
    try (JdbcTrialStore store = new JdbcTrialStore(StoreDatabase.h2(data), FhirContext.forR4Cached(),
        Clock.systemUTC())) {
      List<TrialStore.WriteResult> written = store.applyAll(List.of(
          store.prepare(List.of(new TrialStore.Upsert(organization("org-b", "Site b")),
              new TrialStore.Upsert(organization("Sponsor")))),
          store.prepare(List.of(new TrialStore.Upsert(organization("org-c", "Site c")),
              new TrialStore.Upsert(organization("Sponsor, renamed"))))));

      assertEquals(new TrialStore.Applied("Organization", "org-a", TrialStore.Action.CREATED, 1),
          written.get(0).applied().get(1));
      assertEquals(new TrialStore.Applied("Organization", "org-a", TrialStore.Action.UPDATED, 2),
          written.get(1).applied().get(1));
      assertEquals(TrialStore.Action.UNCHANGED,
          store.apply(List.of(new TrialStore.Upsert(organization("Sponsor, renamed")))).applied().get(0).action());
    }
    try (JdbcTrialStore reopened = new JdbcTrialStore(StoreDatabase.h2(data), FhirContext.forR4Cached(),
        Clock.systemUTC())) {
      List<TrialStore.WriteResult> written = reopened.applyAll(List.of(
          reopened.prepare(List.of(new TrialStore.Upsert(organization("Sponsor, third name")))),
          reopened.prepare(List.of(new TrialStore.Upsert(organization("org-d", "Site d")),
              new TrialStore.Upsert(organization("Sponsor, fourth name"))))));

      assertEquals(new TrialStore.Applied("Organization", "org-a", TrialStore.Action.UPDATED, 3),
          written.get(0).applied().get(0));
      assertEquals(new TrialStore.Applied("Organization", "org-a", TrialStore.Action.UPDATED, 4),
          written.get(1).applied().get(1));
      assertEquals(TrialStore.Action.UNCHANGED,
          reopened.apply(List.of(new TrialStore.Upsert(organization("Sponsor, fourth name")))).applied().get(0).action());
      assertEquals(new TrialStore.Applied("Organization", "org-a", TrialStore.Action.UPDATED, 5),
          reopened.apply(List.of(new TrialStore.Upsert(organization("Sponsor")))).applied().get(0));
      assertEquals(List.of(1, 2, 3, 4, 5), reopened.history("Organization", "org-a").stream()
          .map(TrialStore.Version::versionId).toList());
    }
  }

  private static Organization organization(String name) {
    return organization("org-a", name);
  }

  private static Organization organization(String id, String name) {
    Organization organization = new Organization().setName(name);
    organization.setId(id);
    return organization;
  }
}
