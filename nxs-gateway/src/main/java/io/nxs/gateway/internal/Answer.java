package io.nxs.gateway.internal;

import io.nxs.gateway.Attempt;
import java.io.OutputStream;
import java.util.List;

/**
 * What {@link RequestFlow} answers a client's request with, for the HTTP route to write: a whole
 * body, a stream to relay, or the news that no provider answered. Every answer carries the attempt
 * trail ({@code x-nxs-attempts}).
 */
sealed interface Answer {

  List<Attempt> attempts();

  /**
   * A whole answer: the winner's body (200), or an upstream's refusal of the request itself
   * (400/404/422), passed on as it came.
   */
  record Complete(String provider, List<Attempt> attempts, int status, byte[] body)
      implements Answer {}

  /**
   * A stream that reached its point of no return: the route sends the status and headers, then
   * {@link #relay} writes the rest and records usage and any cut.
   */
  record Streamed(String provider, List<Attempt> attempts, Relay relay) implements Answer {}

  /**
   * No provider answered.
   *
   * @param status 504 when the global timeout passed, 503 when no provider could be tried, 502 when
   *     every provider failed
   * @param code the error code ({@code deadline_exceeded}, {@code providers_unavailable}, {@code
   *     all_providers_failed})
   * @param message what happened, naming each attempt (never a credential)
   */
  record Exhausted(List<Attempt> attempts, int status, String code, String message)
      implements Answer {}

  /** Relays a won stream to the client. */
  @FunctionalInterface
  interface Relay {
    /**
     * Writes the stream to {@code out} until it ends; a client that goes away ends it early (the
     * upstream exchange is cancelled, nothing else is recorded).
     */
    void to(OutputStream out);
  }
}
