package org.trialfhir.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The store's write statements, all inside the caller's transaction: lock the current rows of the resources about to
 * change, take the next change-feed number, insert the new versions and move the current rows.
 */
final class VersionWrites {
  /** A resource's current row as locked: its last version, whether that is a delete, its content hash. */
  record Current(int versionId, boolean deleted, String sha256) {}

  /** A version to write; {@code content} and {@code sha256} are null for a delete. */
  record NewVersion(String type, String id, int versionId, byte[] content, String sha256, boolean firstEver) {}

  private VersionWrites() {}

  /**
   * Locks one resource's current row; H2 answers it from the primary key (VersionWritesPlanTest holds it to that).
   */
  static final String LOCK_CURRENT = "SELECT version_id, deleted, content_sha256 FROM resource_current"
      + " WHERE res_type = ? AND res_id = ? FOR UPDATE";
  /** Reads one resource's current row without locking it, for a writer that is its database's only one. */
  static final String READ_CURRENT = "SELECT version_id, deleted, content_sha256 FROM resource_current"
      + " WHERE res_type = ? AND res_id = ?";

  /**
   * Locks the current rows of the given resources ({@code SELECT ... FOR UPDATE}) and returns them by type then id;
   * a resource never stored has none. Rows are locked in one order (type, then id) by every writer, so two writers
   * of overlapping trials queue instead of deadlocking. One statement per resource: H2 would not use the primary
   * key for an IN list on its second column, and a join of the ids as an array (UNNEST) to the table was planned as
   * a scan of every current row per statement — quadratic in the store's size (at 100,000 trials the writer spent
   * its time there while the mapping threads waited).
   */
  static Map<String, Map<String, Current>> lockCurrent(Connection c, SortedMap<String, SortedSet<String>> idsByType)
      throws SQLException {
    Map<String, Map<String, Current>> found = new HashMap<>();
    readCurrent(c, LOCK_CURRENT, idsByType, found);
    return found;
  }

  /**
   * Adds the current rows of the given resources to {@code found}, by type then id, with {@code sql} ({@link
   * #LOCK_CURRENT}, or {@link #READ_CURRENT} when nothing else writes the database): one statement per resource.
   */
  static void readCurrent(Connection c, String sql, Map<String, ? extends Iterable<String>> idsByType,
      Map<String, Map<String, Current>> found) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (Map.Entry<String, ? extends Iterable<String>> type : idsByType.entrySet()) {
        for (String id : type.getValue()) {
          ps.setString(1, type.getKey());
          ps.setString(2, id);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              found.computeIfAbsent(type.getKey(), t -> new HashMap<>())
                  .put(id, new Current(rs.getInt(1), rs.getBoolean(2), rs.getString(3)));
            }
          }
        }
      }
    }
  }

  /**
   * Takes the next {@code count} change-feed numbers and returns the first. Call it last before the inserts: the clock
   * row stays locked until commit, so this serialises the final step of concurrent writes and numbers them in commit
   * order.
   */
  static long nextSeqs(Connection c, int count) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE store_clock SET last_seq = last_seq + ? WHERE id = 1")) {
      ps.setInt(1, count);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("store_clock has no row: the schema was not created by the trialfhir migrations");
      }
    }
    return VersionReads.lastSeq(c) - count + 1;
  }

  /**
   * Inserts the versions of several writes, the i-th write at feed position {@code firstSeq + i} (its versions in
   * list order), and moves each current row to them; a resource may have versions in several writes.
   */
  static void write(Connection c, List<List<NewVersion>> writes, long firstSeq, Instant lastUpdated)
      throws SQLException {
    OffsetDateTime when = OffsetDateTime.ofInstant(lastUpdated, ZoneOffset.UTC);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO resource_version (res_type, res_id, version_id,"
        + " last_updated, deleted, content_sha256, content, change_seq, change_ord)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int w = 0; w < writes.size(); w++) {
        List<NewVersion> versions = writes.get(w);
        for (int ord = 0; ord < versions.size(); ord++) {
          NewVersion v = versions.get(ord);
          ps.setString(1, v.type());
          ps.setString(2, v.id());
          ps.setInt(3, v.versionId());
          ps.setObject(4, when);
          ps.setBoolean(5, v.content() == null);
          ps.setString(6, v.sha256());
          if (v.content() == null) {
            ps.setNull(7, Types.BINARY);
          } else {
            ps.setBytes(7, v.content());
          }
          ps.setLong(8, firstSeq + w);
          ps.setInt(9, ord);
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO resource_current (res_type, res_id, version_id,"
            + " deleted, content_sha256) VALUES (?, ?, ?, ?, ?)");
        PreparedStatement update = c.prepareStatement("UPDATE resource_current SET version_id = ?, deleted = ?,"
            + " content_sha256 = ? WHERE res_type = ? AND res_id = ? AND version_id = ?")) {
      boolean inserts = false;
      boolean updates = false;
      for (List<NewVersion> versions : writes) {
        for (NewVersion v : versions) {
          if (v.firstEver()) {
            insert.setString(1, v.type());
            insert.setString(2, v.id());
            insert.setInt(3, v.versionId());
            insert.setBoolean(4, v.content() == null);
            insert.setString(5, v.sha256());
            insert.addBatch();
            inserts = true;
          } else {
            update.setInt(1, v.versionId());
            update.setBoolean(2, v.content() == null);
            update.setString(3, v.sha256());
            update.setString(4, v.type());
            update.setString(5, v.id());
            // Versions follow each other: the row moves from the one before, as read, or fails (below).
            update.setInt(6, v.versionId() - 1);
            update.addBatch();
            updates = true;
          }
        }
      }
      // Inserts first: a later write of the same transaction may update a row an earlier one created.
      if (inserts) {
        insert.executeBatch();
      }
      if (updates) {
        for (int count : update.executeBatch()) {
          if (count != 1 && count != Statement.SUCCESS_NO_INFO) {
            // Another writer moved a row since it was read: the caller retries with the rows read again.
            throw new SQLException("a current row moved under this write", "40001");
          }
        }
      }
    }
  }
}
