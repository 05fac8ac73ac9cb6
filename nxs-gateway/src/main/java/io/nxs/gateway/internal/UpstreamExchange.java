package io.nxs.gateway.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * One HTTP exchange with an upstream, read line by line with deadlines, on the calling thread.
 *
 * <p>Design note: the exchange runs on the request's own (virtual) thread with Apache HttpClient's
 * classic, blocking API: the thread writes the request and reads the answer itself, so no selector
 * thread or executor stands between the upstream's bytes and the client (see ADR 0033). A blocking
 * read cannot take a deadline, so each wait announces its deadline to a shared watch; when a
 * deadline passes while the thread still waits, the watch aborts the exchange, which closes the
 * connection and turns the read into a {@link TimeoutException}. {@link #cancel()} (a hedging
 * loser, a timed-out attempt) aborts the same way from any thread.
 */
final class UpstreamExchange {

  /** Nothing is being waited for. */
  private static final long NONE = Long.MAX_VALUE;

  private static final ScheduledThreadPoolExecutor WATCH = watch();

  private final CloseableHttpClient client;
  private final HttpUriRequestBase request;
  private volatile long deadline = NONE;
  private volatile boolean timedOut;
  private volatile boolean cancelled;
  private ScheduledFuture<?> alarm;
  private long alarmAt;
  private ClassicHttpResponse response;
  private BufferedReader reader;
  private int status = -1;
  private boolean ended;

  private UpstreamExchange(CloseableHttpClient client, HttpUriRequestBase request) {
    this.client = client;
    this.request = request;
  }

  private static ScheduledThreadPoolExecutor watch() {
    ScheduledThreadPoolExecutor w =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("nxs-gateway-deadlines").factory());
    w.setRemoveOnCancelPolicy(true);
    return w;
  }

  /** Prepares the exchange; the request goes out in {@link #awaitHeaders}. */
  static UpstreamExchange send(CloseableHttpClient client, HttpUriRequestBase request) {
    return new UpstreamExchange(client, request);
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
      response = client.executeOpen(null, request, HttpClientContext.create());
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
      reader = new BufferedReader(new InputStreamReader(entity.getContent(), StandardCharsets.UTF_8), 8192);
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

  /** Abandons the exchange and closes its connection; safe to call more than once, from any thread. */
  void cancel() {
    cancelled = true;
    request.cancel();
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

  /**
   * Announces the deadline of the wait that follows. The alarm is set only when none is set for an
   * earlier time: a later deadline (the next chunk's) is picked up when the alarm rings.
   */
  private void arm(long deadlineNanos) {
    deadline = deadlineNanos;
    synchronized (this) {
      if (alarm == null || deadlineNanos - alarmAt < 0) {
        if (alarm != null) {
          alarm.cancel(false);
        }
        schedule(deadlineNanos);
      }
    }
  }

  private void schedule(long at) {
    alarmAt = at;
    alarm = WATCH.schedule(this::ring, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void ring() {
    long d = deadline;
    synchronized (this) {
      alarm = null;
      if (d == NONE || ended) {
        return; // not waiting now: the next wait sets a new alarm
      }
      if (System.nanoTime() - d < 0) {
        schedule(d);
        return;
      }
    }
    timedOut = true;
    request.cancel();
  }

  /** Ends the exchange: no alarm left, the connection back to the pool (or closed if unread). */
  private void finish() {
    synchronized (this) {
      if (alarm != null) {
        alarm.cancel(false);
        alarm = null;
      }
    }
    if (response != null) {
      try {
        response.close();
      } catch (IOException e) {
        // closing a broken connection: nothing to keep
      }
    }
  }
}
