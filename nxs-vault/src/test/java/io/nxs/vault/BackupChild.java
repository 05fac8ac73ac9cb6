package io.nxs.vault;

import io.nxs.audit.AuditLog;
import io.nxs.core.state.StateStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A backup in its own process, for crash tests: prints {@code blob <name>} as each blob is stored
 * and {@code done <id>} at the end, so the test can SIGKILL it at a chosen point.
 */
public final class BackupChild {

  private BackupChild() {}

  public static void main(String[] args) {
    Path home = Path.of(args[0]);
    Path agent = Path.of(args[1]);
    PrintStream out = System.out;
    StateStore store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    AuditLog audit = AuditLog.open(store, home.resolve("keys"), Clock.systemUTC());
    VaultConfig base = VaultConfig.defaults();
    VaultConfig config =
        new VaultConfig(
            List.of(new VaultConfig.Source(agent.toString(), null, null)),
            false,
            null,
            base.targets(),
            base.retention(),
            base.schedule(),
            base.rpo());
    Vault vault = Vault.open(home, config, store, audit, Clock.systemUTC());
    out.println("started");
    out.flush();
    BackupResult result =
        vault.create(
            new Progress() {
              @Override
              public void blobWritten(String name) {
                synchronized (out) {
                  out.println("blob " + name);
                  out.flush();
                }
              }
            });
    out.println("done " + result.snapshot().id());
    out.flush();
    audit.close();
  }
}
