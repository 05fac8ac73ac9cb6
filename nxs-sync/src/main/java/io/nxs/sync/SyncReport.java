package io.nxs.sync;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * One sync run.
 *
 * @param startedAt when it started
 * @param millis how long it took
 * @param ok whether it completed
 * @param error why not, one line; null when ok
 * @param localChanges files changed here since the last sync (added, modified, deleted)
 * @param remoteChanges files changed on the remote since the last sync
 * @param pushed whether this run pushed a commit
 * @param commit the remote head after the run (the commit both sides now agree on), null if none
 * @param applied files this run wrote into or removed from the workspace
 * @param deferred files the agent changed while the run was writing: left as the agent wrote them,
 *     merged by the next run
 * @param conflicts the conflicts this run resolved
 * @param latencySeconds for the changes this run brought in, the longest time from their write on
 *     the other instance to now; 0 when none came in
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SyncReport(
    Instant startedAt,
    long millis,
    boolean ok,
    String error,
    int localChanges,
    int remoteChanges,
    boolean pushed,
    String commit,
    int applied,
    int deferred,
    List<SyncConflict> conflicts,
    double latencySeconds) {

  public SyncReport {
    conflicts = conflicts == null ? List.of() : List.copyOf(conflicts);
  }

  static SyncReport failed(Instant startedAt, long millis, String error, int localChanges) {
    return new SyncReport(
        startedAt, millis, false, error, localChanges, 0, false, null, 0, 0, List.of(), 0);
  }
}
