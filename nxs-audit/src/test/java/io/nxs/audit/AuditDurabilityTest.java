package io.nxs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.audit.internal.SigningKeys;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.state.SecureFiles;
import io.nxs.core.state.StateStore;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Appends are durable when they return, and concurrent appenders still build one valid chain. */
class AuditDurabilityTest {

  private final AuditFixture f = new AuditFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void anAppendedEntryIsVisibleToAnotherConnectionAsSoonAsAppendReturns() throws Exception {
    for (int i = 1; i <= 20; i++) {
      long seq = f.log.append(AuditFixture.event(i));

      try (Connection other = f.jdbc();
          var ps =
              other.prepareStatement("SELECT target, signature FROM audit_entries WHERE seq = ?")) {
        ps.setLong(1, seq);
        try (var rs = ps.executeQuery()) {
          assertThat(rs.next()).as("entry %d committed before append returned", seq).isTrue();
          assertThat(rs.getString(1)).isEqualTo("target-" + i);
          assertThat(rs.getString(2)).as("a one-entry batch is signed").isNotBlank();
        }
      }
    }
  }

  @Test
  void manyThreadsAppendingConcurrentlyBuildOneValidChain() throws Exception {
    int threads = 16;
    int perThread = 250;
    List<Future<List<Long>>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        int id = t;
        Callable<List<Long>> task =
            () -> {
              List<Long> seqs = new ArrayList<>();
              for (int i = 0; i < perThread; i++) {
                seqs.add(
                    f.log.append(
                        new AuditEvent(
                            "test.load", Severity.INFO, "thread-" + id, "t", Map.of("i", i))));
              }
              return seqs;
            };
        results.add(pool.submit(task));
      }
    }
    Set<Long> seqs = new HashSet<>();
    for (Future<List<Long>> r : results) {
      seqs.addAll(r.get());
    }

    assertThat(seqs).hasSize(threads * perThread);
    assertThat(seqs).allMatch(s -> s >= 1 && s <= threads * perThread);
    VerifyReport report = f.log.verify();
    assertThat(report.ok()).as(report.message()).isTrue();
    assertThat(report.entriesChecked()).isEqualTo(threads * perThread);
    assertThat(signedCount())
        .as("group commit signs once per batch")
        .isBetween(1L, (long) threads * perThread);
  }

  @Test
  void twoLogsOnTheSameFileInterleaveIntoOneChain() throws Exception {
    try (AuditLog cli = f.openAnother();
        ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> done = new ArrayList<>();
      for (AuditLog log : List.of(f.log, cli, f.log, cli)) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 60; i++) {
                    log.append(AuditFixture.event(i));
                  }
                }));
      }
      for (Future<?> d : done) {
        d.get();
      }
      VerifyReport fromCli = cli.verify();
      assertThat(fromCli.ok()).as(fromCli.message()).isTrue();
    }

    VerifyReport report = f.log.verify();
    assertThat(report.ok()).as(report.message()).isTrue();
    assertThat(report.entriesChecked()).isEqualTo(240);
  }

  @Test
  void closeCommitsWhatWasAppendedAndRefusesMore() throws Exception {
    f.appendSequentially(3);
    f.log.close();

    assertThatThrownBy(() -> f.log.append(AuditFixture.event(4)))
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("closed");
    assertThat(f.count()).isEqualTo(3);
    f.log.close();
  }

  @Test
  void reopeningContinuesTheChain() throws Exception {
    f.appendSequentially(3);
    f.log.close();
    f.log = AuditLog.open(StateStore.open(f.home.resolve("state.db")), f.keysDir(), f.clock);

    assertThat(f.log.append(AuditFixture.event(4))).isEqualTo(4);
    assertThat(f.log.verify().ok()).isTrue();
  }

  @Test
  void theSigningKeyIsPrivateAndPem() throws Exception {
    var priv = f.keysDir().resolve(SigningKeys.PRIVATE_FILE);

    assertThat(SecureFiles.permissions(priv)).isEqualTo("rw-------");
    assertThat(Files.readString(priv)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(f.keysDir().resolve(SigningKeys.PUBLIC_FILE)))
        .startsWith("-----BEGIN PUBLIC KEY-----");
  }

  @Test
  void aLogWithEntriesRefusesToMintANewKeyWhenItsKeyIsGone() throws Exception {
    f.appendSequentially(2);
    Files.delete(f.keysDir().resolve(SigningKeys.PRIVATE_FILE));
    Files.delete(f.keysDir().resolve(SigningKeys.PUBLIC_FILE));

    assertThatThrownBy(f::openAnother)
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("audit-signing.key")
        .hasMessageContaining("restore");
    assertThat(Files.exists(f.keysDir().resolve(SigningKeys.PRIVATE_FILE))).isFalse();
  }

  @Test
  void detailsThatAreNotJsonAreRejectedAndNothingIsWritten() throws Exception {
    AuditEvent bad =
        new AuditEvent("test.bad", Severity.LOW, "nxs", "t", Map.of("blob", "x".repeat(20_000)));

    assertThatThrownBy(() -> f.log.append(bad))
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("at most");
    assertThat(f.count()).isZero();
  }

  private long signedCount() throws Exception {
    try (Connection c = f.jdbc();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*) FROM audit_entries WHERE signature IS NOT NULL")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
