package io.nxs.cluster.internal;

import io.nxs.core.Json;
import io.nxs.core.cluster.TaskSpec;
import io.nxs.core.cluster.TaskStatus;
import io.nxs.core.cluster.TaskStatus.Phase;
import java.time.Instant;
import java.util.Optional;

/**
 * A task as the cluster shares it. Exactly one node writes a live task at a time: the submitter
 * until it is placed, then the coordinator (placement), then its owner (claim, run, hand over,
 * finish); the coordinator again only once the owner was removed from the cluster. The LWW stamp is
 * the record's progress ({@link #stamp}), so after a split the more advanced copy wins and a
 * finished task is never reopened.
 *
 * @param owner the id of the node it is placed on; empty while unplaced
 * @param ownerUid that node's Pekko incarnation, so a restarted node does not inherit its
 *     predecessor's tasks
 * @param attempt 1, plus one for every owner lost before it finished
 * @param version increases with every write
 * @param ended when it finished (DONE or FAILED), on its owner's clock; null while unfinished, and
 *     in records written before this field existed
 */
record TaskRecord(
    String id,
    String type,
    String payload,
    boolean movable,
    boolean ioHeavy,
    String cacheKey,
    String owner,
    long ownerUid,
    Phase phase,
    int attempt,
    long version,
    Instant submitted,
    String detail,
    Instant ended) {

  /** Finished records outrank every unfinished one. */
  static final long FINISHED = 1L << 40;

  static TaskRecord submitted(TaskSpec spec, Instant now) {
    return new TaskRecord(
        spec.id(),
        spec.type(),
        spec.payload(),
        spec.movable(),
        spec.ioHeavy(),
        spec.cacheKey(),
        "",
        0,
        Phase.QUEUED,
        1,
        1,
        now,
        "",
        null);
  }

  TaskSpec spec() {
    return new TaskSpec(id, type, payload, movable, ioHeavy, cacheKey);
  }

  TaskStatus status() {
    return new TaskStatus(id, phase, owner, attempt, detail);
  }

  /**
   * Whether this is a finished task that finished before {@code cutoff}: what the coordinator
   * prunes. A finished record without {@link #ended} (written before it existed) counts from its
   * submission, which is earlier, never later, than its end.
   */
  boolean finishedBefore(Instant cutoff) {
    return phase.finished() && (ended == null ? submitted : ended).isBefore(cutoff);
  }

  long stamp() {
    return phase.finished() ? FINISHED + version : version;
  }

  boolean placedOn(String nodeId, long uid) {
    return owner.equals(nodeId) && ownerUid == uid;
  }

  TaskRecord placed(String nodeId, long uid) {
    return new TaskRecord(
        id,
        type,
        payload,
        movable,
        ioHeavy,
        cacheKey,
        nodeId,
        uid,
        Phase.QUEUED,
        attempt,
        version + 1,
        submitted,
        "",
        null);
  }

  /** Placed again because its owner was lost: one more attempt. */
  TaskRecord orphaned() {
    return new TaskRecord(
        id,
        type,
        payload,
        movable,
        ioHeavy,
        cacheKey,
        "",
        0,
        Phase.QUEUED,
        attempt + 1,
        version + 1,
        submitted,
        "",
        null);
  }

  TaskRecord running() {
    return new TaskRecord(
        id,
        type,
        payload,
        movable,
        ioHeavy,
        cacheKey,
        owner,
        ownerUid,
        Phase.RUNNING,
        attempt,
        version + 1,
        submitted,
        "",
        null);
  }

  TaskRecord finished(Phase end, String result, Instant at) {
    return new TaskRecord(
        id,
        type,
        payload,
        movable,
        ioHeavy,
        cacheKey,
        owner,
        ownerUid,
        end,
        attempt,
        version + 1,
        submitted,
        result,
        at);
  }

  String json() {
    return Json.write(this);
  }

  static Optional<TaskRecord> parse(String json) {
    try {
      TaskRecord r = Json.mapper().readValue(json, TaskRecord.class);
      return r.id() == null || r.phase() == null || r.owner() == null
          ? Optional.empty()
          : Optional.of(r);
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
