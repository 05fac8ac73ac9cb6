package io.nxs.vault.internal;

import io.nxs.vault.VaultConfig.Retention;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Which snapshots a retention policy keeps (SPEC VA4): the newest snapshot overall, and the newest
 * snapshot of each of the last N hours, days, ISO weeks and months that hold one (UTC). A snapshot
 * kept by several rules counts once.
 */
public final class RetentionRule {

  private RetentionRule() {}

  /**
   * @param snapshots id → creation time
   * @return the ids to keep
   */
  public static Set<String> keep(Map<String, Instant> snapshots, Retention policy) {
    List<Map.Entry<String, Instant>> newestFirst =
        snapshots.entrySet().stream()
            .sorted(
                Map.Entry.<String, Instant>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
            .toList();
    Set<String> keep = new LinkedHashSet<>();
    if (newestFirst.isEmpty()) {
      return keep;
    }
    keep.add(newestFirst.getFirst().getKey());
    apply(newestFirst, policy.hourly(), t -> t.truncatedTo(ChronoUnit.HOURS), keep);
    apply(newestFirst, policy.daily(), t -> t.toLocalDate(), keep);
    apply(
        newestFirst,
        policy.weekly(),
        t -> t.get(IsoFields.WEEK_BASED_YEAR) * 100 + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
        keep);
    apply(newestFirst, policy.monthly(), t -> t.getYear() * 100 + t.getMonthValue(), keep);
    return keep;
  }

  private static void apply(
      List<Map.Entry<String, Instant>> newestFirst,
      int count,
      Function<ZonedDateTime, Object> bucket,
      Set<String> keep) {
    Object last = null;
    int kept = 0;
    for (Map.Entry<String, Instant> s : newestFirst) {
      if (kept >= count) {
        return;
      }
      Object b = bucket.apply(s.getValue().atZone(ZoneOffset.UTC));
      if (!Objects.equals(b, last)) {
        keep.add(s.getKey());
        kept++;
        last = b;
      }
    }
  }
}
