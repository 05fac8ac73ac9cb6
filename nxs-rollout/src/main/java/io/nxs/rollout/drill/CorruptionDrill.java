package io.nxs.rollout.drill;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code corruption} drill (SPEC RO5): on a {@link ScratchInstance}, two API keys are created
 * and a backup taken while the daemon runs; it is stopped and its {@code state.db} damaged (bytes
 * overwritten on every page after the first). A start must then refuse the damaged file and name
 * {@code nxs backup recover} (a safe failure, not a daemon serving from broken state); the recovery
 * must restore {@code state.db} from the snapshot; the daemon must be ready again with both keys,
 * stop cleanly, and leave an audit chain that verifies.
 */
public final class CorruptionDrill {

  /** The drill's name. */
  public static final String NAME = "corruption";

  /** The drill, with what it checks. */
  public static final Drill DRILL =
      new Drill(
          NAME,
          "damage state.db after a backup: the start refuses it and names 'nxs backup recover',"
              + " which restores it; ready again with the backed-up state, audit chain verifies",
          CorruptionDrill::steps);

  private static final int KEYS = 2;

  private CorruptionDrill() {}

  private static void steps(ScratchInstance scratch, List<DrillReport.Check> checks)
      throws IOException, InterruptedException {
    Optional<Duration> first = scratch.startAndAwaitReady();
    checks.add(Drill.readyCheck("first start ready", first, scratch));
    int created = 0;
    for (int i = 1; i <= KEYS; i++) {
      String key = "{\"scope\":\"read\",\"name\":\"" + keyName(i) + "\"}";
      created += scratch.api("POST", "/api/v1/keys", key).status() == 201 ? 1 : 0;
    }
    ScratchInstance.ApiResult backup = scratch.api("POST", "/api/v1/backups", null);
    checks.add(
        new DrillReport.Check(
            "state and a backup written",
            created == KEYS && backup.status() / 100 == 2,
            created + " of " + KEYS + " keys; backup: HTTP " + backup.status()));
    checks.add(
        new DrillReport.Check(
            "stopped before the damage", scratch.terminate() == 0, "SIGTERM, exit 0"));

    long damaged = damage(scratch.home().resolve("state.db"));
    Optional<Duration> refused = scratch.startAndAwaitReady();
    String said = scratch.lastLogLine();
    checks.add(
        new DrillReport.Check(
            "damage detected, start refused with the repair",
            refused.isEmpty() && said.contains("nxs backup recover"),
            damaged + " bytes overwritten; the daemon said: " + said));
    if (refused.isPresent()) {
      scratch.kill();
    }

    ScratchInstance.CommandResult recover = scratch.run("backup", "recover");
    checks.add(
        new DrillReport.Check(
            "recovered from the backup", recover.exit() == 0, recover.lastLine()));
    Optional<Duration> again = scratch.startAndAwaitReady();
    checks.add(Drill.readyCheck("ready again after the recovery", again, scratch));
    String keys = scratch.api("GET", "/api/v1/keys", null).body();
    int back = 0;
    for (int i = 1; i <= KEYS; i++) {
      back += keys.contains("\"" + keyName(i) + "\"") ? 1 : 0;
    }
    checks.add(
        new DrillReport.Check(
            "backed-up state is back",
            back == KEYS,
            back + " of " + KEYS + " keys there after the recovery"));
    Drill.stopsCleanlyAndVerifies(scratch, checks, "audit chain verifies after the repair");
  }

  /** Overwrites 32 bytes every 512 past the first page, as a failing disk would; the count. */
  static long damage(Path stateDb) throws IOException {
    byte[] garbage = "NXS corruption drill: garbage!!\n".getBytes(StandardCharsets.US_ASCII);
    long written = 0;
    try (RandomAccessFile file = new RandomAccessFile(stateDb.toFile(), "rw")) {
      for (long at = 4096; at < file.length(); at += 512) {
        file.seek(at);
        file.write(garbage);
        written += garbage.length;
      }
    }
    return written;
  }

  private static String keyName(int i) {
    return "drill-corruption-" + i;
  }
}
