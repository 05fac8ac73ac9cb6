package io.nxs.core.http;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a daemon started apart from the caller (a child {@code nxs serve} process, or one
 * serving from another thread) to answer {@code GET /readyz} with 200 on loopback: the start-up
 * archive's training run and the rollout's drills both start real daemons and must know when one
 * serves, when it stopped, and when it took too long.
 *
 * <p>Design note: the poll is of a real daemon starting, not a test's timing: it asks every {@value
 * #POLL_MILLIS} ms, stops at once when the daemon stops (one that failed its start is not waited on
 * until the limit), and measures the limit on the monotonic clock, because it bounds how long a
 * real process may take, not a time of day. By default it asks through {@code HttpURLConnection},
 * as the CLI does (the JDK's {@code HttpClient} would put some 300 classes into the daemon's own
 * start-up archive, whose training waits here, ADR 0062); a caller whose JVM must not load even
 * those gives its own {@link Probe} (the serve training asks over a plain socket, ADR 0095).
 */
public final class ChildDaemonReadiness {

  /** How a wait ended. */
  public enum Outcome {
    /** {@code /readyz} answered 200. */
    READY,
    /** The daemon stopped before it was ready. */
    EXITED,
    /** The limit passed with the process still running and not ready. */
    TIMED_OUT
  }

  static final long POLL_MILLIS = 20;

  /** One question to the daemon: whether {@code /readyz} answered 200 now. */
  @FunctionalInterface
  public interface Probe {
    /**
     * @throws IOException when it is not listening yet, or the request failed: asked again
     */
    boolean ready() throws IOException;
  }

  private ChildDaemonReadiness() {}

  /**
   * Asks {@code http://127.0.0.1:port/readyz} until it answers 200, {@code running} says the daemon
   * stopped (its process exited, or the thread that serves it in this JVM ended) or {@code limit}
   * has passed.
   */
  public static Outcome await(BooleanSupplier running, int port, Duration limit)
      throws InterruptedException {
    return await(running, limit, new ReadyzOverUrlConnection(port));
  }

  /**
   * Asks {@code probe} until it says ready, {@code running} says the daemon stopped, or {@code
   * limit} has passed.
   */
  public static Outcome await(BooleanSupplier running, Duration limit, Probe probe)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (running.getAsBoolean()) {
      try {
        if (probe.ready()) {
          return Outcome.READY;
        }
      } catch (IOException expected) {
        // Not listening yet, or a request timed out under load: ask again.
      }
      if (System.nanoTime() - deadline > 0) {
        return Outcome.TIMED_OUT;
      }
      Thread.sleep(POLL_MILLIS);
    }
    return Outcome.EXITED;
  }

  /**
   * {@code GET http://127.0.0.1:port/readyz} through {@code HttpURLConnection}; a class of its own,
   * so a caller with another probe never loads it.
   */
  private record ReadyzOverUrlConnection(int port) implements Probe {
    @Override
    public boolean ready() throws IOException {
      URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
      HttpURLConnection connection = (HttpURLConnection) readyz.toURL().openConnection();
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(5000);
      int status = connection.getResponseCode();
      connection.disconnect();
      return status == 200;
    }
  }
}
