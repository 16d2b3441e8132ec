package org.trialfhir.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The store's read queries: the change-feed clock, the current versions, the feed since a point, one history. */
final class VersionReads {
  /** Rows fetched per round trip when loading or following the feed (PostgreSQL streams them, H2 ignores it). */
  private static final int FETCH_SIZE = 1000;

  /** One stored version as read, content still compressed; {@code content} is null for a delete. */
  record StoredRow(String type, String id, int versionId, Instant lastUpdated, byte[] content) {}

  private VersionReads() {}

  /** The sequence number of the last committed change (0 for an empty store). */
  static long lastSeq(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM store_clock WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("store_clock has no row: the schema was not created by the trialfhir migrations");
      }
      return rs.getLong(1);
    }
  }

  /** The current version of every resource ever stored (deletes too), in first-stored order. */
  static List<StoredRow> current(Connection c) throws SQLException {
    return rows(c, "SELECT c.res_type, c.res_id, c.version_id, v.last_updated, v.content"
        + " FROM resource_current c JOIN resource_version v"
        + " ON v.res_type = c.res_type AND v.res_id = c.res_id AND v.version_id = c.version_id"
        + " ORDER BY c.created_seq, c.created_ord");
  }

  /** Every version written by the changes numbered {@code after + 1} to {@code upTo}, in feed order. */
  static List<StoredRow> changes(Connection c, long after, long upTo) throws SQLException {
    return rows(c, "SELECT res_type, res_id, version_id, last_updated, content FROM resource_version"
        + " WHERE change_seq > ? AND change_seq <= ? ORDER BY change_seq, change_ord", after, upTo);
  }

  /** Every version of one resource, oldest first. */
  static List<StoredRow> history(Connection c, String type, String id) throws SQLException {
    return rows(c, "SELECT res_type, res_id, version_id, last_updated, content FROM resource_version"
        + " WHERE res_type = ? AND res_id = ? ORDER BY version_id", type, id);
  }

  static Optional<StoredRow> version(Connection c, String type, String id, int versionId) throws SQLException {
    List<StoredRow> rows = rows(c, "SELECT res_type, res_id, version_id, last_updated, content FROM resource_version"
        + " WHERE res_type = ? AND res_id = ? AND version_id = ?", type, id, versionId);
    return rows.stream().findFirst();
  }

  /** Whether any resource of the type was ever stored, deleted ones included. */
  static boolean everStored(Connection c, String type) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM resource_current WHERE res_type = ? FETCH FIRST 1 ROWS ONLY")) {
      ps.setString(1, type);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static List<StoredRow> rows(Connection c, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setFetchSize(FETCH_SIZE);
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      List<StoredRow> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new StoredRow(rs.getString(1), rs.getString(2), rs.getInt(3),
              rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getBytes(5)));
        }
      }
      return rows;
    }
  }
}
