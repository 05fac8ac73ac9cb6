package io.nxs.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.auth.Scope;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A direct route with a loop handler on the Netty front (ADR 0037): a key the gate knows from
 * memory is served on the connection's event loop, which answers at once, later from the loop, or
 * hands the request on to a virtual thread; a key the gate must read from the database goes to the
 * blocking handler; a failure on the loop is the same error body as anywhere.
 */
class LoopHandlerTest {

  @TempDir Path home;

  private final HttpClient client = HttpClient.newHttpClient();
  private TestServer test;
  private HttpServer server;
  private String key;

  @BeforeEach
  void start() {
    test = new TestServer(home);
    HttpRoutes routes =
        new HttpRoutes() {
          @Override
          public void addTo(io.javalin.config.RoutesConfig r) {
            // every route here is direct
          }

          @Override
          public void addDirect(DirectRoutes r) {
            r.post(
                "/v1/loop",
                Scope.READ,
                ex -> ex.respond(200, "text/plain", bytes(where("blocking", ex))),
                ex -> {
                  String mode = ex.header("x-mode");
                  switch (mode) {
                    case "now" -> ex.respond(200, "text/plain", bytes(where("now", ex)));
                    case "later" ->
                        ex.loop()
                            .schedule(
                                () ->
                                    ex.header("x-later", "yes")
                                        .respond(200, "text/plain", bytes(where("later", ex))),
                                5,
                                TimeUnit.MILLISECONDS);
                    case "resume" -> {
                      ex.header("x-set-on-loop", "kept");
                      ex.resume(e -> e.respond(200, "text/plain", bytes(where("resumed", e))));
                    }
                    case "stream" -> ex.stream(200, "text/plain");
                    default -> throw ApiException.badRequest("no mode " + mode);
                  }
                });
          }
        };
    server = test.server(Duration.ofSeconds(2), routes).start();
    assertThat(server.fronted()).as("the Netty front runs here").isTrue();
    key = test.key(Scope.READ);
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  /** Which handler answered, on which kind of thread, with the body it read. */
  private static String where(String handler, DirectExchange ex) {
    Thread t = Thread.currentThread();
    String kind =
        t.isVirtual() ? "virtual" : t.getName().startsWith("epoll") ? "loop" : t.getName();
    try {
      return handler + " on " + kind + ": " + new String(ex.body(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private HttpResponse<String> send(String mode) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/loop"))
            .header("Authorization", "Bearer " + key)
            .header("x-mode", mode)
            .POST(HttpRequest.BodyPublishers.ofString("hello " + mode))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aKeyTheGateMustReadGoesToTheBlockingHandlerThenTheLoopServesIt() throws Exception {
    HttpResponse<String> first = send("now");
    assertThat(first.body()).isEqualTo("blocking on virtual: hello now");
    HttpResponse<String> second = send("now");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo("now on loop: hello now");
    assertThat(second.headers().firstValue("x-content-type-options")).hasValue("nosniff");
  }

  @Test
  void theLoopAnswersLaterFromATimer() throws Exception {
    send("now"); // the gate reads the key once
    HttpResponse<String> r = send("later");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("later on loop: hello later");
    assertThat(r.headers().firstValue("x-later")).hasValue("yes");
  }

  @Test
  void aResumedRequestIsAnsweredOnAVirtualThreadWithWhatTheLoopSet() throws Exception {
    send("now");
    HttpResponse<String> r = send("resume");
    assertThat(r.body()).isEqualTo("resumed on virtual: hello resume");
    assertThat(r.headers().firstValue("x-set-on-loop")).hasValue("kept");
    // The connection goes on serving after a resumed answer.
    assertThat(send("now").body()).isEqualTo("now on loop: hello now");
  }

  @Test
  void aFailureOnTheLoopIsTheUsualErrorBody() throws Exception {
    send("now");
    HttpResponse<String> r = send("nonsense");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"message\":\"no mode nonsense\"");
    HttpResponse<String> stream = send("stream");
    assertThat(stream.statusCode()).isEqualTo(500);
    assertThat(stream.body()).contains("internal_error");
  }
}
