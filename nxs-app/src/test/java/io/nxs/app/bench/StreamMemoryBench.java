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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * Prints two lines: {@code idle_rss_mb=.. idle30_rss_mb=.. load_rss_mb=.. streams_ok=..
 * streams_failed=..}, then where the idle resident memory is (15 s after ready, from {@code
 * /proc/PID/smaps}): the mapped start-up archive, libjvm, other files, anonymous memory. The JVM
 * trims its C heap every 10 s, so the reading at 15 s may hold a compilation burst's freed malloc
 * memory; the one at 30 s is the settled figure.
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
        String where = residentByKind(daemon.pid());
        Thread.sleep(15_000);
        long idle30 = rssKb(daemon.pid());
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
            "idle_rss_mb=%d idle30_rss_mb=%d load_rss_mb=%d streams_ok=%d streams_failed=%d"
                + " open_upstream=%d%n",
            idle / 1024,
            idle30 / 1024,
            peak / 1024,
            ok.get(),
            failed.get(),
            upstream.completed());
        System.out.println("idle resident MB (15 s): " + where);
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

  /**
   * Resident memory of {@code pid} by kind of mapping, in MB: the start-up archive ({@code .aot} or
   * {@code .jsa}), libjvm, other mapped files, and anonymous memory (Java heap, metaspace, code
   * cache, thread stacks, the C heap).
   */
  private static String residentByKind(long pid) throws IOException {
    Map<String, Long> kb = new LinkedHashMap<>();
    for (String kind : List.of("archive", "libjvm", "files", "anonymous")) {
      kb.put(kind, 0L);
    }
    String kind = "anonymous";
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
      String[] f = line.split("\\s+");
      if (f.length >= 5 && f[0].matches("[0-9a-f]+-[0-9a-f]+")) {
        String name = f.length > 5 ? f[5] : "";
        kind =
            name.endsWith(".aot") || name.endsWith(".jsa")
                ? "archive"
                : name.contains("libjvm") ? "libjvm" : name.startsWith("/") ? "files" : "anonymous";
      } else if (line.startsWith("Rss:")) {
        kb.merge(kind, Long.parseLong(f[1]), Long::sum);
      }
    }
    StringBuilder out = new StringBuilder();
    kb.forEach(
        (k, v) ->
            out.append(k).append('=').append(String.format(Locale.ROOT, "%.1f ", v / 1024.0)));
    return out.toString().strip();
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
