package io.nxs.app.cli;

import io.nxs.app.NxsHome;
import io.nxs.audit.AuditLog;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.lockdown.Lockdown;
import io.nxs.core.state.StateStore;
import java.time.Clock;

/**
 * A home opened by a CLI command directly, daemon running or not: SQLite serialises the writers and
 * the audit log appends inside an immediate transaction, so both processes keep one chain.
 */
final class OfflineHome implements AutoCloseable {

  final NxsHome home;
  final StateStore store;
  final AuditLog audit;

  private OfflineHome(NxsHome home, StateStore store, AuditLog audit) {
    this.home = home;
    this.store = store;
    this.audit = audit;
  }

  /**
   * @throws UsageException when the home does not exist yet
   */
  static OfflineHome open(GlobalOptions global, Clock clock) {
    NxsHome home = global.home();
    if (!home.exists()) {
      throw new UsageException(
          "no NXS home at " + home.dir() + ": start NXS once with 'nxs serve', or pass --home");
    }
    StateStore store = StateStore.open(home.stateDb());
    store.migrate("core");
    return new OfflineHome(home, store, AuditLog.open(store, home.keys(), clock));
  }

  ApiKeyStore keys(Clock clock) {
    return new ApiKeyStore(store, audit, clock);
  }

  Lockdown lockdown(Clock clock) {
    return new Lockdown(store, audit, clock);
  }

  @Override
  public void close() {
    audit.close();
  }
}
