package io.nxs.gateway.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.Security;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The addresses of the provider host names the event loop's client connects to (ADR 0037's
 * amendment): resolved by the JVM's own resolver ({@link InetAddress#getAllByName}, what the
 * blocking client uses: {@code /etc/hosts}, DNS, the same order) on a virtual thread, never on the
 * loop, and kept for the JVM's {@code networkaddress.cache.ttl}.
 *
 * <p>Design note: the loop only reads. {@link Name#fresh()} answers from memory: the addresses
 * while they are younger than the time to live, else null, and then it starts one resolution on a
 * virtual thread (one at a time per name) — the caller's request goes on on the blocking path,
 * which resolves by itself as it always has. A name that does not resolve is remembered for {@code
 * networkaddress.cache.negative.ttl} before it is tried again; a time to live of 0 (the JVM caches
 * nothing) keeps names off the loop altogether. The JVM caches the same answer for the same time,
 * so an address may be used up to about twice the time to live after the name server gave it.
 */
final class UpstreamAddresses {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(UpstreamAddresses.class);

  /** The JDK's defaults when neither the security nor the system property sets a time to live. */
  private static final long DEFAULT_TTL_SECONDS = 30;

  private static final long DEFAULT_NEGATIVE_TTL_SECONDS = 10;

  /** How a name becomes addresses: {@link InetAddress#getAllByName} in production. */
  @FunctionalInterface
  interface Resolver {
    Resolver SYSTEM = InetAddress::getAllByName;

    /**
     * @return the name's addresses in the order to try them, never empty
     * @throws UnknownHostException when the name has none
     */
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final Resolver resolver;
  private final LongSupplier nanoTime;
  private final long ttlNanos;
  private final long negativeTtlNanos;
  private final Map<String, Name> names = new ConcurrentHashMap<>();

  /**
   * @param ttlSeconds how long a resolution is used; negative for ever, 0 for never (names stay off
   *     the loop)
   * @param negativeTtlSeconds how long a name that did not resolve waits before it is tried again
   */
  UpstreamAddresses(
      Resolver resolver, LongSupplier nanoTime, long ttlSeconds, long negativeTtlSeconds) {
    this.resolver = resolver;
    this.nanoTime = nanoTime;
    this.ttlNanos = ttlSeconds < 0 ? Long.MAX_VALUE : TimeUnit.SECONDS.toNanos(ttlSeconds);
    this.negativeTtlNanos = TimeUnit.SECONDS.toNanos(Math.max(0, negativeTtlSeconds));
  }

  /** The JVM's resolver and its cache policy ({@code networkaddress.cache.ttl} and negative). */
  static UpstreamAddresses system() {
    return new UpstreamAddresses(
        Resolver.SYSTEM,
        System::nanoTime,
        seconds("networkaddress.cache.ttl", "sun.net.inetaddr.ttl", DEFAULT_TTL_SECONDS),
        seconds(
            "networkaddress.cache.negative.ttl",
            "sun.net.inetaddr.negative.ttl",
            DEFAULT_NEGATIVE_TTL_SECONDS));
  }

  /** The JDK's reading: the security property, else the system property, else the default. */
  static long seconds(String securityProperty, String systemProperty, long otherwise) {
    String value = Security.getProperty(securityProperty);
    if (value == null || value.isBlank()) {
      value = System.getProperty(systemProperty);
    }
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      LOG.warn("{} is not a number of seconds ('{}'): {} s", securityProperty, value, otherwise);
      return otherwise;
    }
  }

  /** Whether names may be used at all: false when the JVM caches nothing (a time to live of 0). */
  boolean cachesNames() {
    return ttlNanos > 0;
  }

  /** The entry of {@code host}, one per name. */
  Name name(String host) {
    return names.computeIfAbsent(host, Name::new);
  }

  /**
   * A resolution: the addresses (null when the name did not resolve), when it was made and how long
   * it holds ({@code System.nanoTime()} differences, which do not overflow).
   */
  private record Resolved(InetAddress[] addresses, long atNanos, long ttlNanos) {}

  /** One host name's addresses. */
  final class Name {
    private final String host;
    private final AtomicBoolean resolving = new AtomicBoolean();
    private volatile Resolved resolved;

    private Name(String host) {
      this.host = host;
    }

    String host() {
      return host;
    }

    /**
     * The name's addresses while they are fresh, else null after starting a resolution off the
     * calling thread. Never waits.
     */
    InetAddress[] fresh() {
      Resolved r = resolved;
      if (r != null && nanoTime.getAsLong() - r.atNanos() < r.ttlNanos()) {
        return r.addresses();
      }
      if (cachesNames() && resolving.compareAndSet(false, true)) {
        Thread.ofVirtual().name("nxs-resolve-" + host).start(this::resolve);
      }
      return null;
    }

    /**
     * The addresses of the last resolution, fresh or not; null when the name has none (yet). For an
     * attempt that {@link #fresh()} let through a moment ago.
     */
    InetAddress[] last() {
      Resolved r = resolved;
      return r == null ? null : r.addresses();
    }

    private void resolve() {
      try {
        InetAddress[] found = resolver.resolve(host);
        if (found == null || found.length == 0) {
          throw new UnknownHostException(host + " has no address");
        }
        resolved = new Resolved(found.clone(), nanoTime.getAsLong(), ttlNanos);
      } catch (UnknownHostException | RuntimeException e) {
        LOG.debug(
            "{} does not resolve ({}); its requests take the blocking path", host, e.toString());
        resolved = new Resolved(null, nanoTime.getAsLong(), negativeTtlNanos);
      } finally {
        resolving.set(false);
      }
    }
  }
}
