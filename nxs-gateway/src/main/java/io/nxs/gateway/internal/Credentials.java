package io.nxs.gateway.internal;

import io.nxs.core.log.Redaction;
import io.nxs.gateway.ProviderConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A provider's credential pair (GW7): the current key and, during a rotation overlap, the next one.
 * The next key is tried first and the current one on an auth failure; the next key's results
 * decide, when the overlap ends, whether it is promoted (success rate at or above the minimum) or
 * the overlap is extended.
 *
 * <p>Each role has its own Resilience4j breaker that counts only auth results (401/403 against
 * answers), so a key that keeps failing is skipped while the provider's breaker, which never counts
 * auth failures, stays closed for the other key. A breaker belongs to a key: when the key in a role
 * changes (rotation, promotion, reload) its breaker starts closed again.
 *
 * <p>Every key is registered with the log redactor as soon as it is known.
 */
final class Credentials {

  static final String CURRENT = "current";
  static final String NEXT = "next";

  /** A key with its role; {@code secret} may be empty for providers without authentication. */
  record Key(String label, String secret) {
    @Override
    public String toString() {
      return "Key[" + label + "]";
    }
  }

  /** What {@link #evaluate} decided. */
  enum Decision {
    NOTHING,
    PROMOTED,
    EXTENDED
  }

  private String current;
  private String next;
  private Instant overlapUntil;
  private long nextSuccesses;
  private long nextFailures;
  private final Breaker currentBreaker;
  private final Breaker nextBreaker;

  /**
   * @param provider the provider's name, for the breakers' names ({@code <provider>/current})
   * @param breakers the settings of both credential breakers (the provider's {@code
   *     circuit_breaker})
   * @param clock the clock the breakers read
   */
  Credentials(
      String current,
      String next,
      Instant overlapUntil,
      String provider,
      ProviderConfig.CircuitBreakerSettings breakers,
      Clock clock) {
    this.currentBreaker = Breaker.forCredential(provider + "/" + CURRENT, breakers, clock);
    this.nextBreaker = Breaker.forCredential(provider + "/" + NEXT, breakers, clock);
    this.current = blankToNull(current);
    this.next = blankToNull(next);
    this.overlapUntil = this.next == null ? null : overlapUntil;
    Redaction.register(this.current);
    Redaction.register(this.next);
  }

  /** The keys to try, in order: next first, then current. */
  synchronized List<Key> order() {
    List<Key> keys = new ArrayList<>(2);
    if (next != null) {
      keys.add(new Key(NEXT, next));
    }
    if (current != null || keys.isEmpty()) {
      keys.add(new Key(CURRENT, current == null ? "" : current));
    }
    return keys;
  }

  /** The breaker of a role ({@link #CURRENT} or {@link #NEXT}). */
  Breaker breaker(String label) {
    return NEXT.equals(label) ? nextBreaker : currentBreaker;
  }

  /** Counts one result of the next key. */
  synchronized void recordNext(boolean success) {
    if (success) {
      nextSuccesses++;
    } else {
      nextFailures++;
    }
  }

  /** Takes the keys from the secrets file; the next key's counts restart when it changed. */
  synchronized void set(String newCurrent, String newNext, Instant until) {
    String c = blankToNull(newCurrent);
    String n = blankToNull(newNext);
    Redaction.register(c);
    Redaction.register(n);
    if (n == null || !n.equals(next)) {
      nextSuccesses = 0;
      nextFailures = 0;
      nextBreaker.reset();
    }
    if (c == null || !c.equals(current)) {
      currentBreaker.reset();
    }
    current = c;
    next = n;
    overlapUntil = n == null ? null : until;
  }

  /** Starts an overlap with a new key that runs until {@code until}. */
  synchronized void startOverlap(String newKey, Instant until) {
    next = newKey;
    overlapUntil = until;
    nextSuccesses = 0;
    nextFailures = 0;
    nextBreaker.reset();
    Redaction.register(newKey);
  }

  /** Switches to a new key at once and forgets the old one (emergency rotation). */
  synchronized void replace(String newKey) {
    Redaction.register(newKey);
    current = newKey;
    next = null;
    overlapUntil = null;
    nextSuccesses = 0;
    nextFailures = 0;
    currentBreaker.reset();
    nextBreaker.reset();
  }

  /**
   * At the end of an overlap: promote the next key when its success rate is at least {@code
   * minSuccess} (and it was used at all), else extend the overlap by {@code extension}.
   */
  synchronized Decision evaluate(Instant now, double minSuccess, Duration extension) {
    if (next == null || overlapUntil == null || now.isBefore(overlapUntil)) {
      return Decision.NOTHING;
    }
    long total = nextSuccesses + nextFailures;
    if (total > 0 && nextSuccesses / (double) total >= minSuccess) {
      current = next;
      next = null;
      overlapUntil = null;
      currentBreaker.reset();
      nextBreaker.reset();
      return Decision.PROMOTED;
    }
    overlapUntil = now.plus(extension);
    return Decision.EXTENDED;
  }

  synchronized String current() {
    return current;
  }

  synchronized String next() {
    return next;
  }

  synchronized Instant overlapUntil() {
    return overlapUntil;
  }

  /** The next key's success rate so far, or -1 when it has not been used. */
  synchronized double nextSuccessRate() {
    long total = nextSuccesses + nextFailures;
    return total == 0 ? -1 : nextSuccesses / (double) total;
  }

  synchronized long nextUses() {
    return nextSuccesses + nextFailures;
  }

  /** {@code single}, {@code overlap} or {@code none}, for the API. */
  synchronized String state() {
    if (next != null) {
      return "overlap";
    }
    return current == null ? "none" : "single";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
