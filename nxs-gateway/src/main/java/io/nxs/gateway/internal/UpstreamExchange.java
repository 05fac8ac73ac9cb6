package io.nxs.gateway.internal;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP exchange with an upstream, read line by line with deadlines.
 *
 * <p>Design note: the JDK client pushes the body's lines into a queue (its line subscriber), and
 * the request's thread polls that queue with the deadline that applies at that point (first
 * token, gap between chunks, total). Polling with a timeout is the only way to bound a blocking
 * read here; {@link #cancel()} cancels the body subscription and the exchange, which closes the
 * connection, so a hedging loser or a timed-out attempt frees its socket at once.
 */
final class UpstreamExchange {

  private static final Object HEADERS = new Object();
  private static final Object END = new Object();

  private record Failure(Throwable cause) {}

  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private volatile Flow.Subscription subscription;
  private volatile int status = -1;
  private volatile HttpHeaders headers;
  private volatile boolean ended;
  private CompletableFuture<?> call;

  private UpstreamExchange() {}

  /** Starts the exchange; returns at once. */
  static UpstreamExchange send(HttpClient client, HttpRequest request) {
    UpstreamExchange ex = new UpstreamExchange();
    ex.call =
        client.sendAsync(
            request,
            info -> {
              ex.status = info.statusCode();
              ex.headers = info.headers();
              ex.queue.add(HEADERS);
              return HttpResponse.BodySubscribers.fromLineSubscriber(ex.new Lines());
            });
    ex.call.whenComplete(
        (r, t) -> {
          if (t != null) {
            ex.queue.add(new Failure(unwrap(t)));
          }
        });
    return ex;
  }

  /**
   * Waits for the status line and headers.
   *
   * @return the HTTP status
   * @throws TimeoutException when they do not arrive before {@code deadlineNanos}
   * @throws IOException when the exchange failed (refused, reset ...)
   */
  int awaitHeaders(long deadlineNanos) throws TimeoutException, IOException {
    while (status < 0) {
      Object item = poll(deadlineNanos);
      if (item instanceof Failure f) {
        throw asIo(f.cause());
      }
      if (item == END) {
        break;
      }
    }
    if (status < 0) {
      throw new IOException("the connection closed before a status line");
    }
    return status;
  }

  HttpHeaders headers() {
    return headers;
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
    while (true) {
      Object item = poll(deadlineNanos);
      if (item instanceof String line) {
        return line;
      }
      if (item == END) {
        ended = true;
        return null;
      }
      if (item instanceof Failure f) {
        ended = true;
        throw asIo(f.cause());
      }
    }
  }

  /** The rest of the body, joined with newlines, at most {@code limit} characters. */
  String readRest(long deadlineNanos, int limit) throws TimeoutException, IOException {
    StringBuilder sb = new StringBuilder();
    for (String line = nextLine(deadlineNanos); line != null; line = nextLine(deadlineNanos)) {
      if (!sb.isEmpty()) {
        sb.append('\n');
      }
      sb.append(line);
      if (sb.length() > limit) {
        throw new IOException("the upstream body exceeds " + limit + " characters");
      }
    }
    return sb.toString();
  }

  /** Abandons the exchange and closes its connection; safe to call more than once. */
  void cancel() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    if (call != null) {
      call.cancel(true);
    }
    queue.add(new Failure(new IOException("cancelled")));
  }

  private Object poll(long deadlineNanos) throws TimeoutException {
    long wait = deadlineNanos - System.nanoTime();
    try {
      Object item = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
      if (item == null) {
        throw new TimeoutException();
      }
      return item;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted");
    }
  }

  private static IOException asIo(Throwable t) {
    return t instanceof IOException io ? io : new IOException(t.getMessage(), t);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** Receives the body's lines from the JDK client. */
  private final class Lines implements Flow.Subscriber<String> {
    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      queue.add(line);
    }

    @Override
    public void onError(Throwable t) {
      queue.add(new Failure(unwrap(t)));
    }

    @Override
    public void onComplete() {
      queue.add(END);
    }
  }
}
