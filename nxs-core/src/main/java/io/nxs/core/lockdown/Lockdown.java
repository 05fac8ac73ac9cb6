package io.nxs.core.lockdown;

import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.ext.ReadinessCheck;
import io.nxs.core.http.AccessPolicy;
import io.nxs.core.http.ApiException;
import io.nxs.core.state.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lockdown mode (SEC5, seed "Emergency Lockdown"): while it is on, every admin route is refused
 * with 403 {@code lockdown} except to the owner key (the one in {@code keys/admin.key}, see {@link
 * ApiKey#owner()}); read routes and the agents' {@code /v1/*} keep working, so the agent survives,
 * unless the lockdown also covers the agents. It is not an outage: {@code /readyz} stays ready and
 * carries a {@code lockdown} entry.
 *
 * <p>The state is one row of {@code state.db}, so it survives a restart, and the CLI may change it
 * with the daemon stopped. The gate asks on every request: the row is read at most once per {@link
 * #CACHE_TTL}, a change through this object takes effect at once, one written by another process
 * within {@link #CACHE_TTL}. Entering and lifting are audited ({@code security.lockdown}, {@code
 * security.lockdown_lifted}), and so are refused requests ({@code security.lockdown_refused}): the
 * first refusal of a key at once, then at most one entry per key per {@link #REFUSAL_AUDIT_EVERY}
 * counting the refusals since the last ({@code repeated}), so that a client retrying in a loop
 * cannot flood the audit log; what is still uncounted when lockdown is lifted is audited then.
 */
public final class Lockdown implements AccessPolicy {

  /** How long the daemon may go on with a state that another process changed. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(2);

  /** At most one {@code security.lockdown_refused} entry per key in this interval. */
  public static final Duration REFUSAL_AUDIT_EVERY = Duration.ofMinutes(1);

  /** The name of the readiness entry. */
  public static final String READINESS_NAME = "lockdown";

  /** How the readiness entry's detail starts while lockdown is on. */
  public static final String READINESS_PREFIX = "LOCKDOWN";

  /**
   * Lockdown's state.
   *
   * @param on whether it is on
   * @param agents whether the agents' {@code /v1/*} is locked too
   * @param reason why it was last entered or lifted
   * @param actor who last entered or lifted it
   * @param since when it was last entered or lifted; null when it never was
   */
  public record State(boolean on, boolean agents, String reason, String actor, Instant since) {

    static final State NEVER = new State(false, false, "", "", null);

    /** The state as the API and the CLI show it. */
    public Map<String, Object> view() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("lockdown", on);
      m.put("agents", on && agents);
      m.put("reason", reason);
      m.put("actor", actor);
      m.put("since", since == null ? null : since.toString());
      return m;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Lockdown.class);

  private final StateStore store;
  private final AuditTrail audit;
  private final Clock clock;
  private volatile Cached cached;
  private final Map<String, Refusals> refusals = new ConcurrentHashMap<>();

  private record Cached(State state, Instant readAt) {}

  /** A key's refusals not yet audited, and when its last entry was written. */
  private static final class Refusals {
    Instant auditedAt;
    long unaudited;
    String lastPath = "";
  }

  public Lockdown(StateStore store, AuditTrail audit, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
  }

  /** The current state (read again from {@code state.db} after {@link #CACHE_TTL}). */
  public State state() {
    Cached c = cached;
    Instant now = clock.instant();
    if (c != null && now.isBefore(c.readAt().plus(CACHE_TTL))) {
      return c.state();
    }
    State s;
    try {
      s = load();
    } catch (NxsException e) {
      if (c == null) {
        throw e;
      }
      // A passing database problem must not turn every request into an error: keep the last
      // known state and try again after the next interval.
      LOG.warn("cannot read the lockdown state, keeping the last one read: {}", e.getMessage());
      s = c.state();
    }
    cached = new Cached(s, now);
    return s;
  }

  /**
   * Enters lockdown, or widens it to the agents; nothing changes (and nothing is audited) when it
   * is already on at least that wide.
   *
   * @param agents whether the agents' {@code /v1/*} is locked too
   * @throws NxsException when the reason is not one line of 1 to 200 characters
   */
  public synchronized State enter(String reason, boolean agents, String actor) {
    String why = checked(reason);
    State now = load();
    if (now.on() && (now.agents() || !agents)) {
      cached = new Cached(now, clock.instant());
      return now;
    }
    State next = new State(true, agents, why, actor, clock.instant());
    save(next);
    audit.append(
        new AuditEvent(
            "security.lockdown",
            Severity.CRITICAL,
            actor,
            "nxs",
            Map.of(
                "reason",
                why,
                "agents",
                agents ? "locked" : "working",
                "meaning",
                "admin routes refused except to the owner key (keys/admin.key)")));
    return next;
  }

  /**
   * Lifts lockdown.
   *
   * @throws NxsException when it is not on, or the reason is not one line of 1 to 200 characters
   */
  public synchronized State lift(String reason, String actor) {
    String why = checked(reason);
    State now = load();
    if (!now.on()) {
      throw new NxsException("lockdown is not on: nothing to lift");
    }
    State next = new State(false, false, why, actor, clock.instant());
    save(next);
    auditUncountedRefusals(now);
    Duration lasted = Duration.between(now.since(), next.since());
    audit.append(
        new AuditEvent(
            "security.lockdown_lifted",
            Severity.HIGH,
            actor,
            "nxs",
            Map.of("reason", why, "entered_because", now.reason(), "lasted", lasted.toString())));
    return next;
  }

  @Override
  public boolean letsThroughFromMemory(ApiKey key, Scope needed, String path) {
    if (key.owner()) {
      return true;
    }
    Cached c = cached;
    if (c == null || !clock.instant().isBefore(c.readAt().plus(CACHE_TTL))) {
      return false; // the state must be read again: refuse() on a thread that may wait does it
    }
    State s = c.state();
    return !s.on() || (needed != Scope.ADMIN && !(path.startsWith("/v1/") && s.agents()));
  }

  @Override
  public Optional<ApiException> refuse(ApiKey key, Scope needed, String path) {
    if (key.owner()) {
      return Optional.empty();
    }
    State s = state();
    if (!s.on()) {
      return Optional.empty();
    }
    boolean agentRoute = path.startsWith("/v1/");
    if (needed != Scope.ADMIN && !(agentRoute && s.agents())) {
      return Optional.empty();
    }
    auditRefusal(key.id(), path, s);
    return Optional.of(
        new ApiException(
            403,
            "permission_error",
            "lockdown",
            "lockdown: NXS is in lockdown since "
                + s.since()
                + "; only the owner key (keys/admin.key in the NXS home) may do this"));
  }

  /**
   * Audits a refusal, or counts it when the key's last entry is younger than {@link
   * #REFUSAL_AUDIT_EVERY}.
   */
  private void auditRefusal(String keyId, String path, State s) {
    Instant now = clock.instant();
    long repeated;
    Refusals r = refusals.computeIfAbsent(keyId, id -> new Refusals());
    synchronized (r) {
      if (r.auditedAt != null && now.isBefore(r.auditedAt.plus(REFUSAL_AUDIT_EVERY))) {
        r.unaudited++;
        r.lastPath = path;
        return;
      }
      repeated = r.unaudited;
      r.auditedAt = now;
      r.unaudited = 0;
    }
    appendRefused(keyId, path, s, repeated);
  }

  /** When lockdown is lifted: the refusals counted but not yet audited, one entry per key. */
  private void auditUncountedRefusals(State ended) {
    for (Map.Entry<String, Refusals> e : refusals.entrySet()) {
      Refusals r = e.getValue();
      long repeated;
      String path;
      synchronized (r) {
        repeated = r.unaudited;
        path = r.lastPath;
      }
      if (repeated > 0) {
        appendRefused(e.getKey(), path, ended, repeated);
      }
    }
    refusals.clear();
  }

  private void appendRefused(String keyId, String path, State s, long repeated) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("lockdown_since", s.since().toString());
    if (repeated > 0) {
      detail.put("repeated", repeated);
    }
    audit.append(new AuditEvent("security.lockdown_refused", Severity.MEDIUM, keyId, path, detail));
  }

  /** The readiness entry: always ready (a lockdown is not an outage), saying whether it is on. */
  public ReadinessCheck readiness() {
    return new ReadinessCheck() {
      @Override
      public String name() {
        return READINESS_NAME;
      }

      @Override
      public Readiness check() {
        State s = state();
        if (!s.on()) {
          return new Readiness(true, "off");
        }
        return new Readiness(
            true,
            READINESS_PREFIX
                + " since "
                + s.since()
                + (s.agents() ? " (agents locked too)" : " (agents working)")
                + ": "
                + s.reason());
      }
    };
  }

  private static String checked(String reason) {
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty() || why.length() > 200 || why.chars().anyMatch(Character::isISOControl)) {
      throw new NxsException("the reason must be one line of 1 to 200 characters");
    }
    return why;
  }

  private State load() {
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT active, agents, reason, actor, changed_at FROM lockdown WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return State.NEVER;
      }
      return new State(
          rs.getInt("active") == 1,
          rs.getInt("agents") == 1,
          rs.getString("reason"),
          rs.getString("actor"),
          Instant.ofEpochMilli(rs.getLong("changed_at")));
    } catch (SQLException e) {
      throw new NxsException("cannot read the lockdown state: " + e.getMessage(), e);
    }
  }

  private void save(State s) {
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO lockdown (id, active, agents, reason, actor, changed_at)"
                    + " VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                    + " active = excluded.active, agents = excluded.agents,"
                    + " reason = excluded.reason, actor = excluded.actor,"
                    + " changed_at = excluded.changed_at")) {
      ps.setInt(1, s.on() ? 1 : 0);
      ps.setInt(2, s.agents() ? 1 : 0);
      ps.setString(3, s.reason());
      ps.setString(4, s.actor());
      ps.setLong(5, s.since().toEpochMilli());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new NxsException("cannot store the lockdown state: " + e.getMessage(), e);
    } finally {
      cached = null;
    }
    cached = new Cached(s, clock.instant());
  }
}
