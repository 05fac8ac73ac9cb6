package io.nxs.rollout.fleet;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One instance's own figures over a short window, as the rollout judge compares them (SPEC RO4).
 *
 * @param requests API requests answered in the window
 * @param errorRate the share of them answered with a 5xx status, in [0, 1]
 * @param p99Ms their 99th percentile latency in milliseconds; 0 without requests
 * @param memoryMb the JVM heap in use after the last collection, in MiB
 * @param channels the agent's connected chat channels; -1 when this instance does not measure them
 * @param sessions the agent's open sessions; -1 when this instance does not measure them
 */
public record Vitals(
    long requests,
    @JsonProperty("error_rate") double errorRate,
    @JsonProperty("p99_ms") double p99Ms,
    @JsonProperty("memory_mb") double memoryMb,
    int channels,
    int sessions) {

  /** Nothing measured yet. */
  public static final Vitals NONE = new Vitals(0, 0, 0, 0, -1, -1);

  /**
   * Several windows as one: the request-weighted error rate, the highest p99, the mean memory, and
   * the latest channels and sessions (counts, not rates).
   */
  public static Vitals mean(java.util.List<Vitals> windows) {
    if (windows.isEmpty()) {
      return NONE;
    }
    long requests = 0;
    double errors = 0;
    double latency = 0;
    double memory = 0;
    for (Vitals v : windows) {
      requests += v.requests;
      errors += v.errorRate * v.requests;
      latency = Math.max(latency, v.p99Ms);
      memory += v.memoryMb;
    }
    Vitals last = windows.getLast();
    return new Vitals(
        requests,
        requests == 0 ? 0 : errors / requests,
        latency,
        memory / windows.size(),
        last.channels,
        last.sessions);
  }
}
