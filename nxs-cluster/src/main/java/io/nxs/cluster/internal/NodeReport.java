package io.nxs.cluster.internal;

import io.nxs.cluster.placement.ScoreInputs;
import io.nxs.core.Json;
import java.time.Instant;
import java.util.Optional;

/**
 * What a node gossips about itself every heartbeat: its score inputs and health. Read defensively:
 * a report another build (or a bug) wrote badly is skipped, never fatal.
 *
 * @param nodeId the node's id
 * @param uid its Pekko incarnation
 * @param seq increases with every report of one incarnation; a new one is a heartbeat
 * @param at when it was written, by the node's clock
 * @param cpuFree 1 − load / cores
 * @param memoryFree 1 − used / total memory
 * @param queued tasks waiting or running on it
 * @param maxQueue its {@code max_queue}
 * @param latencyMs its last majority round trip
 * @param successRate share of its tasks that succeeded
 * @param errorRate share of its HTTP requests that failed (5xx) since the last report
 * @param apiUrl where its HTTP API answers
 * @param leaving whether it is leaving gracefully
 * @param taskTypes the task types it has handlers for (placement sends it only those)
 */
record NodeReport(
    String nodeId,
    long uid,
    long seq,
    Instant at,
    double cpuFree,
    double memoryFree,
    int queued,
    int maxQueue,
    double latencyMs,
    double successRate,
    double errorRate,
    String apiUrl,
    boolean leaving,
    java.util.Set<String> taskTypes) {

  NodeReport {
    taskTypes = taskTypes == null ? java.util.Set.of() : java.util.Set.copyOf(taskTypes);
    apiUrl = apiUrl == null ? "" : apiUrl;
  }

  ScoreInputs inputs() {
    return new ScoreInputs(cpuFree, memoryFree, queued, maxQueue, latencyMs, successRate);
  }

  String json() {
    return Json.write(this);
  }

  /** The report in a text, or empty when the text is not a well-formed report. */
  static Optional<NodeReport> parse(String json) {
    try {
      NodeReport r = Json.mapper().readValue(json, NodeReport.class);
      return r.nodeId() == null || r.at() == null ? Optional.empty() : Optional.of(r);
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
