package io.nxs.audit.internal;

import io.nxs.audit.AuditEntry;
import io.nxs.core.Severity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Reads {@code audit_entries} rows into {@link AuditEntry} values. */
public final class EntryRows {

  /** The column list every reader selects, in the order {@link #read} expects. */
  public static final String COLUMNS =
      "seq, ts_millis, event_type, severity, actor, target, details, prev_hash, hash, signature";

  private EntryRows() {}

  /** The entry at the result set's current row. */
  public static AuditEntry read(ResultSet rs) throws SQLException {
    return new AuditEntry(
        rs.getLong(1),
        Instant.ofEpochMilli(rs.getLong(2)),
        rs.getString(3),
        Severity.parse(rs.getString(4)),
        rs.getString(5),
        rs.getString(6),
        EntryCodec.parseDetails(rs.getString(7)),
        rs.getString(8),
        rs.getString(9),
        rs.getString(10));
  }
}
