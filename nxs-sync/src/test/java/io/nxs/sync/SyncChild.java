package io.nxs.sync;

import io.nxs.audit.AuditLog;
import io.nxs.core.event.EventBus;
import io.nxs.core.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A child JVM running one sync, for the SIGKILL test: {@code SyncChild HOME WORKSPACE REMOTE NODE
 * PHASE N} syncs, and when it reaches {@code PHASE} with {@code N} files done prints {@code HALTED}
 * and waits there for its parent to kill it.
 */
public final class SyncChild {

  private SyncChild() {}

  public static void main(String[] args) throws InterruptedException {
    Path home = Path.of(args[0]);
    StateStore store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    AuditLog audit = AuditLog.open(store, home.resolve("keys"), Clock.systemUTC());
    WorkspaceSync sync =
        WorkspaceSync.open(
            new WorkspaceSync.Settings(
                home,
                Path.of(args[1]),
                SyncManifest.defaults(),
                args[2],
                "main",
                args[3],
                Duration.ofMinutes(5),
                Map.of()),
            store,
            audit,
            new EventBus(),
            Clock.systemUTC());
    SyncListener.Phase haltAt = SyncListener.Phase.valueOf(args[4]);
    int haltAfter = Integer.parseInt(args[5]);
    Object forever = new Object();
    sync.sync(
        (phase, done, total) -> {
          if (phase == haltAt && done == haltAfter) {
            System.out.println("HALTED " + phase + " " + done + "/" + total);
            System.out.flush();
            synchronized (forever) {
              while (true) {
                try {
                  forever.wait();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            }
          }
        });
    System.out.println("FINISHED");
  }
}
