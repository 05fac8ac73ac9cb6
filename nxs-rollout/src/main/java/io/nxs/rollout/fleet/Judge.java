package io.nxs.rollout.fleet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges one instance after an upgrade against its own pre-rollout baseline (SPEC RO4): a rollback
 * when its error rate exceeds twice the baseline, its p99 latency 150 %, its memory 120 %, or its
 * agent lost channels or sessions (a session count that grows is users at work, not a fault), or
 * the new version crash-loops (its processes started more than {@code crash_loop_starts} times
 * since it was installed: the launcher's loop starts it again after each crash). Each relative
 * limit also needs an absolute margin (the floors), so that an idle instance whose baseline is near
 * zero is not rolled back for one slow request.
 */
public final class Judge {

  /**
   * What the judge tolerates.
   *
   * @param errorRateFactor the error rate may reach this many times the baseline, default 2
   * @param errorRateFloor ...and must exceed the baseline by this share of requests, default 0.01
   * @param p99Factor the p99 may reach this share of the baseline, default 1.5
   * @param p99FloorMs ...and must exceed it by this many milliseconds, default 50
   * @param memoryFactor the memory may reach this share of the baseline, default 1.2
   * @param memoryFloorMb ...and must exceed it by this many MiB, default 32
   * @param minRequests fewer requests in the watch than this leave error rate and p99 unjudged,
   *     default 20
   * @param crashLoopStarts the new version's processes may start this many times since it was
   *     installed (the first start included), default 3
   */
  public record Limits(
      @JsonProperty("error_rate_factor") double errorRateFactor,
      @JsonProperty("error_rate_floor") double errorRateFloor,
      @JsonProperty("p99_factor") double p99Factor,
      @JsonProperty("p99_floor_ms") double p99FloorMs,
      @JsonProperty("memory_factor") double memoryFactor,
      @JsonProperty("memory_floor_mb") double memoryFloorMb,
      @JsonProperty("min_requests") long minRequests,
      @JsonProperty("crash_loop_starts") int crashLoopStarts) {

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public Limits(
        @JsonProperty("error_rate_factor") Double errorRateFactor,
        @JsonProperty("error_rate_floor") Double errorRateFloor,
        @JsonProperty("p99_factor") Double p99Factor,
        @JsonProperty("p99_floor_ms") Double p99FloorMs,
        @JsonProperty("memory_factor") Double memoryFactor,
        @JsonProperty("memory_floor_mb") Double memoryFloorMb,
        @JsonProperty("min_requests") Long minRequests,
        @JsonProperty("crash_loop_starts") Integer crashLoopStarts) {
      this(
          atLeast(errorRateFactor, 2.0, 1, "error_rate_factor"),
          atLeast(errorRateFloor, 0.01, 0, "error_rate_floor"),
          atLeast(p99Factor, 1.5, 1, "p99_factor"),
          atLeast(p99FloorMs, 50.0, 0, "p99_floor_ms"),
          atLeast(memoryFactor, 1.2, 1, "memory_factor"),
          atLeast(memoryFloorMb, 32.0, 0, "memory_floor_mb"),
          (long)
              atLeast(
                  minRequests == null ? null : minRequests.doubleValue(), 20, 0, "min_requests"),
          (int)
              atLeast(
                  crashLoopStarts == null ? null : crashLoopStarts.doubleValue(),
                  3,
                  1,
                  "crash_loop_starts"));
    }

    /** The seed's limits. */
    public static Limits defaults() {
      return new Limits(null, null, null, null, null, null, (Long) null, (Integer) null);
    }

    private static double atLeast(Double value, double fallback, double min, String name) {
      if (value == null) {
        return fallback;
      }
      if (value.isNaN() || value < min) {
        throw new IllegalArgumentException(
            name + " must be at least " + min + ", but was " + value);
      }
      return value;
    }
  }

  private Judge() {}

  /**
   * Why an instance must be rolled back, one line per broken limit; empty when it is healthy.
   *
   * @param baseline its figures before the rollout
   * @param now its figures since it was upgraded
   */
  public static List<String> reasons(Vitals baseline, Vitals now, Limits limits) {
    List<String> out = new ArrayList<>();
    if (now.requests() >= limits.minRequests()) {
      double errorLimit =
          Math.max(
              baseline.errorRate() * limits.errorRateFactor(),
              baseline.errorRate() + limits.errorRateFloor());
      if (now.errorRate() > errorLimit) {
        out.add(
            format(
                "error rate %.2f %% > %.1f x baseline %.2f %%",
                now.errorRate() * 100, limits.errorRateFactor(), baseline.errorRate() * 100));
      }
      double p99Limit =
          Math.max(baseline.p99Ms() * limits.p99Factor(), baseline.p99Ms() + limits.p99FloorMs());
      if (now.p99Ms() > p99Limit) {
        out.add(
            format(
                "p99 latency %.0f ms > %.0f %% of baseline %.0f ms",
                now.p99Ms(), limits.p99Factor() * 100, baseline.p99Ms()));
      }
    }
    double memoryLimit =
        Math.max(
            baseline.memoryMb() * limits.memoryFactor(),
            baseline.memoryMb() + limits.memoryFloorMb());
    if (baseline.memoryMb() > 0 && now.memoryMb() > memoryLimit) {
      out.add(
          format(
              "memory %.0f MiB > %.0f %% of baseline %.0f MiB",
              now.memoryMb(), limits.memoryFactor() * 100, baseline.memoryMb()));
    }
    if (baseline.channels() >= 0 && now.channels() >= 0 && now.channels() < baseline.channels()) {
      out.add(
          format(
              "channels disconnected: %d connected, %d before",
              now.channels(), baseline.channels()));
    }
    if (baseline.sessions() >= 0 && now.sessions() >= 0 && now.sessions() < baseline.sessions()) {
      out.add(format("sessions lost: %d open, %d before", now.sessions(), baseline.sessions()));
    }
    return out;
  }

  /**
   * Why an instance's new version counts as crash-looping; empty when it does not.
   *
   * @param version the version it runs
   * @param starts how many of its processes started since it was installed
   */
  public static Optional<String> crashLoop(String version, int starts, Limits limits) {
    if (starts <= limits.crashLoopStarts()) {
      return Optional.empty();
    }
    return Optional.of(
        format(
            "crash loop: %s started %d times since it was installed (limit %d)",
            version, starts, limits.crashLoopStarts()));
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
