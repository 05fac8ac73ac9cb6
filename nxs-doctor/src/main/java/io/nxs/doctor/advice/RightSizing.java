package io.nxs.doctor.advice;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Right-sizing from the Doctor's figures (SPEC DR10, the table of seed 000 §4): CPU below 20 % on
 * average → half the vCPUs; memory below 40 % used → half the memory; idle at least 80 % of the
 * time → spot or preemptible instead of always-on. The seed's fourth row (network below its link)
 * needs interface throughput, which the Doctor does not collect; it is not advised.
 *
 * <p>Pure: the figures come in, the rows go out. Nothing is advised from less than {@link
 * #MIN_SPAN} of figures — an hour-old daemon has not seen its load.
 */
public final class RightSizing {

  public static final double CPU_LOW = 20;
  public static final double MEMORY_LOW = 40;
  public static final double IDLE_SHARE = 0.8;

  /** CPU below this in a sample counts as an idle moment. */
  public static final double IDLE_CPU = 5;

  /** The least span of figures anything is advised from. */
  public static final Duration MIN_SPAN = Duration.ofMinutes(30);

  private RightSizing() {}

  /**
   * The figures one instance's advice is made from.
   *
   * @param span how long the figures cover
   * @param cpuAvg average CPU use in percent; NaN when unknown
   * @param cores logical CPUs; 0 when unknown
   * @param memoryUsedAvg average memory use in percent; NaN when unknown
   * @param memoryTotalMb total memory; 0 when unknown
   * @param idleShare the share of samples with CPU below {@link #IDLE_CPU} and an empty queue; NaN
   *     when unknown
   */
  public record Figures(
      Duration span,
      @JsonProperty("cpu_avg") double cpuAvg,
      int cores,
      @JsonProperty("memory_used_avg") double memoryUsedAvg,
      @JsonProperty("memory_total_mb") double memoryTotalMb,
      @JsonProperty("idle_share") double idleShare) {}

  /** The recommendations these figures support, possibly none. */
  public static List<Recommendation> of(Figures f) {
    List<Recommendation> out = new ArrayList<>();
    if (f.span().compareTo(MIN_SPAN) < 0) {
      return out;
    }
    String over = "over " + human(f.span());
    if (f.cores() >= 2 && f.cpuAvg() < CPU_LOW) {
      out.add(
          new Recommendation(
              "cpu",
              String.format(Locale.ROOT, "CPU %.0f %% average %s (< 20 %%)", f.cpuAvg(), over),
              f.cores() + " vCPU",
              f.cores() / 2 + " vCPU",
              50));
    }
    if (f.memoryTotalMb() >= 1024 && f.memoryUsedAvg() < MEMORY_LOW) {
      out.add(
          new Recommendation(
              "memory",
              String.format(
                  Locale.ROOT,
                  "memory %.0f %% used on average %s (< 40 %%)",
                  f.memoryUsedAvg(),
                  over),
              gb(f.memoryTotalMb()),
              gb(f.memoryTotalMb() / 2),
              50));
    }
    if (f.idleShare() >= IDLE_SHARE) {
      out.add(
          new Recommendation(
              "schedule",
              String.format(
                  Locale.ROOT, "idle %.0f %% of the time %s (>= 80 %%)", f.idleShare() * 100, over),
              "always-on",
              "spot/preemptible",
              70));
    }
    return out;
  }

  private static String gb(double mb) {
    double g = mb / 1024;
    return g >= 10
        ? String.format(Locale.ROOT, "%.0f GB", g)
        : String.format(Locale.ROOT, "%.1f GB", g);
  }

  private static String human(Duration d) {
    return d.toHours() >= 1 ? d.toHours() + " h" : d.toMinutes() + " min";
  }
}
