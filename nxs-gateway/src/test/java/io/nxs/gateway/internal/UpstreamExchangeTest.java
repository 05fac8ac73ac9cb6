package io.nxs.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a whole (non-streamed) answer is read: into an array of its declared length, refused early
 * when that length is over the limit, and a failure when the connection ends short of it; on the
 * gateway's own pooled connections ({@link UpstreamConnections}), which are reused between
 * exchanges.
 */
class UpstreamExchangeTest {

  /** Only a failing case waits this long: the watch then turns the wait into a timeout. */
  private static final long NO_HURRY = 10_000_000_000L;

  private final List<AutoCloseable> open = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final CloseableHttpClient client =
      HttpClients.custom()
          .setConnectionManager(
              PoolingHttpClientConnectionManagerBuilder.create()
                  .setConnectionFactory(new UpstreamConnections())
                  .build())
          .disableAutomaticRetries()
          .build();

  @AfterEach
  void close() throws Exception {
    client.close(CloseMode.IMMEDIATE);
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void aBodyOfItsDeclaredLengthComesAsItCameAndTheConnectionIsKept() throws Exception {
    String body = "{\"id\":\"x\",\"choices\":[]}";
    int port = upstream(ok(body), ok(body));

    assertThat(read(port, 1024)).isEqualTo(body);
    assertThat(read(port, 1024)).as("second exchange, same connection").isEqualTo(body);
  }

  @Test
  void aBodyWithoutADeclaredLengthIsReadToItsEnd() throws Exception {
    int port =
        upstream(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n");

    assertThat(read(port, 1024)).isEqualTo("{\"a\":1}");
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() throws Exception {
    int port = upstream("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{");

    assertThatThrownBy(() -> read(port, 1000))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("exceeds 1000 bytes");
  }

  @Test
  void aConnectionThatEndsBeforeTheDeclaredLengthIsAFailureNotAShortAnswer() throws Exception {
    int port = upstream("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"a\":1}");

    assertThatThrownBy(() -> read(port, 1024)).isInstanceOf(IOException.class);
  }

  @Test
  void aWaitWithAnEarlierDeadlineThanTheWatchPlannedIsStillCutAtItsOwn() throws Exception {
    int port = silentUpstream();
    UpstreamExchange patient = exchange(port);
    Thread patientWait =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    patient.awaitHeaders(System.nanoTime() + NO_HURRY);
                  } catch (Exception cancelledAtTheEnd) {
                    // cancelled below
                  }
                });
    // Armed first (its deadline is set before its request goes out): its 10 s deadline is the one
    // the watch sleeps until.
    await().until(() -> requestsHeard.get() == 1);
    UpstreamExchange hasty = exchange(port);
    long start = System.nanoTime();

    try {
      // The watch sleeps until the patient wait's deadline, 10 s away; this one's comes first.
      assertThatThrownBy(() -> hasty.awaitHeaders(System.nanoTime() + 200_000_000L))
          .isInstanceOf(TimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("cut near its own deadline, not the patient one's")
          .isLessThan(Duration.ofSeconds(5));
    } finally {
      patient.cancel();
      patientWait.join();
    }
  }

  private UpstreamExchange exchange(int port) {
    return UpstreamExchange.send(
        UpstreamClient.classic(client), new HttpGet("http://127.0.0.1:" + port + "/v1/models"));
  }

  /** Requests whose head the silent upstream has read. */
  private final AtomicInteger requestsHeard = new AtomicInteger();

  /** An upstream that takes every connection, reads its request's head, and never answers. */
  private int silentUpstream() throws IOException {
    ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    open.add(server);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                while (true) {
                  Socket s = server.accept();
                  open.add(s);
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try {
                              skipHead(s.getInputStream());
                              requestsHeard.incrementAndGet();
                            } catch (IOException closed) {
                              // the test is over
                            }
                          });
                }
              } catch (IOException closed) {
                // the test is over
              }
            });
    return server.getLocalPort();
  }

  private String read(int port, int limit) throws Exception {
    UpstreamExchange ex =
        UpstreamExchange.send(
            UpstreamClient.classic(client), new HttpGet("http://127.0.0.1:" + port + "/v1/models"));
    assertThat(ex.awaitHeaders(System.nanoTime() + NO_HURRY)).isEqualTo(200);
    return new String(ex.readBody(System.nanoTime() + NO_HURRY, limit), StandardCharsets.UTF_8);
  }

  private static String ok(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n"
        + body;
  }

  /**
   * An upstream on an ephemeral port that takes one connection and writes each answer after a
   * request's head, then closes it.
   */
  private int upstream(String... answers) throws IOException {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    open.add(server);
    Thread.ofVirtual()
        .start(
            () -> {
              try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                for (String answer : answers) {
                  skipHead(in);
                  out.write(answer.getBytes(StandardCharsets.UTF_8));
                  out.flush();
                }
              } catch (IOException expected) {
                // The client went away (a refused body closes its connection): nothing to answer.
              }
            });
    return server.getLocalPort();
  }

  /** Reads a request up to the blank line after its headers (a GET has no body). */
  private static void skipHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the client closed the connection");
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }
}
