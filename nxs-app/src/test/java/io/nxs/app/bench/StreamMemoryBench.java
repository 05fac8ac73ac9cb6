package io.nxs.app.bench;

import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resident memory of a real daemon ({@code java -jar nxs.jar serve} with the launcher's flags),
 * idle and while it relays N concurrent streaming chat completions from the testkit's {@link
 * FakeUpstream} (in this process, on loopback, each stream dripping its chunks 2 s apart).
 *
 * <pre>
 *   java -cp TEST_CLASSPATH io.nxs.app.bench.StreamMemoryBench JAR WORKDIR STREAMS "JVM FLAGS"
 * </pre>
 *
 * Prints one line: {@code idle_rss_mb=.. load_rss_mb=.. streams_ok=.. streams_failed=..}.
 */
public final class StreamMemoryBench {

  private StreamMemoryBench() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int streams = Integer.parseInt(args[2]);
    List<String> flags = List.of(args[3].trim().split("\\s+"));
    try (FakeUpstream upstream = FakeUpstream.start("fake")) {
      upstream.always(Script.ok().withChunkGap(Duration.ofSeconds(2)));
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path home = work.resolve("home");
      Files.createDirectories(home);
      Files.writeString(
          home.resolve("nxs.yaml"),
          "server:\n  port: "
              + port
              + "\nproviders:\n  - name: fake\n    base_url: "
              + upstream.baseUrl()
              + "\n    api_key: key-of-fake-000000\n    model: model-fake\n");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(flags);
      command.addAll(List.of("-jar", jar.toString(), "serve", "--home", home.toString()));
      Process daemon =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("daemon.log").toFile())
              .start();
      try {
        HttpClient client =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
        awaitReady(client, port);
        String key = Files.readString(home.resolve("keys/admin.key")).strip();
        // Idle: the daemon after start-up garbage settled.
        Thread.sleep(15_000);
        long idle = rssKb(daemon.pid());
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch firstBytes = new CountDownLatch(streams);
        CountDownLatch done = new CountDownLatch(streams);
        String body =
            "{\"model\":\"fake\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (int i = 0; i < streams; i++) {
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      HttpResponse<InputStream> r =
                          client.send(
                              HttpRequest.newBuilder(
                                      URI.create(
                                          "http://127.0.0.1:" + port + "/v1/chat/completions"))
                                  .header("Authorization", "Bearer " + key)
                                  .header("Content-Type", "application/json")
                                  .timeout(Duration.ofSeconds(120))
                                  .POST(HttpRequest.BodyPublishers.ofString(body))
                                  .build(),
                              HttpResponse.BodyHandlers.ofInputStream());
                      try (InputStream in = r.body()) {
                        in.read();
                        firstBytes.countDown();
                        String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        if (r.statusCode() == 200 && rest.contains("[DONE]")) {
                          ok.incrementAndGet();
                        } else {
                          failed.incrementAndGet();
                        }
                      }
                    } catch (IOException | InterruptedException e) {
                      failed.incrementAndGet();
                      firstBytes.countDown();
                    } finally {
                      done.countDown();
                    }
                  });
        }
        firstBytes.await(120, TimeUnit.SECONDS);
        long peak = 0;
        while (done.getCount() > 0) {
          peak = Math.max(peak, rssKb(daemon.pid()));
          done.await(200, TimeUnit.MILLISECONDS);
        }
        System.out.printf(
            Locale.ROOT,
            "idle_rss_mb=%d load_rss_mb=%d streams_ok=%d streams_failed=%d open_upstream=%d%n",
            idle / 1024,
            peak / 1024,
            ok.get(),
            failed.get(),
            upstream.completed());
      } finally {
        daemon.destroy();
        daemon.waitFor(60, TimeUnit.SECONDS);
      }
    }
  }

  private static void awaitReady(HttpClient client, int port) throws Exception {
    for (int i = 0; i < 600; i++) {
      try {
        if (client
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet: the bench waits, as a client would.
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("the daemon did not become ready");
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return 0;
  }
}
