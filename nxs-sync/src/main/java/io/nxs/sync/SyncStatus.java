package io.nxs.sync;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * What {@code nxs sync status} and {@code GET /api/v1/sync} show.
 *
 * @param enabled whether sync is configured ({@code sync.remote})
 * @param node this instance's name in commits
 * @param workspace the synced directory
 * @param remote the remote and branch, without credentials
 * @param intervalSeconds how often it syncs
 * @param lastRun the newest run
 * @param lastSuccess when the newest successful run started
 * @param lagSeconds seconds since the newest successful run started: how stale this workspace's
 *     view of the other instances can be; -1 before the first
 * @param latencySeconds {@code sync.latency_seconds}: see {@link WorkspaceSync#latencySeconds}
 * @param pendingChanges files changed here and not yet on the remote
 * @param pending the first of them
 * @param conflicts the newest conflicts resolved, newest first
 * @param conflicts24h how many conflicts were resolved in the last 24 hours
 * @param health {@code up} or {@code degraded}
 * @param healthDetail one line
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SyncStatus(
    boolean enabled,
    String node,
    String workspace,
    String remote,
    long intervalSeconds,
    SyncReport lastRun,
    Instant lastSuccess,
    long lagSeconds,
    double latencySeconds,
    int pendingChanges,
    List<String> pending,
    List<SyncConflict> conflicts,
    long conflicts24h,
    String health,
    String healthDetail) {

  public SyncStatus {
    pending = pending == null ? List.of() : List.copyOf(pending);
    conflicts = conflicts == null ? List.of() : List.copyOf(conflicts);
  }

  /** The status of a daemon without {@code sync.remote}. */
  public static SyncStatus disabled() {
    return new SyncStatus(
        false,
        null,
        null,
        null,
        0,
        null,
        null,
        -1,
        0,
        0,
        List.of(),
        List.of(),
        0,
        "disabled",
        "sync is off: set sync.remote in nxs.yaml to a git remote shared by your instances");
  }
}
