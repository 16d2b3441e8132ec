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

  /**
   * The current versions (deletes too), with content, of the resources first stored by the changes numbered
   * {@code after + 1} to {@code upTo}, in first-stored order. A resource's version 1 is written by the change that
   * first stores it, at that change's feed position, so the feed's index (change_seq) finds them; read by ranges of
   * the feed, in H2 and PostgreSQL alike, so a store of millions is read a range at a time (H2's driver reads a whole
   * result into memory).
   */
  static List<StoredRow> currentCreatedBetween(Connection c, long after, long upTo) throws SQLException {
    String sql = "SELECT c.res_type, c.res_id, c.version_id, v.last_updated, v.content"
        + " FROM resource_version f JOIN resource_current c ON c.res_type = f.res_type AND c.res_id = f.res_id"
        + " JOIN resource_version v"
        + " ON v.res_type = c.res_type AND v.res_id = c.res_id AND v.version_id = c.version_id"
        + " WHERE f.version_id = 1 AND f.change_seq > ? AND f.change_seq <= ? ORDER BY f.change_seq, f.change_ord";
    List<StoredRow> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setFetchSize(FETCH_SIZE);
      ps.setLong(1, after);
      ps.setLong(2, upTo);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(row(rs, true));
        }
      }
    }
    return rows;
  }

  /**
   * The current versions, with content, of at most {@code limit} live resources of a type whose ids come after
   * {@code afterId} (in id order, which the primary key serves).
   */
  static List<StoredRow> currentOfType(Connection c, String type, String afterId, int limit) throws SQLException {
    return rows(c, "SELECT c.res_type, c.res_id, c.version_id, v.last_updated, v.content"
        + " FROM resource_current c JOIN resource_version v"
        + " ON v.res_type = c.res_type AND v.res_id = c.res_id AND v.version_id = c.version_id"
        + " WHERE c.res_type = ? AND c.res_id > ? AND NOT c.deleted ORDER BY c.res_id FETCH FIRST " + limit
        + " ROWS ONLY", type, afterId);
  }

  /** {@link #changesWithSeq} without content: what the current view needs. */
  static List<FeedRow> changeStamps(Connection c, long after, long upTo) throws SQLException {
    return feed(c, after, upTo, false);
  }

  /**
   * Every version written by the changes numbered {@code after + 1} to {@code upTo}, in feed order, each with its
   * feed position.
   */
  static List<FeedRow> changesWithSeq(Connection c, long after, long upTo) throws SQLException {
    return feed(c, after, upTo, true);
  }

  /** The feed's versions in a range, with their content (a delete's is null) or with only the deleted flag. */
  private static List<FeedRow> feed(Connection c, long after, long upTo, boolean content) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT res_type, res_id, version_id, last_updated, "
        + (content ? "content" : "deleted") + ", change_seq FROM resource_version"
        + " WHERE change_seq > ? AND change_seq <= ? ORDER BY change_seq, change_ord")) {
      ps.setFetchSize(FETCH_SIZE);
      ps.setLong(1, after);
      ps.setLong(2, upTo);
      List<FeedRow> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new FeedRow(row(rs, content), rs.getLong(6)));
        }
      }
      return rows;
    }
  }

  /** A stored version and the feed position of the write that stored it. */
  record FeedRow(StoredRow row, long seq) {}

  /**
   * Columns 1-5 as a row: type, id, version, last updated, then the content (with content) or the deleted flag
   * (without: a row without content then stands for a live version when not deleted).
   */
  private static StoredRow row(ResultSet rs, boolean content) throws SQLException {
    byte[] bytes = content ? rs.getBytes(5) : rs.getBoolean(5) ? null : NO_CONTENT;
    return new StoredRow(rs.getString(1), rs.getString(2), rs.getInt(3),
        rs.getObject(4, OffsetDateTime.class).toInstant(), bytes);
  }

  /** Stands for content not read (a live version) in rows read without content. */
  static final byte[] NO_CONTENT = new byte[0];

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
