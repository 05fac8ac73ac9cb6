package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.audit.AuditEntry;
import io.nxs.audit.AuditLog;
import io.nxs.audit.AuditQuery;
import io.nxs.audit.VerifyReport;
import io.nxs.core.Json;
import io.nxs.core.state.StateStore;
import io.nxs.testkit.DaemonProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What was acknowledged is never lost, not even on SIGKILL: the daemon runs as a child process
 * while clients create API keys (each an audit append acknowledged only once durable); it is killed
 * at a random moment, restarted, and killed again, 20 times. Afterwards the audit chain verifies
 * and every acknowledged key has its signed audit entry.
 */
class CrashRecoveryTest {

  private static final int ROUNDS = 20;
  private static final int CLIENTS = 8;

  @TempDir Path dir;

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void acknowledgedAppendsSurviveRepeatedSigkill() throws Exception {
    Path home = DaemonProcessTest.homeOnFreePort(dir);
    Random random = new Random(20261122);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    for (int round = 0; round < ROUNDS; round++) {
      DaemonProcess daemon =
          DaemonProcess.start(
              io.nxs.app.cli.Main.class.getName(),
              home,
              Duration.ofSeconds(120),
              "-XX:TieredStopAtLevel=1");
      String admin = daemon.adminKey();
      // Kill after a random number of acknowledgements rather than after a random sleep: the
      // moment is random with respect to the writes in flight, and the test never waits on time.
      int killAfter = 5 + random.nextInt(60);
      AtomicInteger acks = new AtomicInteger();
      CountDownLatch enough = new CountDownLatch(1);
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int id = c;
        clients.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      int n = 0;
                      while (running.get()) {
                        String keyId =
                            createKey(daemon.baseUrl(), admin, "crash-" + id + "-" + n++);
                        if (keyId == null) {
                          return;
                        }
                        acknowledged.add(keyId);
                        if (acks.incrementAndGet() >= killAfter) {
                          enough.countDown();
                        }
                      }
                    }));
      }
      enough.await();
      daemon.kill();
      running.set(false);
      for (Thread t : clients) {
        t.join();
      }
    }

    StateStore store = StateStore.open(home.resolve("state.db"));
    try (AuditLog audit = AuditLog.open(store, home.resolve("keys"), Clock.systemUTC())) {
      VerifyReport report = audit.verify();
      assertThat(report.ok()).as(report.message()).isTrue();
      List<AuditEntry> created =
          audit.query(
              AuditQuery.parse("30d", "admin.key_create", null).withLimit(AuditQuery.MAX_LIMIT));
      Set<String> audited = ConcurrentHashMap.newKeySet();
      created.forEach(e -> audited.add(e.target()));
      assertThat(acknowledged).hasSizeGreaterThan(ROUNDS * 5);
      assertThat(audited).containsAll(acknowledged);
    }
  }

  /** Creates a key; returns its id once the daemon acknowledged it, or null when it is gone. */
  private String createKey(String baseUrl, String admin, String name) {
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/keys"))
                  .header("Authorization", "Bearer " + admin)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"scope\":\"read\",\"name\":\"" + name + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        return null;
      }
      JsonNode body = Json.mapper().readTree(r.body());
      return body.get("id").asText();
    } catch (Exception e) {
      return null;
    }
  }
}
