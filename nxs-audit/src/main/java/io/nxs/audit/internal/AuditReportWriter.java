package io.nxs.audit.internal;

import io.nxs.audit.AuditEntry;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nxs audit report}: counts by type and by severity over a period, and the notable (critical
 * and high) events, as a markdown document or JSON.
 */
public final class AuditReportWriter {

  /** Most notable events listed one by one; the rest are counted. */
  public static final int MAX_NOTABLE = 100;

  private AuditReportWriter() {}

  /**
   * Builds the report over {@code [to - period, to]}.
   *
   * @param format {@code markdown} or {@code json}
   * @throws NxsException for another format
   */
  public static String write(Connection c, Instant to, Duration period, String format)
      throws SQLException {
    if (!"markdown".equals(format) && !"json".equals(format)) {
      throw new NxsException("report format must be markdown or json, but was '" + format + "'");
    }
    Instant from = to.minus(period);
    long fromMillis = from.toEpochMilli();
    Map<String, Long> byType = counts(c, "event_type", fromMillis);
    Map<String, Long> bySeverity = new LinkedHashMap<>();
    Map<String, Long> raw = counts(c, "severity", fromMillis);
    for (Severity s : Severity.values()) {
      bySeverity.put(s.label(), raw.getOrDefault(s.label(), 0L));
    }
    long total = byType.values().stream().mapToLong(Long::longValue).sum();
    long notableCount = bySeverity.get("critical") + bySeverity.get("high");
    List<AuditEntry> notable = notable(c, fromMillis);
    if ("json".equals(format)) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("from", from);
      out.put("to", to);
      out.put("total", total);
      out.put("by_type", byType);
      out.put("by_severity", bySeverity);
      out.put("notable_count", notableCount);
      out.put("notable", notable);
      return Json.writePretty(out);
    }
    StringBuilder md = new StringBuilder();
    md.append("# NXS audit report\n\n");
    md.append("Period: ")
        .append(from)
        .append(" to ")
        .append(to)
        .append(" (")
        .append(io.nxs.core.config.Durations.format(period))
        .append(")  \n");
    md.append("Entries: ").append(total).append("\n\n");
    md.append("## By severity\n\n| Severity | Count |\n|---|---:|\n");
    bySeverity.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("\n## By type\n\n");
    if (byType.isEmpty()) {
      md.append("No events in this period.\n");
    } else {
      md.append("| Type | Count |\n|---|---:|\n");
      byType.forEach(
          (k, v) -> md.append("| ").append(cell(k)).append(" | ").append(v).append(" |\n"));
    }
    md.append("\n## Notable events (critical and high)\n\n");
    if (notable.isEmpty()) {
      md.append("None.\n");
    } else {
      md.append("| Seq | Time | Severity | Type | Actor | Target |\n|---:|---|---|---|---|---|\n");
      for (AuditEntry e : notable) {
        md.append("| ")
            .append(e.seq())
            .append(" | ")
            .append(e.timestamp())
            .append(" | ")
            .append(e.severityLabel())
            .append(" | ")
            .append(cell(e.eventType()))
            .append(" | ")
            .append(cell(e.actor()))
            .append(" | ")
            .append(cell(e.target()))
            .append(" |\n");
      }
      if (notableCount > notable.size()) {
        md.append("\n… and ")
            .append(notableCount - notable.size())
            .append(" more: `nxs audit query` lists them all.\n");
      }
    }
    return md.toString();
  }

  private static Map<String, Long> counts(Connection c, String column, long fromMillis)
      throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + column
                + ", COUNT(*) FROM audit_entries WHERE ts_millis >= ?"
                + " GROUP BY "
                + column
                + " ORDER BY COUNT(*) DESC, "
                + column)) {
      ps.setLong(1, fromMillis);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  private static List<AuditEntry> notable(Connection c, long fromMillis) throws SQLException {
    List<AuditEntry> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + EntryRows.COLUMNS
                + " FROM audit_entries WHERE ts_millis >= ?"
                + " AND severity IN ('critical', 'high') ORDER BY seq LIMIT "
                + MAX_NOTABLE)) {
      ps.setLong(1, fromMillis);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(EntryRows.read(rs));
        }
      }
    }
    return out;
  }

  /** A markdown table cell: pipes escaped, line breaks flattened. */
  private static String cell(String text) {
    return text.replace("\\", "\\\\").replace("|", "\\|").replaceAll("[\\r\\n]+", " ");
  }
}
