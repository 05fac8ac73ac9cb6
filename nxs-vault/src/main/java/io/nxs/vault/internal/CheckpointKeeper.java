package io.nxs.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.core.audit.AuditCheckpoint;
import io.nxs.core.audit.CheckpointStore;
import io.nxs.vault.VaultConfig;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the audit log's signed head on every target (ADR 0020, ADR 0150): each backup writes one
 * checkpoint object, {@code checkpoints/audit-<seq>-<hash prefix>.json}, in plain JSON (it holds no
 * secret, and its hash is signed, so it is readable without the vault key). Names never repeat for
 * a different head, so a rolled-back log cannot overwrite the evidence with its own head; prune
 * keeps the newest {@link #KEEP} per target.
 */
public final class CheckpointKeeper implements CheckpointStore {

  /** How many checkpoints prune leaves on each target. */
  public static final int KEEP = 48;

  private static final String PREFIX = "checkpoints/";
  private static final Pattern NAME =
      Pattern.compile("checkpoints/audit-(\\d{12})-[0-9a-f]{16}\\.json");

  private final Path home;
  private final List<VaultConfig.Target> configured;
  private final TargetPool pool;

  public CheckpointKeeper(Path home, List<VaultConfig.Target> configured, TargetPool pool) {
    this.home = home;
    this.configured = List.copyOf(configured);
    this.pool = pool;
  }

  /** The object key of a checkpoint. */
  static String key(AuditCheckpoint cp) {
    return String.format(
        Locale.ROOT, "%saudit-%012d-%s.json", PREFIX, cp.seq(), cp.hash().substring(0, 16));
  }

  /**
   * Writes a checkpoint to a repository's target, durable at the target's next flush (a backup
   * flushes before it commits its manifest).
   *
   * @throws IOException when the target refuses it
   */
  public static void keep(Repository repo, AuditCheckpoint cp) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("seq", cp.seq());
    body.put("hash", cp.hash());
    body.put("signature", cp.signature());
    body.put("taken_at", cp.takenAt().toString());
    repo.target().putBatched(key(cp), Json.write(body).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Removes all but the newest {@link #KEEP} checkpoints of a target; the removal is durable at the
   * target's next flush.
   */
  public static void prune(Repository repo) throws IOException {
    List<String> names = sortedNames(repo.target());
    for (String name : names.subList(0, Math.max(0, names.size() - KEEP))) {
      repo.target().delete(name);
    }
  }

  /**
   * Reads the newest checkpoint of every configured target that holds one. A local target whose
   * directory does not exist holds none (and is not created); a target that cannot be opened or
   * read is reported.
   */
  @Override
  public Found newest() {
    List<Kept> newest = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (VaultConfig.Target t : configured) {
      if (t.type().equals("local") && !Files.isDirectory(LocalPaths.resolve(home, t.path()))) {
        continue;
      }
      String where = pool.describe(t);
      try {
        Target target = pool.target(t);
        List<String> names = sortedNames(target);
        if (!names.isEmpty()) {
          newest.add(new Kept(target.describe(), read(target, names.getLast())));
        }
      } catch (VaultException | IOException | IllegalArgumentException | DateTimeException e) {
        unreadable.add(where + ": " + e.getMessage());
      }
    }
    return new Found(newest, unreadable);
  }

  private static List<String> sortedNames(Target target) throws IOException {
    return target.list(PREFIX).stream()
        .filter(k -> NAME.matcher(k).matches())
        .sorted(Comparator.comparingLong(CheckpointKeeper::seqOf).thenComparing(k -> k))
        .toList();
  }

  private static long seqOf(String key) {
    Matcher m = NAME.matcher(key);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a checkpoint name: " + key);
    }
    return Long.parseLong(m.group(1));
  }

  private static AuditCheckpoint read(Target target, String key) throws IOException {
    JsonNode node = Json.mapper().readTree(target.get(key));
    if (!node.path("seq").canConvertToLong()
        || !node.path("hash").isTextual()
        || !node.path("signature").isTextual()) {
      throw new IllegalArgumentException(key + " is not a checkpoint (seq, hash, signature)");
    }
    Instant taken =
        node.path("taken_at").isTextual()
            ? Instant.parse(node.path("taken_at").asText())
            : Instant.EPOCH;
    return new AuditCheckpoint(
        node.path("seq").asLong(),
        node.path("hash").asText(),
        node.path("signature").asText(),
        taken);
  }
}
