package io.nxs.gateway.internal;

import io.nxs.gateway.Attempt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One client request on its way through the chain: its route, who sent it, its deadline ({@code
 * global_timeout}) and the trail of attempts, which several hedged lanes may add to.
 */
final class RequestContext {

  private final String route;
  private final String apiKeyId;
  private final long startNanos;
  private final long deadlineNanos;
  private final List<Attempt> attempts = new ArrayList<>();

  RequestContext(String route, String apiKeyId, Duration globalTimeout) {
    this.route = route;
    this.apiKeyId = apiKeyId;
    this.startNanos = System.nanoTime();
    this.deadlineNanos = startNanos + globalTimeout.toNanos();
  }

  String route() {
    return route;
  }

  String apiKeyId() {
    return apiKeyId;
  }

  long startNanos() {
    return startNanos;
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  boolean expired() {
    return System.nanoTime() - deadlineNanos >= 0;
  }

  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  synchronized void add(Attempt a) {
    attempts.add(a);
  }

  synchronized List<Attempt> attempts() {
    return List.copyOf(attempts);
  }
}
