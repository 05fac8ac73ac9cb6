package io.nxs.session.restore;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.openclaw.CliResult;
import io.nxs.core.openclaw.OpenClawLayout;
import io.nxs.core.state.SecureFiles;
import io.nxs.session.AgentSessions;
import io.nxs.session.SessionDigest;
import io.nxs.session.SessionException;
import io.nxs.session.ZonePolicy;
import io.nxs.session.store.AgentStore;
import io.nxs.session.store.OnlineCopy;
import io.nxs.session.store.OpenClawTools;
import io.nxs.session.transfer.Bundle;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Puts received agent snapshots into the local OpenClaw through its supported path, and proves the
 * result with OpenClaw's own tools — never writing OpenClaw's tables:
 *
 * <ol>
 *   <li>{@code openclaw backup sqlite restore} the received snapshot into a fresh file — OpenClaw's
 *       restore runs its whole {@code verify} (manifest, SHA-256, integrity, foreign keys, schema,
 *       owner) on a pinned copy first and writes nothing when it fails, so a separate {@code
 *       verify} would only repeat that pass and a Node start; then check every session, count and
 *       hash of the restored file against the source's digests — before anything is replaced;
 *   <li>activate offline, as OpenClaw documents: with the gateway stopped, the current store (and
 *       its sidecars) moves aside to {@code openclaw-agent.sqlite.pre-nxs-<id>}, the restored file
 *       moves into place, then {@code openclaw doctor --non-interactive};
 *   <li>prove: {@code openclaw sessions list} shows every session key with its session id, an
 *       online copy of the now-live store has the same counts and hashes, and no session is
 *       unreachable from the session index. A failed proof puts the previous store back.
 * </ol>
 */
public final class StoreImporter {

  private final OpenClawTools tools;
  private final ZonePolicy zones;
  private final Clock clock;

  public StoreImporter(OpenClawTools tools, ZonePolicy zones, Clock clock) {
    this.tools = tools;
    this.zones = zones;
    this.clock = clock;
  }

  /**
   * What an import proved.
   *
   * @param agents per agent: the sessions OpenClaw lists after activation
   * @param doctorExit the exit status of the activation's {@code openclaw doctor} run
   */
  public record Report(
      @JsonProperty("agents") List<AgentReport> agents,
      @JsonProperty("doctor_exit") int doctorExit) {}

  /** One agent's proof. */
  public record AgentReport(
      @JsonProperty("agent") String agent,
      @JsonProperty("sessions") int sessions,
      @JsonProperty("messages") long messages,
      @JsonProperty("listed_by_openclaw") int listedByOpenClaw,
      @JsonProperty("previous_store") String previousStore) {}

  /**
   * Step 1 for each agent: restore (OpenClaw verifies first) into {@code work}, then check the
   * restored file.
   *
   * @throws SessionException naming the first difference
   */
  public void restoreAndCheck(Bundle bundle, List<String> agents, Path staged, Path work) {
    for (String agent : agents) {
      Bundle.Agent part = part(bundle, agent);
      Path snapshot = staged.resolve(part.snapshot());
      Path restored = restored(work, agent);
      try {
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
          Files.deleteIfExists(Path.of(restored + suffix));
        }
      } catch (IOException e) {
        throw new SessionException("cannot clear " + restored + ": " + e.getMessage(), e);
      }
      SecureFiles.ensureDirectory(restored.getParent());
      tools.restore(snapshot, restored);
      try (AgentStore store = AgentStore.open(restored)) {
        compare(part.sessions(), store.read(agent, zones, clock.instant()), "the restored store");
        requireReachable(store, agent);
      }
    }
  }

  /**
   * Steps 2-3: activates the restored stores and proves them; on a failed proof the previous stores
   * are put back.
   *
   * @param id the migration (or import) id, in the name of the store moved aside
   */
  public Report activateAndProve(Bundle bundle, List<String> agents, Path work, String id) {
    OpenClawLayout layout = tools.port().layout();
    Map<String, Path> previous = new HashMap<>();
    for (String agent : agents) {
      Path live = layout.agentDatabase(agent);
      Path aside = Path.of(live + ".pre-nxs-" + id);
      Path restored = restored(work, agent);
      try {
        SecureFiles.ensureDirectory(live.getParent());
        if (Files.exists(aside)) {
          // A resumed activation: the store now in place is an earlier copy of this bundle.
          deleteWithSidecars(live);
        } else if (Files.exists(live)) {
          moveWithSidecars(live, aside);
        }
        if (Files.exists(aside)) {
          previous.put(agent, aside);
        }
        move(restored, live);
      } catch (IOException e) {
        throw new SessionException(
            "cannot put the restored store of agent " + agent + " in place: " + e.getMessage(), e);
      }
    }
    CliResult doctor = tools.doctor();
    List<AgentReport> reports = new ArrayList<>();
    try {
      for (String agent : agents) {
        reports.add(prove(part(bundle, agent), work, previous.get(agent)));
      }
    } catch (SessionException e) {
      rollBack(agents, previous);
      throw e;
    }
    return new Report(reports, doctor.exitCode());
  }

  /**
   * OpenClaw's {@code sessions list} (a Node start, seconds) runs beside NXS's own reading of the
   * live store (an online copy and every session's digest): both only read, and both must agree
   * with the source before the agent is reported usable.
   */
  private AgentReport prove(Bundle.Agent part, Path work, Path previous) {
    String agent = part.id();
    FutureTask<Map<String, String>> listing = new FutureTask<>(() -> tools.sessions(agent));
    Thread.ofVirtual().name("session-proof-list-" + agent).start(listing);
    Path copy = work.resolve("proof-" + agent + ".sqlite");
    try {
      OnlineCopy.copy(tools.port().layout().agentDatabase(agent), copy);
      AgentSessions live;
      List<String> lost;
      try (AgentStore store = AgentStore.open(copy)) {
        live = store.read(agent, zones, clock.instant());
        lost = store.unreachableSessions();
      }
      Map<String, String> listed = listed(listing);
      for (SessionDigest s : part.sessions().sessions()) {
        String id = listed.get(s.key());
        if (id == null) {
          throw new SessionException(
              "after activation `openclaw sessions list` does not show session "
                  + s.key()
                  + " of agent "
                  + agent);
        }
        if (!id.equals(s.sessionId())) {
          throw new SessionException(
              "after activation OpenClaw's session "
                  + s.key()
                  + " points at "
                  + id
                  + ", the source's at "
                  + s.sessionId());
        }
      }
      compare(part.sessions(), live, "OpenClaw's store after activation");
      requireReachable(lost, agent);
      return new AgentReport(
          agent,
          live.sessions().size(),
          live.messages(),
          listed.size(),
          previous == null ? null : previous.toString());
    } finally {
      listing.cancel(true);
      try {
        Files.deleteIfExists(copy);
      } catch (IOException e) {
        // A leftover proof copy in the staging area costs disk only; the next import replaces it.
        org.slf4j.LoggerFactory.getLogger(StoreImporter.class)
            .warn("cannot delete the proof copy {}: {}", copy, e.getMessage());
      }
    }
  }

  /** The listing's result; OpenClaw's failure as it was thrown. */
  private static Map<String, String> listed(FutureTask<Map<String, String>> listing) {
    try {
      return listing.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new SessionException("`openclaw sessions list` failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionException("interrupted while OpenClaw listed the sessions", e);
    }
  }

  /**
   * Checks that {@code actual} holds every session of {@code expected} with the same id, message
   * count and hash.
   *
   * @throws SessionException naming the first difference
   */
  public static void compare(AgentSessions expected, AgentSessions actual, String where) {
    Map<String, SessionDigest> byKey = new HashMap<>();
    actual.sessions().forEach(s -> byKey.put(s.key(), s));
    for (SessionDigest e : expected.sessions()) {
      SessionDigest a = byKey.get(e.key());
      if (a == null) {
        throw new SessionException(
            where + " lacks session " + e.key() + " of agent " + expected.agent());
      }
      if (!a.sameContent(e)) {
        throw new SessionException(
            where
                + ": session "
                + e.key()
                + " differs from the source's (messages "
                + a.messages()
                + " vs "
                + e.messages()
                + ", hash "
                + a.sha256().substring(0, 12)
                + " vs "
                + e.sha256().substring(0, 12)
                + ")");
      }
    }
  }

  private static void requireReachable(AgentStore store, String agent) {
    requireReachable(store.unreachableSessions(), agent);
  }

  private static void requireReachable(List<String> lost, String agent) {
    if (!lost.isEmpty()) {
      throw new SessionException(
          "agent "
              + agent
              + " has "
              + lost.size()
              + " transcript(s) no session key points at (e.g. "
              + lost.getFirst()
              + "): OpenClaw would not show them");
    }
  }

  private void rollBack(List<String> agents, Map<String, Path> previous) {
    OpenClawLayout layout = tools.port().layout();
    for (String agent : agents) {
      Path live = layout.agentDatabase(agent);
      Path aside = previous.get(agent);
      try {
        deleteWithSidecars(live);
        if (aside != null) {
          moveWithSidecars(aside, live);
        }
      } catch (IOException e) {
        throw new SessionException(
            "the import failed and the previous store of agent "
                + agent
                + " could not be put back from "
                + aside
                + ": "
                + e.getMessage(),
            e);
      }
    }
  }

  private static Bundle.Agent part(Bundle bundle, String agent) {
    return bundle
        .agent(agent)
        .orElseThrow(() -> new SessionException("the bundle has no agent '" + agent + "'"));
  }

  private static Path restored(Path work, String agent) {
    return work.resolve("restored").resolve(agent + ".sqlite");
  }

  private static void moveWithSidecars(Path from, Path to) throws IOException {
    for (String suffix : List.of("-wal", "-shm", "-journal")) {
      Path side = Path.of(from + suffix);
      if (Files.exists(side)) {
        move(side, Path.of(to + suffix));
      }
    }
    move(from, to);
  }

  private static void deleteWithSidecars(Path file) throws IOException {
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      Files.deleteIfExists(Path.of(file + suffix));
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      // Another file system (the NXS home and OpenClaw's home on different disks).
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
      try (var ch =
          java.nio.channels.FileChannel.open(to, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.delete(from);
    }
    SecureFiles.syncDirectory(to.getParent());
  }
}
