package io.nxs.gateway.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.event.EventBus;
import io.nxs.gateway.Attempt;
import io.nxs.gateway.GatewayEvent;
import io.nxs.gateway.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the gateway reports what happened (GW11): typed events on the bus, audit entries for what
 * an operator must be able to prove later (breaker transitions, failovers, credential problems and
 * switches), and Micrometer meters (attempts, latency histograms, failover time, breaker state).
 *
 * <p>Audit appends wait until durable, so they run on one background thread (in order) rather than
 * on the request's: a failover costs the client no fsync.
 */
public final class Telemetry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

  private final EventBus events;
  private final AuditTrail audit;
  private final MeterRegistry metrics;
  private final Clock clock;

  /** Per provider, one counter per {@link Outcome} (by ordinal), made when first needed. */
  private final Map<String, AtomicReferenceArray<Counter>> attemptCounters =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Failovers since {@link #drainFailoverSeconds()} last ran: {count, total nanoseconds}. */
  private final long[] failovers = new long[2];

  private final Map<String, Timer> latencyTimers = new java.util.concurrent.ConcurrentHashMap<>();
  private final ExecutorService auditWriter =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("nxs-gateway-audit").factory());

  public Telemetry(EventBus events, AuditTrail audit, MeterRegistry metrics, Clock clock) {
    this.events = events;
    this.audit = audit;
    this.metrics = metrics;
    this.clock = clock;
  }

  public Clock clock() {
    return clock;
  }

  public MeterRegistry metrics() {
    return metrics;
  }

  void attempt(String route, Attempt a) {
    // Meters are looked up once per provider and outcome, not built on every request: a provider's
    // counters sit in an array by outcome, so a request looks them up without building a key.
    AtomicReferenceArray<Counter> counters =
        attemptCounters.computeIfAbsent(
            a.provider(), p -> new AtomicReferenceArray<>(Outcome.values().length));
    Counter counter = counters.get(a.outcome().ordinal());
    if (counter == null) {
      // Micrometer's register returns the one meter of that name and tags, so two threads that
      // both get here store the same counter.
      counter =
          Counter.builder("nxs.gateway.attempts")
              .description("Attempts on upstream providers by outcome")
              .tag("provider", a.provider())
              .tag("outcome", a.outcome().label())
              .register(metrics);
      counters.set(a.outcome().ordinal(), counter);
    }
    counter.increment();
    if (a.outcome().tried()) {
      latencyTimers
          .computeIfAbsent(
              a.provider(),
              p ->
                  Timer.builder("nxs.gateway.upstream.latency")
                      .description("Time to an upstream's answer (first token when streaming)")
                      .tag("provider", p)
                      .publishPercentileHistogram()
                      .register(metrics))
          .record(a.took());
    }
    events.publish(new GatewayEvent.AttemptFinished(clock.instant(), route, a));
  }

  void failedOver(String from, String to, Duration took, List<Attempt> attempts) {
    synchronized (failovers) {
      failovers[0] += 1;
      failovers[1] += took.toNanos();
    }
    Timer.builder("nxs.gateway.failover.time")
        .description("Time from a request's start to the answer of the provider that took over")
        .publishPercentileHistogram()
        .register(metrics)
        .record(took);
    events.publish(new GatewayEvent.FailedOver(clock.instant(), from, to, took, attempts));
    long skipped = coalesce("failover:" + from + "->" + to);
    if (skipped >= 0) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("to", to);
      details.put("took_ms", took.toMillis());
      details.put("attempts", attempts.stream().map(Attempt::describe).toList());
      details.put("more_since_last_entry", skipped);
      audit("provider.failover", Severity.MEDIUM, from, details);
    }
  }

  /**
   * The mean failover time, in seconds, of the failovers since the previous call (what the Doctor's
   * failover KPI averages), and starts counting afresh; empty when there was none.
   */
  java.util.OptionalDouble drainFailoverSeconds() {
    long count;
    long nanos;
    synchronized (failovers) {
      count = failovers[0];
      nanos = failovers[1];
      failovers[0] = 0;
      failovers[1] = 0;
    }
    return count == 0
        ? java.util.OptionalDouble.empty()
        : java.util.OptionalDouble.of(nanos / 1e9 / count);
  }

  /**
   * Whether a repeated audit entry is due: the first of its kind, then at most one per {@link
   * #AUDIT_COALESCE}. A provider that is down for an hour must not turn every request into a
   * durable write; events and metrics still see each occurrence.
   *
   * @return how many were skipped since the last entry, or -1 when this one is skipped too
   */
  private long coalesce(String kind) {
    java.time.Instant now = clock.instant();
    synchronized (lastAudited) {
      Tally t = lastAudited.computeIfAbsent(kind, k -> new Tally());
      if (t.at != null && now.isBefore(t.at.plus(AUDIT_COALESCE))) {
        t.skipped++;
        return -1;
      }
      long skipped = t.skipped;
      t.skipped = 0;
      t.at = now;
      return skipped;
    }
  }

  private static final Duration AUDIT_COALESCE = Duration.ofSeconds(10);

  private static final class Tally {
    java.time.Instant at;
    long skipped;
  }

  private final Map<String, Tally> lastAudited = new java.util.HashMap<>();

  void allFailed(String route, List<Attempt> attempts) {
    Counter.builder("nxs.gateway.exhausted")
        .description("Requests no provider could answer")
        .register(metrics)
        .increment();
    events.publish(new GatewayEvent.AllFailed(clock.instant(), route, attempts));
  }

  void breakerTransition(String provider, String from, String to, String reason) {
    Counter.builder("nxs.gateway.breaker.transitions")
        .description("Circuit breaker state changes")
        .tag("provider", provider)
        .tag("to", to)
        .register(metrics)
        .increment();
    events.publish(
        new GatewayEvent.BreakerTransitioned(clock.instant(), provider, from, to, reason));
    Severity severity =
        to.equals("OPEN") || to.equals("FORCED_OPEN") ? Severity.HIGH : Severity.INFO;
    audit(
        "provider.breaker_" + to.toLowerCase(java.util.Locale.ROOT),
        severity,
        provider,
        Map.of("from", from, "to", to, "reason", reason));
  }

  void credentialBreakerTransition(String provider, String credential, String from, String to) {
    Counter.builder("nxs.gateway.credential.breaker.transitions")
        .description("Credential circuit breaker state changes")
        .tag("provider", provider)
        .tag("credential", credential)
        .tag("to", to)
        .register(metrics)
        .increment();
    events.publish(
        new GatewayEvent.CredentialBreakerTransitioned(
            clock.instant(), provider, credential, from, to));
    boolean open = to.equals("OPEN") || to.equals("FORCED_OPEN");
    audit(
        "provider.credential_breaker_" + to.toLowerCase(java.util.Locale.ROOT),
        open ? Severity.HIGH : Severity.INFO,
        provider,
        Map.of(
            "credential",
            credential,
            "from",
            from,
            "to",
            to,
            "reason",
            open ? "repeated 401/403 with the " + credential + " key" : "trial"));
  }

  void credentialFailed(String provider, String credential, int status) {
    events.publish(
        new GatewayEvent.CredentialFailed(clock.instant(), provider, credential, status));
    long skipped = coalesce("credential:" + provider + "/" + credential);
    if (skipped >= 0) {
      audit(
          "security.credential_failure",
          Severity.HIGH,
          provider,
          Map.of("credential", credential, "status", status, "more_since_last_entry", skipped));
    }
  }

  void credentialSwitched(String provider, String from, String to, String reason) {
    events.publish(
        new GatewayEvent.CredentialSwitched(clock.instant(), provider, from, to, reason));
    long skipped = coalesce("switch:" + provider + "/" + from + "->" + to);
    if (skipped >= 0) {
      audit(
          "provider.credential_switch",
          Severity.MEDIUM,
          provider,
          Map.of("from", from, "to", to, "reason", reason, "more_since_last_entry", skipped));
    }
  }

  void publish(GatewayEvent event) {
    events.publish(event);
  }

  /** Records an audit entry in the background, in order. */
  void audit(String type, Severity severity, String target, Map<String, Object> details) {
    AuditEvent event = new AuditEvent(type, severity, "gateway", target, details);
    auditWriter.execute(
        () -> {
          try {
            audit.append(event);
          } catch (RuntimeException e) {
            LOG.error("could not record audit event {} for {}", type, target, e);
          }
        });
  }

  /** Records an audit entry and waits until it is durable (for operator actions). */
  void auditNow(
      String type, Severity severity, String actor, String target, Map<String, Object> details) {
    audit.append(new AuditEvent(type, severity, actor, target, details));
  }

  /** Waits for pending audit entries. */
  @Override
  public void close() {
    auditWriter.shutdown();
    try {
      if (!auditWriter.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("audit entries still pending after 10s at gateway shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
