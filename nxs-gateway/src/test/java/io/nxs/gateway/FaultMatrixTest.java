package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 3's matrix: each fault of the first provider x each mode. A streaming request (what
 * OpenClaw sends) succeeds through the next provider, or the other credential, or, for a cut after
 * the first chunk, ends with the in-band error event; always within {@code global_timeout}, with
 * the right attempt trail.
 */
class FaultMatrixTest {

  private static final Duration GLOBAL_TIMEOUT = Duration.ofSeconds(4);

  /** A fault, how to inject it, and what the first provider's attempt is called. */
  record Fault(String name, Consumer<FakeUpstream> inject, String outcome) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Fault> faults() {
    return List.of(
        new Fault("refuse", FakeUpstream::kill, "refused"),
        new Fault("reset", u -> u.always(Script.reset()), "reset"),
        new Fault("hang", u -> u.always(Script.hang()), "timeout"),
        new Fault(
            "slow first byte",
            u -> u.always(Script.slowFirstByte(Duration.ofSeconds(3))),
            "timeout"),
        new Fault("slow drip", u -> u.always(Script.slowDrip(Duration.ofSeconds(3))), "timeout"),
        new Fault("500", u -> u.always(Script.status(500)), "server_error"),
        new Fault("503", u -> u.always(Script.status(503)), "server_error"),
        new Fault("429 with Retry-After", u -> u.always(Script.rateLimited(30)), "rate_limited"),
        new Fault(
            "401 for one key only",
            u -> u.always(Script.rejectKey("next-key-of-a")),
            "auth_failed"),
        new Fault("malformed JSON", u -> u.always(Script.malformed()), "unparseable"),
        new Fault("stream cut after 1 chunk", u -> u.always(Script.cutAfter(1)), "ok"),
        new Fault("model loading", u -> u.always(Script.modelLoading()), "warming_up"));
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String mode : List.of("sequential", "parallel", "weighted")) {
      for (Fault f : faults()) {
        out.add(Arguments.of(mode, f));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{1} in {0} mode")
  @MethodSource("cases")
  void theRequestSucceedsElsewhereWithinTheDeadline(String mode, Fault fault) throws Exception {
    try (FakeUpstream a = FakeUpstream.start("a");
        FakeUpstream b = FakeUpstream.start("b")) {
      String yaml =
          GatewayFixture.providers(a, b)
                  // Short waits for the faulty provider only: the healthy one keeps its defaults,
                  // so a busy machine's slow first token is never mistaken for its failure.
                  .replaceFirst(
                      "timeout: 5s",
                      "timeout: 5s\n    first_token_timeout: 300ms\n    idle_timeout: 300ms")
                  .replace("retry: 0", "retry: 0\n    circuit_breaker: {failure_threshold: 1000}")
                  .replaceFirst(
                      "api_key: key-of-a",
                      "api_key: key-of-a\n    api_key_next: next-key-of-a\n    weight: 1000")
                  .replaceFirst("api_key: key-of-b", "api_key: key-of-b\n    weight: 0.001")
              + "failover: {mode: "
              + mode
              + ", hedge_delay: 200ms, global_timeout: "
              + GLOBAL_TIMEOUT.toSeconds()
              + "s}\n";
      fault.inject().accept(a);
      try (GatewayFixture f = GatewayFixture.start(yaml)) {
        long start = System.nanoTime();
        HttpResponse<String> r =
            f.post("/v1/chat/completions", GatewayFixture.streamingChat("nxs-auto"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(GLOBAL_TIMEOUT);
        assertThat(r.statusCode()).isEqualTo(200);
        String trail = r.headers().firstValue("x-nxs-attempts").orElseThrow();
        List<String> events = r.body().lines().filter(l -> !l.isEmpty()).toList();
        switch (fault.name()) {
          case "stream cut after 1 chunk" -> {
            assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("a");
            assertThat(events).noneMatch(l -> l.equals("data: [DONE]"));
            assertThat(json(events.getLast().substring(6)).at("/error/code").asText())
                .isEqualTo("stream_interrupted");
            assertThat(trail).matches("a=ok;\\d+ms");
          }
          case "401 for one key only" -> {
            assertThat(events.getLast()).isEqualTo("data: [DONE]");
            assertThat(trail).startsWith("a=auth_failed;").contains("=ok;");
            assertThat(f.events(GatewayEvent.CredentialFailed.class)).isNotEmpty();
          }
          default -> {
            assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("b");
            assertThat(events.getLast()).isEqualTo("data: [DONE]");
            String expected =
                mode.equals("parallel")
                    ? "a=("
                        + fault.outcome()
                        + "|cancelled);\\d+ms, b=ok;\\d+ms|b=ok;\\d+ms, a=cancelled;\\d+ms"
                    : "a=" + fault.outcome() + ";\\d+ms, b=ok;\\d+ms";
            assertThat(trail).matches(expected);
          }
        }
      }
    }
  }
}
