package io.nxs.sync.internal;

import io.nxs.sync.Strategy;
import io.nxs.sync.SyncConflict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Merges the workspace and the remote against the version both last agreed on, file by file, by the
 * manifest's rules (SPEC SY3).
 *
 * <table>
 *   <caption>What each case becomes</caption>
 *   <tr><th>here</th><th>remote</th><th>result</th></tr>
 *   <tr><td>same as base</td><td>changed / new / deleted</td><td>the remote's (propagated)</td></tr>
 *   <tr><td>changed / new / deleted</td><td>same as base</td><td>ours (propagated)</td></tr>
 *   <tr><td colspan="2">both the same change</td><td>that</td></tr>
 *   <tr><td>deleted</td><td>modified</td><td>modified kept, logged (and the other way)</td></tr>
 *   <tr><td colspan="2">both modified or both new, differently</td><td>by strategy:
 *       {@code append} merges entries; {@code append-date} keeps the remote's under the name and
 *       ours under a dated name; {@code replace} and no rule: the later write wins, the other is
 *       kept as a conflict copy</td></tr>
 * </table>
 *
 * <p>Write times: ours are the files' modification times; the remote's come from the NXS commits
 * that wrote them ({@link CommitInfo}). A tie goes to the remote's version, which was published
 * first.
 */
public final class ThreeWayMerge {

  /** Reads and stores blobs. */
  public interface Blobs {
    byte[] read(ObjectId id) throws IOException;

    ObjectId insert(byte[] content) throws IOException;
  }

  /**
   * The merge.
   *
   * @param files every file of the merged version
   * @param written write time of each file whose content differs from the remote's
   * @param conflicts what had to be resolved
   */
  public record Result(
      Map<String, ObjectId> files, Map<String, Long> written, List<SyncConflict> conflicts) {}

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final PathScope scope;
  private final String node;
  private final Blobs blobs;
  private final Instant now;

  public ThreeWayMerge(PathScope scope, String node, Blobs blobs, Instant now) {
    this.scope = scope;
    this.node = node;
    this.blobs = blobs;
    this.now = now;
  }

  /**
   * Merges.
   *
   * @param base the files both sides last agreed on
   * @param local the workspace now
   * @param remote the remote branch's files now
   * @param remoteWritten when and by whom each remote file was written; {@code remoteFallback} for
   *     files it does not name
   */
  public Result merge(
      Map<String, ObjectId> base,
      Map<String, LocalFile> local,
      Map<String, ObjectId> remote,
      Map<String, CommitInfo.Written> remoteWritten,
      CommitInfo.Written remoteFallback)
      throws IOException {
    TreeMap<String, ObjectId> merged = new TreeMap<>(remote);
    Map<String, Long> written = new TreeMap<>();
    List<SyncConflict> conflicts = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>(base.keySet());
    paths.addAll(local.keySet());
    paths.addAll(remote.keySet());
    for (String path : paths) {
      ObjectId b = base.get(path);
      LocalFile lf = local.get(path);
      ObjectId l = lf == null ? null : lf.id();
      ObjectId r = remote.get(path);
      if (Objects.equals(l, r) || Objects.equals(l, b)) {
        continue; // the same on both sides, or only the remote changed: the remote's stays
      }
      long localTime = lf == null ? now.toEpochMilli() : lf.modifiedMillis();
      if (Objects.equals(r, b)) {
        put(merged, written, path, l, localTime); // only we changed it
        continue;
      }
      CommitInfo.Written rw = remoteWritten.getOrDefault(path, remoteFallback);
      if (l == null || r == null) {
        conflicts.add(deletedAndModified(path, l, r, rw));
        if (l != null) {
          put(merged, written, path, l, localTime);
        }
        continue;
      }
      Strategy strategy = scope.strategyFor(path).orElse(Strategy.REPLACE);
      switch (strategy) {
        case APPEND -> {
          Optional<byte[]> text =
              MarkdownEntries.merge(
                  b == null ? new byte[0] : blobs.read(b), blobs.read(l), blobs.read(r));
          if (text.isPresent()) {
            put(merged, written, path, blobs.insert(text.get()), Math.max(localTime, rw.millis()));
            conflicts.add(
                conflict(
                    path,
                    SyncConflict.Kind.MERGED,
                    "merged the new entries of both sides (" + rw.node() + "'s and ours)",
                    null,
                    rw,
                    l,
                    r));
          } else {
            lastWriteWins(merged, written, conflicts, path, l, localTime, r, rw, true);
          }
        }
        case APPEND_DATE -> {
          String copy = free(merged, PathScope.datedCopy(path, stamp(localTime), node), l);
          put(merged, written, copy, l, localTime);
          conflicts.add(
              conflict(
                  path,
                  SyncConflict.Kind.DATED_COPY,
                  "kept "
                      + rw.node()
                      + "'s version under the name (it reached the remote first); ours is "
                      + copy,
                  copy,
                  rw,
                  l,
                  r));
        }
        case REPLACE -> lastWriteWins(merged, written, conflicts, path, l, localTime, r, rw, false);
      }
    }
    return new Result(merged, written, conflicts);
  }

  private void lastWriteWins(
      TreeMap<String, ObjectId> merged,
      Map<String, Long> written,
      List<SyncConflict> conflicts,
      String path,
      ObjectId l,
      long localTime,
      ObjectId r,
      CommitInfo.Written rw,
      boolean notText) {
    boolean oursLater = localTime > rw.millis();
    String loserNode = oursLater ? rw.node() : node;
    long loserTime = oursLater ? rw.millis() : localTime;
    String copy =
        free(
            merged,
            PathScope.conflictCopy(path, stamp(loserTime), safe(loserNode)),
            oursLater ? r : l);
    if (oursLater) {
      put(merged, written, path, l, localTime);
      put(merged, written, copy, r, rw.millis());
    } else {
      put(merged, written, copy, l, localTime);
    }
    String winner = oursLater ? "ours" : rw.node() + "'s";
    String loser = oursLater ? rw.node() + "'s" : "ours";
    conflicts.add(
        conflict(
            path,
            SyncConflict.Kind.LAST_WRITE_WINS,
            (notText ? "not text, so no entry merge: " : "")
                + "kept "
                + winner
                + " (written "
                + Instant.ofEpochMilli(Math.max(localTime, rw.millis()))
                + ", later); "
                + loser
                + " (written "
                + Instant.ofEpochMilli(loserTime)
                + ") kept as "
                + copy,
            copy,
            rw,
            l,
            r));
  }

  private SyncConflict deletedAndModified(
      String path, ObjectId l, ObjectId r, CommitInfo.Written rw) {
    boolean deletedHere = l == null;
    String resolution =
        deletedHere
            ? "deleted here, modified by " + rw.node() + ": kept the modified version"
            : "deleted by " + rw.node() + ", modified here: kept the modified version";
    return new SyncConflict(
        id(path, "deleted-and-modified", String.valueOf(l), String.valueOf(r)),
        now,
        path,
        SyncConflict.Kind.DELETED_AND_MODIFIED,
        resolution,
        null,
        node,
        rw.node());
  }

  private SyncConflict conflict(
      String path,
      SyncConflict.Kind kind,
      String resolution,
      String copy,
      CommitInfo.Written rw,
      ObjectId l,
      ObjectId r) {
    return new SyncConflict(
        id(path, kind.label(), l.name(), r.name()),
        now,
        path,
        kind,
        resolution,
        copy,
        node,
        rw.node());
  }

  private static void put(
      Map<String, ObjectId> merged,
      Map<String, Long> written,
      String path,
      ObjectId id,
      long time) {
    if (id == null) {
      merged.remove(path); // a deletion: no content, so no write time either
      written.remove(path);
      return;
    }
    merged.put(path, id);
    written.put(path, time);
  }

  /**
   * The name itself, or with -2, -3 ... when another file already has it. A name already holding
   * this very content is taken as is: a resolution retried after a crash makes no second copy.
   */
  private static String free(Map<String, ObjectId> merged, String name, ObjectId content) {
    String candidate = name;
    for (int n = 2; merged.containsKey(candidate) && !merged.get(candidate).equals(content); n++) {
      candidate = PathScope.numbered(name, n);
    }
    return candidate;
  }

  private static String stamp(long millis) {
    return STAMP.format(Instant.ofEpochMilli(millis));
  }

  private static String safe(String node) {
    String s = node.replaceAll("[^A-Za-z0-9_-]", "-");
    return s.isEmpty() ? "unknown" : s;
  }

  private static String id(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        sha.update(p.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
