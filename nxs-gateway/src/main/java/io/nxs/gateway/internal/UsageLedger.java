package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.NxsException;
import io.nxs.core.state.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token and cost totals (GW9) per UTC day, provider, model and API key, in SQLite.
 *
 * <p>Design note: requests add to in-memory totals and a scheduled {@link #flush()} (every second,
 * and at shutdown) adds them to the table in one transaction, so the request path never waits on an
 * fsync. The price of that is that a SIGKILL loses at most the last second of usage figures;
 * answers to clients are never held back for them.
 */
public final class UsageLedger {

  private record Key(String day, String provider, String model, String apiKeyId) {}

  private static final class Totals {
    long requests;
    long prompt;
    long completion;
    double cost;
  }

  /**
   * One row of totals.
   *
   * @param apiKeyId the NXS API key's id, or {@code -} for none
   */
  public record Row(
      String provider,
      String model,
      String apiKeyId,
      long requests,
      long promptTokens,
      long completionTokens,
      double cost) {}

  private final StateStore store;
  private final Clock clock;
  // Requests add under the key's bin lock only (ConcurrentHashMap.compute), not one lock for all:
  // a flush takes each entry out with remove(), so an addition lands either in the batch being
  // written or in a new entry for the next flush, never in neither.
  private final ConcurrentHashMap<Key, Totals> pending = new ConcurrentHashMap<>();

  public UsageLedger(StateStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Adds one answered request, with the upstream's {@code usage} (may be null).
   *
   * @return the request's cost
   */
  double record(
      String provider,
      String model,
      String apiKeyId,
      JsonNode usage,
      double promptPrice,
      double completionPrice) {
    long prompt = usage == null ? 0 : usage.path("prompt_tokens").asLong(0);
    long completion = usage == null ? 0 : usage.path("completion_tokens").asLong(0);
    Key key =
        new Key(today(), provider, model == null ? "" : model, apiKeyId == null ? "-" : apiKeyId);
    double cost = (prompt * promptPrice + completion * completionPrice) / 1000.0;
    pending.compute(
        key,
        (k, t) -> {
          Totals sum = t == null ? new Totals() : t;
          sum.requests++;
          sum.prompt += prompt;
          sum.completion += completion;
          sum.cost += cost;
          return sum;
        });
    return cost;
  }

  /** Today's UTC date as text; computed once a day, not on every request. */
  private String today() {
    long day = Math.floorDiv(clock.instant().getEpochSecond(), 86_400L);
    Day d = this.day;
    if (d == null || d.epochDay() != day) {
      d = new Day(day, LocalDate.ofEpochDay(day).toString());
      this.day = d;
    }
    return d.text();
  }

  private record Day(long epochDay, String text) {}

  private volatile Day day;

  /** This UTC month's cost so far: {@code global} and per API key id (for budgets). */
  public Map<String, Double> monthToDate() {
    LocalDate first = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).withDayOfMonth(1);
    Map<String, Double> out = new HashMap<>();
    double global = 0;
    for (Row r : totals(first)) {
      out.merge(r.apiKeyId(), r.cost(), Double::sum);
      global += r.cost();
    }
    out.put("global", global);
    return out;
  }

  /** Writes pending totals to the table in one transaction. */
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    Map<Key, Totals> batch = new HashMap<>();
    for (Key k : pending.keySet()) {
      Totals t = pending.remove(k);
      if (t != null) {
        batch.put(k, t);
      }
    }
    try (Connection c = store.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO gateway_usage (day, provider, model, api_key_id, requests, prompt_tokens,"
                  + " completion_tokens, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                  + " ON CONFLICT (day, provider, model, api_key_id) DO UPDATE SET"
                  + " requests = requests + excluded.requests,"
                  + " prompt_tokens = prompt_tokens + excluded.prompt_tokens,"
                  + " completion_tokens = completion_tokens + excluded.completion_tokens,"
                  + " cost = cost + excluded.cost")) {
        for (Map.Entry<Key, Totals> e : batch.entrySet()) {
          Key k = e.getKey();
          Totals t = e.getValue();
          ps.setString(1, k.day());
          ps.setString(2, k.provider());
          ps.setString(3, k.model());
          ps.setString(4, k.apiKeyId());
          ps.setLong(5, t.requests);
          ps.setLong(6, t.prompt);
          ps.setLong(7, t.completion);
          ps.setDouble(8, t.cost);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    } catch (SQLException e) {
      // Put the batch back so the next flush retries it.
      batch.forEach(
          (k, t) ->
              pending.merge(
                  k,
                  t,
                  (now, back) -> {
                    now.requests += back.requests;
                    now.prompt += back.prompt;
                    now.completion += back.completion;
                    now.cost += back.cost;
                    return now;
                  }));
      throw new NxsException(
          "cannot write usage totals to " + store.file() + ": " + e.getMessage(), e);
    }
  }

  /** Totals since a UTC day (inclusive), grouped by provider, model and key; flushes first. */
  public List<Row> totals(LocalDate since) {
    flush();
    List<Row> rows = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT provider, model, api_key_id, SUM(requests), SUM(prompt_tokens),"
                    + " SUM(completion_tokens), SUM(cost) FROM gateway_usage WHERE day >= ?"
                    + " GROUP BY provider, model, api_key_id ORDER BY provider, model, api_key_id")) {
      ps.setString(1, since.toString());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Row(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getLong(6),
                  rs.getDouble(7)));
        }
      }
    } catch (SQLException e) {
      throw new NxsException(
          "cannot read usage totals from " + store.file() + ": " + e.getMessage(), e);
    }
    return rows;
  }
}
