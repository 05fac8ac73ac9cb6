package io.nxs.gateway.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP exchange with an upstream, read line by line with deadlines, on the calling thread.
 *
 * <p>Design note: the exchange runs on the request's own (virtual) thread with Apache HttpClient's
 * classic, blocking API: the thread writes the request and reads the answer itself, so no selector
 * thread or executor stands between the upstream's bytes and the client (see ADR 0033). A blocking
 * read cannot take a deadline, so each wait writes its deadline into the exchange, and one watch
 * thread sleeps until the earliest deadline of the open exchanges; when a deadline passed while the
 * thread still waits, the watch aborts the exchange, which closes the connection and turns the read
 * into a {@link TimeoutException}. A deadline is thus kept to within the timer's precision, and a
 * request costs the watch no wake-up of its own (a timer per wait did: one context switch per
 * request; a watch that ticked every 2 ms, 500 a second). {@link #cancel()} (a hedging loser, a
 * timed-out attempt) aborts the same way from any thread.
 */
final class UpstreamExchange {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamExchange.class);

  /** Nothing is being waited for. */
  private static final long NONE = Long.MAX_VALUE;

  private static final Deadlines DEADLINES = new Deadlines();

  private final UpstreamClient.Wire wire;
  private volatile long deadline = NONE;
  private volatile boolean timedOut;
  private volatile boolean cancelled;
  private ClassicHttpResponse response;
  private InputStream content;
  private long contentLength = -1;
  private BufferedReader reader;
  private int status = -1;
  private boolean ended;

  private UpstreamExchange(UpstreamClient.Wire wire) {
    this.wire = wire;
  }

  /** Prepares the exchange; the request goes out in {@link #awaitHeaders}. */
  static UpstreamExchange send(UpstreamClient client, HttpUriRequestBase request) {
    return new UpstreamExchange(client.wire(request));
  }

  /**
   * Sends the request and waits for the status line and headers.
   *
   * @return the HTTP status
   * @throws TimeoutException when they do not arrive before {@code deadlineNanos}
   * @throws IOException when the exchange failed (refused, reset ...)
   */
  int awaitHeaders(long deadlineNanos) throws TimeoutException, IOException {
    if (status >= 0) {
      return status;
    }
    if (cancelled) {
      throw new IOException("cancelled");
    }
    arm(deadlineNanos);
    try {
      response = wire.open();
    } catch (IOException | RuntimeException e) {
      finish();
      throw failure(e);
    } finally {
      deadline = NONE;
    }
    status = response.getCode();
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      ended = true;
      finish();
    } else {
      content = entity.getContent();
      contentLength = entity.getContentLength();
    }
    return status;
  }

  /** A response header's first value, or null. */
  String header(String name) {
    Header h = response == null ? null : response.getFirstHeader(name);
    return h == null ? null : h.getValue();
  }

  /**
   * The next body line.
   *
   * @return the line, or null at the end of the body
   * @throws TimeoutException when none arrives before {@code deadlineNanos}
   * @throws IOException when the connection broke
   */
  String nextLine(long deadlineNanos) throws TimeoutException, IOException {
    if (ended) {
      return null;
    }
    BufferedReader reader = reader();
    if (System.nanoTime() - deadlineNanos >= 0 && !reader.ready()) {
      throw new TimeoutException();
    }
    arm(deadlineNanos);
    String line;
    try {
      line = reader.readLine();
    } catch (IOException | RuntimeException e) {
      ended = true;
      finish();
      throw failure(e);
    } finally {
      deadline = NONE;
    }
    if (line == null) {
      ended = true;
      finish();
    }
    return line;
  }

  /** The rest of the body as it came, at most {@code limit} characters. */
  String readRest(long deadlineNanos, int limit) throws TimeoutException, IOException {
    if (ended) {
      return "";
    }
    BufferedReader reader = reader();
    StringBuilder sb = new StringBuilder();
    char[] buf = new char[8192];
    arm(deadlineNanos);
    try {
      for (int n = reader.read(buf); n >= 0; n = reader.read(buf)) {
        sb.append(buf, 0, n);
        if (sb.length() > limit) {
          throw new IOException("the upstream body exceeds " + limit + " characters");
        }
      }
    } catch (IOException | RuntimeException e) {
      ended = true;
      finish();
      throw failure(e);
    } finally {
      deadline = NONE;
    }
    ended = true;
    finish();
    return sb.toString();
  }

  /**
   * The whole body as bytes, as it came (no decoding: a plain answer goes to the client as is).
   *
   * @throws IOException when it broke or holds more than {@code limit} bytes
   */
  byte[] readBody(long deadlineNanos, int limit) throws TimeoutException, IOException {
    if (ended) {
      return new byte[0];
    }
    if (reader != null) {
      throw new IllegalStateException("the body is already being read as lines");
    }
    if (contentLength > limit) {
      ended = true;
      cancel();
      throw new IOException("the upstream body exceeds " + limit + " bytes");
    }
    byte[] body;
    arm(deadlineNanos);
    try {
      body = contentLength >= 0 ? declared((int) contentLength) : content.readNBytes(limit + 1);
    } catch (IOException | RuntimeException e) {
      ended = true;
      finish();
      throw failure(e);
    } finally {
      deadline = NONE;
    }
    if (body.length > limit) {
      ended = true;
      cancel();
      throw new IOException("the upstream body exceeds " + limit + " bytes");
    }
    ended = true;
    finish();
    return body;
  }

  /**
   * A body of the length its {@code Content-Length} declared, read straight into an array of that
   * size (no growing buffers and final copy, as reading up to the limit would take).
   *
   * @throws IOException when the connection ends before all of it came
   */
  private byte[] declared(int length) throws IOException {
    byte[] body = new byte[length];
    int n = content.readNBytes(body, 0, length);
    if (n < length) {
      throw new IOException(
          "the upstream body ended after " + n + " of its " + length + " declared bytes");
    }
    return body;
  }

  /** The body as UTF-8 lines, from the first call on. */
  private BufferedReader reader() {
    if (reader == null) {
      reader = new BufferedReader(new InputStreamReader(content, StandardCharsets.UTF_8), 8192);
    }
    return reader;
  }

  /**
   * Abandons the exchange and closes its connection; safe to call more than once, from any thread.
   */
  void cancel() {
    cancelled = true;
    wire.abort();
    DEADLINES.forget(this);
  }

  /**
   * What a failed wait becomes: a timeout when the deadline passed, else an {@link IOException}.
   *
   * @throws TimeoutException when the watch aborted the exchange at its deadline
   */
  private IOException failure(Exception e) throws TimeoutException {
    if (timedOut) {
      TimeoutException t = new TimeoutException("deadline passed");
      t.initCause(e);
      throw t;
    }
    if (cancelled) {
      return new IOException("cancelled", e);
    }
    return e instanceof IOException io ? io : new IOException(e.getMessage(), e);
  }

  /** Announces the deadline of the wait that follows; {@link #DEADLINES} checks it. */
  private void arm(long deadlineNanos) {
    deadline = deadlineNanos;
    DEADLINES.watch(this, deadlineNanos);
  }

  /** Called by the watch: aborts the exchange when the wait in progress is past its deadline. */
  private boolean expireIfDue(long now) {
    long d = deadline;
    if (d == NONE || ended) {
      return true; // not waiting any more
    }
    if (now - d < 0) {
      return false;
    }
    timedOut = true;
    wire.abort();
    return true;
  }

  /** Ends the exchange: the connection back to the pool (or closed if unread). */
  private void finish() {
    DEADLINES.forget(this);
    if (response != null) {
      try {
        response.close();
      } catch (IOException e) {
        // Closing a broken connection: nothing is left to keep or to report.
        LOG.debug("closing an upstream response failed: {}", e.toString());
      }
    }
  }

  /**
   * The watch over open exchanges: one daemon thread that sleeps until the earliest deadline of the
   * exchanges that wait, aborts those past theirs, and sleeps again.
   *
   * <p>Design note: deadlines are seconds away (a provider's timeouts) while an exchange lasts
   * milliseconds, so the watch wakes about once per timeout under load, not once per request or per
   * tick (a 2 ms tick cost 500 wake-ups a second, each a context switch, busy or not). A wait whose
   * deadline comes before the planned wake-up wakes the watch ({@link #watch}); so does any wait
   * armed while the watch looks at the set, since that look may have missed it (the set's iterator
   * is weakly consistent): the watch then looks again. An exchange is in the set from its first
   * wait to its end; between waits its deadline is {@link #NONE}.
   */
  private static final class Deadlines {
    private final Set<UpstreamExchange> open = ConcurrentHashMap.newKeySet();
    private final Thread thread;

    /**
     * When the watch wakes next ({@code System.nanoTime()}), {@link #NONE} when no wait is open.
     */
    private volatile long wakeAt = NONE;

    /** Whether the watch is looking at the set (a wait armed now may be missed by that look). */
    private volatile boolean scanning;

    Deadlines() {
      thread = Thread.ofPlatform().daemon().name("nxs-gateway-deadlines").start(this::run);
    }

    /** Called after {@code ex.deadline} was set to {@code deadlineNanos}. */
    void watch(UpstreamExchange ex, long deadlineNanos) {
      open.add(ex);
      // Read scanning before wakeAt: the watch writes wakeAt before it clears scanning. NONE is
      // tested by name: nanoTime values may be negative, and d - NONE would overflow.
      boolean looking = scanning;
      long planned = wakeAt;
      if (looking || planned == NONE || deadlineNanos - planned < 0) {
        LockSupport.unpark(thread);
      }
    }

    void forget(UpstreamExchange ex) {
      open.remove(ex);
    }

    private void run() {
      while (true) {
        scanning = true;
        long now = System.nanoTime();
        long next = NONE;
        for (UpstreamExchange ex : open) {
          long d = ex.deadline;
          if (d == NONE) {
            continue; // between waits: its next wait announces itself
          }
          if (ex.expireIfDue(now)) {
            open.remove(ex);
          } else if (next == NONE || d - next < 0) {
            next = d;
          }
        }
        wakeAt = next;
        scanning = false;
        if (next == NONE) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, next - System.nanoTime());
        }
      }
    }
  }
}
