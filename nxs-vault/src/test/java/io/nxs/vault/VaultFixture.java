package io.nxs.vault;

import io.nxs.audit.AuditLog;
import io.nxs.core.state.StateStore;
import io.nxs.testkit.MutableClock;
import io.nxs.testkit.TempHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/** A real NXS home for vault tests: state.db, the real audit log, nxs.yaml, and an agent dir. */
final class VaultFixture implements AutoCloseable {

  final TempHome home = TempHome.create();
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  final StateStore store;
  final AuditLog audit;
  final Path agent;

  VaultFixture() {
    try {
      Files.writeString(home.resolve("nxs.yaml"), "server:\n  port: 0\n");
      agent = Files.createDirectories(home.resolve("agent"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    audit = AuditLog.open(store, home.resolve("keys"), clock);
    execute("CREATE TABLE IF NOT EXISTS agent_notes (id INTEGER PRIMARY KEY, body TEXT)");
  }

  /** A vault over the agent dir, backing up into {@code backups/}. */
  Vault vault() {
    return vault(VaultConfig.defaults());
  }

  Vault vault(VaultConfig base) {
    VaultConfig config =
        base.withSources(List.of(new VaultConfig.Source(agent.toString(), null, null)));
    return Vault.open(
        home.path(),
        new VaultConfig(
            config.sources(),
            false,
            null,
            config.targets(),
            config.retention(),
            config.schedule(),
            config.rpo(),
            config.passphraseEnv()),
        store,
        audit,
        clock);
  }

  Path repo() {
    return home.resolve("backups");
  }

  void execute(String sql) {
    try (Connection c = store.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    audit.close();
    home.close();
  }
}
