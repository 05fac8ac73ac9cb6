package io.nxs.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The loop's address cache (ADR 0037's amendment): answers from memory only, resolves off the
 * calling thread, and keeps an answer for the JVM's time to live (a fake ticker stands for {@code
 * System.nanoTime()}).
 */
class UpstreamAddressesTest {

  private final AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
  private final AtomicInteger resolutions = new AtomicInteger();

  private UpstreamAddresses cache(UpstreamAddresses.Resolver resolver, long ttl, long negative) {
    return new UpstreamAddresses(
        host -> {
          resolutions.incrementAndGet();
          return resolver.resolve(host);
        },
        now::get,
        ttl,
        negative);
  }

  private static InetAddress[] loopback() throws UnknownHostException {
    return new InetAddress[] {
      InetAddress.getByAddress("box.lan", new byte[] {127, 0, 0, 1}),
      InetAddress.getByAddress("box.lan", new byte[16])
    };
  }

  private static InetAddress[] resolved(UpstreamAddresses.Name name) {
    await().atMost(Duration.ofSeconds(5)).until(() -> name.fresh() != null);
    return name.fresh();
  }

  @Test
  void aNameIsNotAnsweredUntilResolvedOffTheCallingThreadThenAnsweredInOrder() throws Exception {
    InetAddress[] addresses = loopback();
    Thread[] resolvedOn = new Thread[1];
    UpstreamAddresses cache =
        cache(
            host -> {
              resolvedOn[0] = Thread.currentThread();
              return addresses;
            },
            30,
            10);
    UpstreamAddresses.Name name = cache.name("box.lan");

    assertThat(name.fresh()).isNull();
    assertThat(resolved(name)).containsExactly(addresses);
    assertThat(resolvedOn[0].isVirtual()).isTrue();
    assertThat(resolvedOn[0]).isNotSameAs(Thread.currentThread());
    assertThat(resolutions).hasValue(1);
    assertThat(cache.name("box.lan")).isSameAs(name);
  }

  @Test
  void anAnswerPastItsTimeToLiveIsNotUsedAndTheNameIsResolvedAgain() throws Exception {
    UpstreamAddresses.Name name = cache(host -> loopback(), 30, 10).name("box.lan");
    resolved(name);

    now.addAndGet(TimeUnit.SECONDS.toNanos(29));
    assertThat(name.fresh()).isNotNull();
    assertThat(resolutions).hasValue(1);

    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(name.fresh()).isNull();
    assertThat(name.last()).hasSize(2); // an attempt let through a moment ago still connects
    resolved(name);
    assertThat(resolutions).hasValue(2);
  }

  @Test
  void aNameThatDoesNotResolveIsTriedAgainOnlyAfterTheNegativeTimeToLive() {
    UpstreamAddresses.Name name =
        cache(
                host -> {
                  throw new UnknownHostException(host);
                },
                30,
                10)
            .name("gone.lan");

    assertThat(name.fresh()).isNull();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> resolutions.get() == 1 && name.fresh() == null);
    now.addAndGet(TimeUnit.SECONDS.toNanos(9));
    assertThat(name.fresh()).isNull();
    assertThat(name.last()).isNull();
    assertThat(resolutions).hasValue(1);

    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(name.fresh()).isNull();
    await().atMost(Duration.ofSeconds(5)).until(() -> resolutions.get() == 2);
  }

  @Test
  void aTimeToLiveOfZeroKeepsNamesOffTheLoopAndResolvesNothing() {
    UpstreamAddresses cache = cache(host -> loopback(), 0, 10);

    assertThat(cache.cachesNames()).isFalse();
    assertThat(cache.name("box.lan").fresh()).isNull();
    assertThat(resolutions).hasValue(0);
  }

  @Test
  void aNegativeTimeToLiveKeepsAnAnswerForEver() throws Exception {
    UpstreamAddresses.Name name = cache(host -> loopback(), -1, 10).name("box.lan");
    resolved(name);

    now.addAndGet(TimeUnit.DAYS.toNanos(365));
    assertThat(name.fresh()).isNotNull();
    assertThat(resolutions).hasValue(1);
  }

  @Test
  void theTimeToLiveIsTheSecurityPropertyElseTheSystemPropertyElseTheDefault() {
    assertThat(UpstreamAddresses.seconds("nxs.test.unset", "nxs.test.unset", 30)).isEqualTo(30);
    System.setProperty("nxs.test.ttl", "-1");
    try {
      assertThat(UpstreamAddresses.seconds("nxs.test.unset", "nxs.test.ttl", 30)).isEqualTo(-1);
      System.setProperty("nxs.test.ttl", "soon");
      assertThat(UpstreamAddresses.seconds("nxs.test.unset", "nxs.test.ttl", 30)).isEqualTo(30);
    } finally {
      System.clearProperty("nxs.test.ttl");
    }
  }
}
