package io.nxs.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A child daemon's readiness against real processes and a real HTTP server on loopback: the process
 * stands for the daemon's life, the server for its {@code /readyz}.
 */
class ChildDaemonReadinessTest {

  private Process child;
  private HttpServer server;

  @AfterEach
  void stop() {
    if (child != null) {
      child.destroyForcibly();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void readyOnceReadyzAnswers200AfterRefusals() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    int port = readyz(() -> asked.incrementAndGet() < 3 ? 503 : 200);
    child = new ProcessBuilder("sleep", "60").start();

    assertThat(ChildDaemonReadiness.await(child::isAlive, port, Duration.ofMinutes(1)))
        .isEqualTo(ChildDaemonReadiness.Outcome.READY);
    assertThat(asked).hasValue(3);
  }

  @Test
  void exitedAsSoonAsTheProcessDiesWithoutWaitingForTheLimit() throws Exception {
    child = new ProcessBuilder("sh", "-c", "exit 3").start();

    assertThat(ChildDaemonReadiness.await(child::isAlive, unusedPort(), Duration.ofHours(1)))
        .isEqualTo(ChildDaemonReadiness.Outcome.EXITED);
  }

  @Test
  void timedOutWhenNothingAnswersWithinTheLimit() throws Exception {
    child = new ProcessBuilder("sleep", "60").start();

    assertThat(ChildDaemonReadiness.await(child::isAlive, unusedPort(), Duration.ofMillis(100)))
        .isEqualTo(ChildDaemonReadiness.Outcome.TIMED_OUT);
    assertThat(child.isAlive()).isTrue();
  }

  @Test
  void aReadyzThatNeverAnswers200IsNotReady() throws Exception {
    int port = readyz(() -> 503);
    child = new ProcessBuilder("sleep", "60").start();

    assertThat(ChildDaemonReadiness.await(child::isAlive, port, Duration.ofMillis(200)))
        .isEqualTo(ChildDaemonReadiness.Outcome.TIMED_OUT);
  }

  private int readyz(java.util.function.IntSupplier status) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/readyz",
        exchange -> {
          exchange.sendResponseHeaders(status.getAsInt(), -1);
          exchange.close();
        });
    server.start();
    return server.getAddress().getPort();
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
