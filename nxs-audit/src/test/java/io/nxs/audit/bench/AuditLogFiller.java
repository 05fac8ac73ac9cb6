package io.nxs.audit.bench;

import io.nxs.audit.AuditLog;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes an audit log of N entries into a home for {@code bench/audit-verify.sh}: 64 concurrent
 * appenders, so the chain has the group-commit batches (one signature each) a busy daemon makes.
 *
 * <p>Run: {@code java -cp <nxs-audit test classpath> io.nxs.audit.bench.AuditLogFiller HOME N}
 */
public final class AuditLogFiller {

  private static final int APPENDERS = 64;

  private AuditLogFiller() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    long entries = Long.parseLong(args[1]);
    Files.createDirectories(home);
    StateStore store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    AtomicLong left = new AtomicLong(entries);
    long t0 = System.nanoTime();
    try (AuditLog log = AuditLog.open(store, home.resolve("keys"), Clock.systemUTC())) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < APPENDERS; t++) {
        String actor = "appender-" + t;
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (long i = left.getAndDecrement(); i > 0; i = left.getAndDecrement()) {
                        log.append(
                            new AuditEvent(
                                "provider.failover",
                                Severity.MEDIUM,
                                actor,
                                "ollama",
                                Map.of("i", i, "reason", "breaker open")));
                      }
                    }));
      }
      for (Thread t : threads) {
        t.join();
      }
    }
    System.out.printf(
        java.util.Locale.ROOT,
        "filled %d entries in %.1f s%n",
        entries,
        (System.nanoTime() - t0) / 1e9);
  }
}
