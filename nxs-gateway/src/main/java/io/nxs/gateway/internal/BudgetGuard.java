package io.nxs.gateway.internal;

import io.nxs.core.Severity;
import io.nxs.core.http.ApiException;
import io.nxs.gateway.BudgetsConfig;
import io.nxs.gateway.GatewayEvent;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Monthly budgets (GW9): month-to-date cost, globally and per API key, kept in memory (seeded from
 * the usage table at start), threshold events at 50/75/90/100 % and the optional hard stop.
 */
final class BudgetGuard {

  private static final int[] THRESHOLDS = {50, 75, 90, 100};
  static final String GLOBAL = "global";

  private final BudgetsConfig config;
  private final Telemetry telemetry;
  private final Clock clock;
  private YearMonth month;
  private final Map<String, Double> spent = new HashMap<>();
  private final Map<String, Integer> reached = new HashMap<>();
  private final boolean unlimited;

  BudgetGuard(BudgetsConfig config, Telemetry telemetry, Map<String, Double> monthToDate) {
    this.config = config;
    this.telemetry = telemetry;
    this.clock = telemetry.clock();
    this.unlimited = config.global() == null && config.keys().isEmpty();
    this.month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    spent.putAll(monthToDate);
    spent.forEach((scope, cost) -> reached.put(scope, level(scope, cost)));
  }

  /**
   * Refuses a request whose budget is spent and hard-stopped.
   *
   * @throws ApiException 429 naming the budget, what was spent, and when it resets
   */
  /** Whether any budget is configured (else admitting and spending do nothing). */
  boolean limited() {
    return !unlimited;
  }

  void admit(String apiKeyId) {
    if (unlimited) {
      return; // no budget configured: nothing to check, and no lock on every request
    }
    synchronized (this) {
      refuseIfSpent(apiKeyId);
    }
  }

  private void refuseIfSpent(String apiKeyId) {
    roll();
    for (String scope : List.of(GLOBAL, apiKeyId)) {
      BudgetsConfig.Limit limit = limit(scope);
      if (limit != null && limit.hardStop() && spent.getOrDefault(scope, 0.0) >= limit.monthly()) {
        String who =
            scope.equals(GLOBAL)
                ? "the global monthly budget"
                : "the monthly budget of API key " + scope;
        throw new ApiException(
            429,
            "insufficient_quota",
            "budget_exhausted",
            String.format(
                java.util.Locale.ROOT,
                "%s is spent (%.4f of %.4f); it resets on %s, or raise budgets in nxs.yaml",
                who,
                spent.get(scope),
                limit.monthly(),
                month.plusMonths(1).atDay(1)));
      }
    }
  }

  /** Adds a request's cost and raises an event for each threshold it crosses. */
  void spend(String apiKeyId, double cost) {
    if (cost <= 0 || unlimited) {
      return;
    }
    for (String scope : List.of(GLOBAL, apiKeyId)) {
      BudgetsConfig.Limit limit = limit(scope);
      if (limit == null) {
        continue;
      }
      int before;
      int now;
      double total;
      synchronized (this) {
        roll();
        total = spent.merge(scope, cost, Double::sum);
        now = level(scope, total);
        before = reached.getOrDefault(scope, 0);
        if (now > before) {
          reached.put(scope, now);
        }
      }
      for (int t : THRESHOLDS) {
        if (t > before && t <= now) {
          telemetry.publish(
              new GatewayEvent.BudgetReached(clock.instant(), scope, t, total, limit.monthly()));
          telemetry.audit(
              "budget.threshold",
              t >= 100 ? Severity.HIGH : t >= 90 ? Severity.MEDIUM : Severity.INFO,
              scope,
              Map.of(
                  "percent",
                  t,
                  "spent",
                  total,
                  "limit",
                  limit.monthly(),
                  "hard_stop",
                  limit.hardStop()));
        }
      }
    }
  }

  /** The month-to-date share of each configured budget, in percent, by scope. */
  synchronized Map<String, Double> usedPercent() {
    roll();
    Map<String, Double> out = new java.util.TreeMap<>();
    if (config.global() != null) {
      out.put(GLOBAL, 100 * spent.getOrDefault(GLOBAL, 0.0) / config.global().monthly());
    }
    config
        .keys()
        .forEach(
            (key, limit) -> out.put(key, 100 * spent.getOrDefault(key, 0.0) / limit.monthly()));
    return out;
  }

  private BudgetsConfig.Limit limit(String scope) {
    return scope.equals(GLOBAL) ? config.global() : config.keys().get(scope);
  }

  private int level(String scope, double total) {
    BudgetsConfig.Limit limit = limit(scope);
    if (limit == null) {
      return 0;
    }
    int level = 0;
    for (int t : THRESHOLDS) {
      if (total >= limit.monthly() * t / 100.0) {
        level = t;
      }
    }
    return level;
  }

  private void roll() {
    YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    if (!now.equals(month)) {
      month = now;
      spent.clear();
      reached.clear();
    }
  }
}
