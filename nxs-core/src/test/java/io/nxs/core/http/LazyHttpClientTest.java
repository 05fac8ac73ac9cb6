package io.nxs.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LazyHttpClientTest {

  private HttpServer server;
  private final AtomicInteger builds = new AtomicInteger();

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HttpClient lazy() {
    return LazyHttpClient.of(
        () -> {
          builds.incrementAndGet();
          return HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(7))
              .build();
        });
  }

  private HttpRequest ping() {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ping"))
        .build();
  }

  @Test
  void buildsTheClientAtTheFirstRequestAndOnlyOnce() throws Exception {
    HttpClient client = lazy();
    assertThat(builds).hasValue(0);

    HttpResponse<String> first = client.send(ping(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> second =
        client.sendAsync(ping(), HttpResponse.BodyHandlers.ofString()).join();

    assertThat(first.body()).isEqualTo("pong");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(builds).hasValue(1);
    assertThat(client.connectTimeout()).contains(Duration.ofSeconds(7));
    assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
  }

  @Test
  void closingAClientNeverUsedBuildsNothingAndRefusesLaterRequests() throws Exception {
    HttpClient client = lazy();

    client.close();

    assertThat(builds).hasValue(0);
    assertThat(client.isTerminated()).isTrue();
    assertThat(client.awaitTermination(Duration.ofMillis(1))).isTrue();
    assertThatThrownBy(() -> client.send(ping(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shut down");
  }

  @Test
  void closingAUsedClientClosesTheBuiltOne() throws Exception {
    HttpClient client = lazy();
    client.send(ping(), HttpResponse.BodyHandlers.ofString());

    client.close();

    assertThat(client.isTerminated()).isTrue();
    assertThat(builds).hasValue(1);
  }
}
