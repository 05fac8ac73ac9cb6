package io.nxs.rollout.drill;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The {@code exhaustion} drill (SPEC RO5): a scratch daemon in a 512 MB machine ({@code
 * -XX:MaxRAM=512m}, heap {@value #HEAP}) behind a provider that holds its answers, driven toward
 * its heap limit by model requests of {@value #BODY_MB} MiB each, sent one after the other and all
 * kept in flight. It must shed load (503 with {@code Retry-After}) before it runs out of memory,
 * keep health, status and admin working, open the Doctor's {@code memory-shedding-load} alert,
 * never die (process alive, no {@code OutOfMemoryError}, no JVM crash file), and accept model
 * requests again once the answers are given and the load is gone.
 *
 * <p>Design note: the limit is the JVM's, not a cgroup's. A cgroup limit needs a delegated cgroup
 * (systemd-run --user, root) that a CI runner or a container may not have, and what it does at the
 * limit is the OOM kill the drill must prove never comes; {@code -XX:MaxRAM=512m} makes the JVM
 * size itself as in a 512 MB machine, and the explicit heap below it is the limit the daemon must
 * live within.
 */
public final class ExhaustionDrill {

  /** The drill's name. */
  public static final String NAME = "exhaustion";

  /** The drill, with what it checks. */
  public static final Drill DRILL =
      new Drill(
          NAME,
          "under a 512 MB limit, held large model requests: load shed with 503, health and admin"
              + " work, alert, never killed, accepts again when the load is gone",
          ExhaustionDrill::steps);

  static final String RULE = "memory-shedding-load";

  /** The scratch daemon's heap, below the 512 MB machine. */
  static final String HEAP = "160m";

  /** The size of one model request. */
  static final int BODY_MB = 2;

  /** The most requests the drill keeps in flight before it gives up on seeing a refusal. */
  private static final int MAX_IN_FLIGHT = 160;

  private static final String KEY = "drill-exhaustion-key";
  private static final String PROVIDER = "drill-slow";

  private ExhaustionDrill() {}

  private static void steps(ScratchInstance scratch, List<DrillReport.Check> checks)
      throws IOException, InterruptedException {
    try (DrillUpstream slow = new DrillUpstream(PROVIDER, KEY)) {
      configure(scratch, slow);
      Optional<Duration> ready = scratch.startAndAwaitReady();
      checks.add(Drill.readyCheck("ready with a 512 MB limit", ready, scratch));
      if (ready.isEmpty()) {
        return;
      }
      checks.add(
          DrillProviders.answeredBy(
              "answers before the load", DrillProviders.ask(scratch), PROVIDER));

      slow.holdAnswers();
      Load load = new Load(scratch);
      Optional<HttpResponse<String>> refused = load.untilRefused(slow);
      checks.add(
          new DrillReport.Check(
              "sheds load: 503 with Retry-After",
              refused.isPresent() && refused.get().headers().firstValue("Retry-After").isPresent(),
              refused.isPresent()
                  ? "refused with " + load.inFlight + " requests of " + BODY_MB + " MiB in flight"
                  : "no refusal with "
                      + load.inFlight
                      + " requests in flight; others answered "
                      + load.otherStatuses));

      ScratchInstance.ApiResult health = scratch.api("GET", "/healthz", null);
      ScratchInstance.ApiResult admin =
          scratch.api("POST", "/api/v1/keys", "{\"scope\":\"read\",\"name\":\"drill-exhaustion\"}");
      checks.add(
          new DrillReport.Check(
              "health and admin keep working",
              health.status() == 200 && admin.status() == 201,
              "/healthz HTTP " + health.status() + "; API key written: HTTP " + admin.status()));
      ScratchInstance.ApiResult alerts =
          scratch.awaitApi("GET", "/api/v1/alerts", a -> a.body().contains("\"" + RULE + "\""));
      boolean alerted = alerts.body().contains("\"" + RULE + "\"");
      checks.add(
          new DrillReport.Check(
              "alert opened",
              alerted,
              alerted
                  ? "alert " + RULE + " open"
                  : "no " + RULE + " alert within 60 s (HTTP " + alerts.status() + ")"));

      slow.answerHeld();
      load.awaitAll();
      Optional<Duration> recovered = load.untilAccepted();
      checks.add(
          new DrillReport.Check(
              "accepts again when the load is gone",
              recovered.isPresent(),
              recovered.isPresent()
                  ? "a model request answered " + recovered.get().toMillis() + " ms after the load"
                  : "still refused 60 s after the load"));

      checks.add(neverKilled(scratch));
      ScratchInstance.ApiResult audit =
          scratch.api("GET", "/api/v1/audit?type=nxs.memory_pressure%2A", null);
      boolean both =
          audit.body().contains("\"nxs.memory_pressure\"")
              && audit.body().contains("nxs.memory_pressure_ended");
      checks.add(
          new DrillReport.Check(
              "pressure and its end audited",
              both,
              both
                  ? "nxs.memory_pressure and nxs.memory_pressure_ended"
                  : "HTTP " + audit.status() + ": " + audit.body()));
      Drill.stopsCleanlyAndVerifies(scratch, checks, "audit chain verifies");
    }
  }

  private static void configure(ScratchInstance scratch, DrillUpstream slow) throws IOException {
    scratch.jvmOptions(
        "-XX:MaxRAM=512m",
        "-Xmx" + HEAP,
        "-XX:ErrorFile=" + scratch.dir().resolve("hs_err_pid%p.log"));
    scratch.configure(
        """
        # The exhaustion drill's scratch instance: one provider that holds its answers.
        server:
          host: 127.0.0.1
          port: 0
        providers:
          - name: %s
            base_url: http://%s:%d/v1
            api_key: %s
            model: drill-model
            priority: 1
            timeout: 120
        doctor:
          interval: 1s
        """
            .formatted(
                PROVIDER, InetAddress.getLoopbackAddress().getHostAddress(), slow.port(), KEY));
  }

  /** Alive, no {@code OutOfMemoryError} in its log, no JVM crash file. */
  private static DrillReport.Check neverKilled(ScratchInstance scratch) throws IOException {
    boolean alive = scratch.alive();
    Optional<String> oom =
        scratch.log().lines().filter(l -> l.contains("OutOfMemoryError")).findFirst();
    List<String> crashFiles;
    try (Stream<Path> files = Files.list(scratch.dir())) {
      crashFiles =
          files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err")).toList();
    }
    return new DrillReport.Check(
        "never killed, never out of memory",
        alive && oom.isEmpty() && crashFiles.isEmpty(),
        (alive ? "alive" : "NOT RUNNING")
            + oom.map(l -> "; in its log: " + l).orElse("; no OutOfMemoryError")
            + (crashFiles.isEmpty() ? "" : "; crash file " + crashFiles));
  }

  /** Large model requests kept in flight against the scratch daemon. */
  private static final class Load {

    private static final Duration LIMIT = ScratchInstance.READY_LIMIT;

    private final ScratchInstance scratch;
    private final HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final byte[] body;
    private final String admin;
    private final List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    private final List<Integer> otherStatuses = new ArrayList<>();
    private int inFlight;

    Load(ScratchInstance scratch) throws IOException {
      this.scratch = scratch;
      this.admin =
          Files.readString(scratch.home().resolve("keys/admin.key"), StandardCharsets.UTF_8)
              .strip();
      char[] filler = new char[BODY_MB << 20];
      Arrays.fill(filler, 'x');
      this.body =
          ("{\"model\":\"nxs-auto\",\"messages\":[{\"role\":\"user\",\"content\":\""
                  + new String(filler)
                  + "\"}]}")
              .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends large requests one at a time, each held at the provider before the next, until one is
     * refused or {@value #MAX_IN_FLIGHT} are in flight.
     */
    Optional<HttpResponse<String>> untilRefused(DrillUpstream slow) throws InterruptedException {
      while (inFlight < MAX_IN_FLIGHT) {
        int heldBefore = slow.holding();
        CompletableFuture<HttpResponse<String>> response = send(body, true);
        long started = System.nanoTime();
        while (!response.isDone()
            && slow.holding() == heldBefore
            && System.nanoTime() - started < LIMIT.toNanos()) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        if (response.isDone()) {
          Optional<HttpResponse<String>> answer = answer(response);
          if (answer.isPresent() && answer.get().statusCode() == 503) {
            return answer;
          }
          otherStatuses.add(answer.map(HttpResponse::statusCode).orElse(-1));
        } else if (slow.holding() == heldBefore) {
          return Optional.empty(); // neither held nor answered within the limit
        } else {
          sent.add(response);
          inFlight++;
        }
      }
      return Optional.empty();
    }

    /** Waits for the held requests' answers (each bounded by the client's timeout). */
    void awaitAll() {
      for (CompletableFuture<HttpResponse<String>> f : sent) {
        f.handle((r, e) -> r).join();
      }
    }

    /** Small model requests until one is answered 200, for up to a minute. */
    Optional<Duration> untilAccepted() throws InterruptedException {
      byte[] small =
          "{\"model\":\"nxs-auto\",\"messages\":[{\"role\":\"user\",\"content\":\"drill\"}]}"
              .getBytes(StandardCharsets.UTF_8);
      long started = System.nanoTime();
      while (System.nanoTime() - started < LIMIT.toNanos()) {
        Optional<HttpResponse<String>> r = answer(send(small, false));
        if (r.isPresent() && r.get().statusCode() == 200) {
          return Optional.of(Duration.ofNanos(System.nanoTime() - started));
        }
        // The daemon learns of free memory at its next collection: ask again shortly.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
      return Optional.empty();
    }

    private CompletableFuture<HttpResponse<String>> send(byte[] json, boolean expectContinue) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + scratch.port() + "/v1/chat/completions"))
              .timeout(Duration.ofSeconds(150))
              // A refused request's body is never sent: the daemon answers before it reads it.
              .expectContinue(expectContinue)
              .header("Authorization", "Bearer " + admin)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(json))
              .build();
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<HttpResponse<String>> answer(
        CompletableFuture<HttpResponse<String>> response) throws InterruptedException {
      try {
        return Optional.of(response.get());
      } catch (java.util.concurrent.ExecutionException e) {
        return Optional.empty();
      }
    }
  }
}
