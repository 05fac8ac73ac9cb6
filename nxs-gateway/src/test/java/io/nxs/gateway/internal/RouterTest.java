package io.nxs.gateway.internal;

import static io.nxs.gateway.internal.ScriptedChain.trail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.nxs.gateway.internal.ScriptedChain.Step;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The retry loop, weighted order and hedging (GW4, GW5, GW7) without sockets: scripted attempts on
 * a clock the test moves. The end-to-end tests (FaultMatrixTest, ModesTest ...) cover the same
 * behaviour over loopback.
 */
class RouterTest {

  @AutoClose private ScriptedChain chain;

  private static String providers(String extraForA, String failover) {
    return """
        providers:
          - name: a
            base_url: http://127.0.0.1:9/v1
            api_key: key-of-a-0001
            model: m
            priority: 1
            weight: 3
            retry: 2
        %s
          - name: b
            base_url: http://127.0.0.1:9/v1
            model: m
            priority: 2
            retry: 0
        failover: {%s}
        """
        .formatted(extraForA, failover);
  }

  @Test
  void aServerErrorIsRetriedUpToRetryThenTheNextProviderAnswers() {
    chain = new ScriptedChain(providers("", ""));
    chain.script("a", Step.status(500)).script("b", Step.ok());
    RequestContext rc = chain.request("auto");

    AttemptResult r = chain.route(rc);

    assertThat(r).isInstanceOf(AttemptResult.Ready.class);
    assertThat(r.attempt().provider()).isEqualTo("b");
    assertThat(trail(rc))
        .isEqualTo(
            "a=server_error/current, a=server_error/current, a=server_error/current, b=ok/none");
  }

  @Test
  void aSuccessfulRetryEndsTheLoop() {
    chain = new ScriptedChain(providers("", ""));
    chain.script("a", Step.status(502), Step.ok());
    RequestContext rc = chain.request("auto");

    assertThat(chain.route(rc).attempt().provider()).isEqualTo("a");
    assertThat(trail(rc)).isEqualTo("a=server_error/current, a=ok/current");
  }

  @Test
  void aRateLimitIsNotRetriedAndItsRetryAfterKeepsTheProviderOutExactlyThatLong() {
    chain = new ScriptedChain(providers("", ""));
    chain.script("a", Step.rateLimited(Duration.ofSeconds(30)), Step.ok()).script("b", Step.ok());

    RequestContext first = chain.request("auto");
    chain.route(first);
    chain.clock.advance(Duration.ofSeconds(30));
    RequestContext cooling = chain.request("auto");
    chain.route(cooling);
    chain.clock.advance(Duration.ofMillis(1));
    RequestContext after = chain.request("auto");
    chain.route(after);

    assertThat(trail(first)).isEqualTo("a=rate_limited/current, b=ok/none");
    assertThat(trail(cooling)).isEqualTo("a=breaker_open/none, b=ok/none");
    assertThat(trail(after)).isEqualTo("a=ok/current");
  }

  @Test
  void anAuthFailureWithTheNextKeyFallsBackToTheCurrentKeyInTheSameAttempt() {
    chain = new ScriptedChain(providers("    api_key_next: key-of-a-0002", ""));
    chain.script("a", Step.status(401).forKey("next"));
    RequestContext rc = chain.request("auto");

    AttemptResult r = chain.route(rc);

    assertThat(r.attempt().provider()).isEqualTo("a");
    assertThat(trail(rc)).isEqualTo("a=auth_failed/next, a=ok/current");
    assertThat(chain.providers.get("a").breaker().state())
        .as("a 401 is the key's fault, not the provider's")
        .isEqualTo(State.CLOSED);
  }

  @Test
  void aSpentRetryBudgetStopsRetriesUntilTheClockRefillsIt() {
    chain =
        new ScriptedChain(
            providers(
                "    circuit_breaker: {failure_threshold: 10}",
                "retry_budget: 0, min_retries_per_second: 1"));
    chain.script("a", Step.status(500)).script("b", Step.ok());

    RequestContext spent = chain.request("auto");
    chain.route(spent);
    chain.clock.advance(Duration.ofSeconds(1));
    RequestContext refilled = chain.request("auto");
    chain.route(refilled);

    assertThat(trail(spent))
        .as("the floor's one token pays the first retry, none is left for the second")
        .isEqualTo(
            "a=server_error/current, a=server_error/current, a=retry_budget/none, b=ok/none");
    assertThat(trail(refilled)).startsWith("a=server_error/current, a=server_error/current, ");
  }

  @Test
  void anOpenBreakerSkipsTheProviderWithoutCallingIt() {
    chain = new ScriptedChain(providers("", ""));
    chain.script("a", Step.ok()).script("b", Step.ok());
    chain.providers.get("a").breaker().open();
    RequestContext rc = chain.request("auto");

    chain.route(rc);

    assertThat(trail(rc)).isEqualTo("a=breaker_open/none, b=ok/none");
    assertThat(chain.calls("a")).isZero();
  }

  @Test
  void weightedOrderDrawsByWeight() {
    // a weighs 3, b 1: a draw below 3/4 of the total picks a first, one above picks b first.
    chain = new ScriptedChain(providers("", "mode: weighted"), new ScriptedChain.Draws(0.74));
    assertThat(chain.router.chain("auto", null))
        .extracting(ProviderRuntime::name)
        .containsExactly("a", "b");
    chain.close();

    chain = new ScriptedChain(providers("", "mode: weighted"), new ScriptedChain.Draws(0.76));
    assertThat(chain.router.chain("auto", null))
        .extracting(ProviderRuntime::name)
        .containsExactly("b", "a");
  }

  @Test
  void anOpenBreakerShrinksAProvidersWeightToAHundredth() {
    // a's weight 3 becomes 0.03 against b's 1: a draw of 0.05 (0.0515 of 1.03) already picks b.
    chain = new ScriptedChain(providers("", "mode: weighted"), new ScriptedChain.Draws(0.05));
    chain.providers.get("a").breaker().open();

    assertThat(chain.router.chain("auto", null))
        .extracting(ProviderRuntime::name)
        .containsExactly("b", "a");
  }

  @Test
  void hedgingStartsTheNextProviderWhenTheFirstFailsAndTakesItsAnswer() {
    chain = new ScriptedChain(providers("", "mode: parallel, hedge_delay: 10m"));
    chain.script("a", Step.status(500)).script("b", Step.ok());
    RequestContext rc = chain.request("auto");

    AttemptResult r = chain.route(rc);

    assertThat(r.attempt().provider()).isEqualTo("b");
    assertThat(trail(rc)).endsWith("a=server_error/current, b=ok/none");
  }

  @Test
  void hedgingTakesTheFirstAnswerAndCancelsTheSlowProviderWithoutBlamingIt() {
    chain = new ScriptedChain(providers("", "mode: parallel, hedge_delay: 10ms"));
    chain.script("a", Step.held()).script("b", Step.ok());
    RequestContext rc = chain.request("auto");

    AttemptResult r = chain.route(rc);
    chain.release();

    assertThat(r.attempt().provider()).isEqualTo("b");
    await().atMost(Duration.ofSeconds(10)).until(() -> trail(rc).contains("a=cancelled/current"));
    assertThat(chain.calls("a")).as("a cancelled lane is not retried").isEqualTo(1);
    assertThat(chain.providers.get("a").breaker().state()).isEqualTo(State.CLOSED);
  }

  @Test
  void withEveryProviderFailingTheRouteHasNoAnswer() {
    chain = new ScriptedChain(providers("", ""));
    chain.script("a", Step.status(503)).script("b", Step.status(500));
    RequestContext rc = chain.request("auto");

    assertThat(chain.route(rc)).isNull();
    assertThat(rc.attempts()).hasSize(4);
  }

  @Test
  void aClientErrorGoesBackToTheClientWithoutFailover() {
    chain = new ScriptedChain(providers("", ""));
    chain.script("a", Step.status(422)).script("b", Step.ok());
    RequestContext rc = chain.request("auto");

    AttemptResult r = chain.route(rc);

    assertThat(r).isInstanceOf(AttemptResult.Rejected.class);
    assertThat(chain.calls("b")).isZero();
  }
}
