package io.nxs.audit;

import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.state.StateStore;
import io.nxs.testkit.MutableClock;
import io.nxs.testkit.TempHome;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/** A real state store and audit log in a temporary home, plus plain JDBC for tampering. */
final class AuditFixture implements AutoCloseable {

  final TempHome home = TempHome.create();
  final MutableClock clock = MutableClock.startingAt2026();
  final StateStore store = StateStore.open(home.resolve("state.db"));
  AuditLog log = AuditLog.open(store, keysDir(), clock);

  Path keysDir() {
    return home.resolve("keys");
  }

  /** A second, independent audit log on the same file, as the CLI would open it. */
  AuditLog openAnother() {
    return AuditLog.open(StateStore.open(home.resolve("state.db")), keysDir(), clock);
  }

  /** A plain JDBC connection that bypasses NXS, for tampering and for durability checks. */
  Connection jdbc() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + store.file().toAbsolutePath());
  }

  int sql(String statement) throws SQLException {
    try (Connection c = jdbc();
        var s = c.createStatement()) {
      return s.executeUpdate(statement);
    }
  }

  long count() throws SQLException {
    try (Connection c = jdbc();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*) FROM audit_entries")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Appends {@code n} events one after another (so each is its own signed batch). */
  void appendSequentially(int n) {
    for (int i = 1; i <= n; i++) {
      log.append(event(i));
    }
  }

  static AuditEvent event(int i) {
    return new AuditEvent(
        i % 5 == 0 ? "security.lockout" : "provider.failover",
        i % 5 == 0 ? Severity.HIGH : Severity.INFO,
        "nxs",
        "target-" + i,
        Map.of("attempt", i, "note", "event number " + i, "nested", Map.of("b", 2, "a", 1)));
  }

  @Override
  public void close() {
    log.close();
    home.close();
  }
}
