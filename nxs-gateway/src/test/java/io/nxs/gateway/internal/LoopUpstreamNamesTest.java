package io.nxs.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.nxs.gateway.Outcome;
import io.nxs.testkit.upstream.FakeUpstream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop's client for a provider named by host name (ADR 0037's amendment), through a resolver
 * seam that puts {@code ::1} first — what {@code localhost} gives on a host that prefers IPv6 —
 * against a real upstream bound to {@code 127.0.0.1} alone: the refused first address must give way
 * to the next one silently, as Apache's client does, and not become a failed attempt.
 */
class LoopUpstreamNamesTest {

  private static final String NAME = "upstream.test";

  private final NioEventLoopGroup group = new NioEventLoopGroup(1);
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private LoopUpstream upstream;

  @AfterEach
  void stop() throws Exception {
    if (upstream != null) {
      upstream.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private static InetAddress[] ipv6First() throws java.net.UnknownHostException {
    return new InetAddress[] {
      InetAddress.getByAddress(NAME, InetAddress.getByName("::1").getAddress()),
      InetAddress.getByAddress(NAME, new byte[] {127, 0, 0, 1})
    };
  }

  /** Provider a at {@link #NAME}, a real runtime (its blocking client unused here). */
  private static ScriptedChain provider(int port) {
    return new ScriptedChain(
        "providers:\n  - name: a\n    base_url: http://"
            + NAME
            + ":"
            + port
            + "/v1\n    api_key: key-of-a\n    model: model-a\n    timeout: 5s\n"
            + "    first_token_timeout: 2s\n    retry: 0\n");
  }

  /** One attempt on the loop, once the name is resolved: what the loop's client made of it. */
  private AttemptResult attempt(ProviderRuntime provider) throws Exception {
    upstream =
        new LoopUpstream(
            metrics, new UpstreamAddresses(host -> ipv6First(), System::nanoTime, 30, 10));
    assertThat(upstream.serves(provider)).isFalse(); // not resolved yet: the blocking path's
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.serves(provider));
    EventLoop loop = group.next();
    UpstreamCall call =
        UpstreamCall.parse(
            "/chat/completions",
            "{\"model\":\"nxs-auto\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8));
    Credentials.Key key = provider.credentials().order().getFirst();
    CompletableFuture<AttemptResult> result = new CompletableFuture<>();
    loop.execute(
        () ->
            upstream.attempt(
                loop,
                provider,
                provider.outgoing(call, "model-a", key),
                provider.timing(System.nanoTime() + TimeUnit.SECONDS.toNanos(4)),
                key,
                "model-a",
                result::complete));
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRefusedFirstAddressGivesWayToTheNextAndTheAttemptSucceeds() throws Exception {
    try (FakeUpstream u = FakeUpstream.start("a")) {
      // The upstream listens on 127.0.0.1 only: ::1 refuses.
      assertThatThrownBy(() -> new Socket("::1", u.port()).close())
          .isInstanceOf(ConnectException.class);
      try (ScriptedChain chain = provider(u.port())) {
        AttemptResult result = attempt(chain.providers.get("a"));

        assertThat(result).isInstanceOf(AttemptResult.Ready.class);
        assertThat(result.attempt().outcome()).isEqualTo(Outcome.OK);
        assertThat(u.requests()).singleElement();
        assertThat(u.requests().getFirst().header("host")).isEqualTo(NAME + ":" + u.port());
        assertThat(metrics.get("nxs.gateway.loop.attempts").tag("provider", "a").counter().count())
            .isEqualTo(1.0);
      }
    }
  }

  @Test
  void whenEveryAddressRefusesTheAttemptFailsInTheBlockingClientsWords() throws Exception {
    int port;
    try (FakeUpstream u = FakeUpstream.start("a")) {
      port = u.port();
      u.kill();
    }
    try (ScriptedChain chain = provider(port)) {
      AttemptResult result = attempt(chain.providers.get("a"));

      assertThat(result).isInstanceOf(AttemptResult.Failed.class);
      assertThat(List.of(result.attempt().outcome(), result.attempt().detail()))
          .containsExactly(
              Outcome.REFUSED,
              "Connect to http://" + NAME + ":" + port + " failed: Connection refused");
    }
  }
}
