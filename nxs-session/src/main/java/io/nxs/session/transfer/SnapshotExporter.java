package io.nxs.session.transfer;

import io.nxs.core.openclaw.OpenClawLayout;
import io.nxs.core.state.SecureFiles;
import io.nxs.session.AgentSessions;
import io.nxs.session.SessionException;
import io.nxs.session.ZonePolicy;
import io.nxs.session.store.AgentStore;
import io.nxs.session.store.LegacyStore;
import io.nxs.session.store.OpenClawTools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Makes a {@link Bundle} from the live OpenClaw home: one snapshot per agent through OpenClaw's own
 * {@code backup sqlite create} (its online backup: the agent keeps running, cold transcripts are
 * embedded), then the digest of every session read from the snapshot, never from the live file.
 */
public final class SnapshotExporter {

  private final OpenClawTools tools;
  private final ZonePolicy zones;
  private final Clock clock;

  public SnapshotExporter(OpenClawTools tools, ZonePolicy zones, Clock clock) {
    this.tools = tools;
    this.zones = zones;
    this.clock = clock;
  }

  /** The agents to export: those named (comma-separated), or every agent with a store. */
  public List<String> agents(String only) {
    OpenClawLayout layout = tools.port().layout();
    if (only != null && only.contains(",")) {
      List<String> all = new ArrayList<>();
      for (String one : only.split(",")) {
        all.addAll(agents(one.strip()));
      }
      return List.copyOf(all);
    }
    if (only != null) {
      if (!Files.isRegularFile(layout.agentDatabase(only))) {
        if (new LegacyStore(layout.legacySessionIndex(only)).exists()) {
          throw legacy(only);
        }
        throw new SessionException(
            "OpenClaw agent '"
                + only
                + "' has no session store at "
                + layout.agentDatabase(only)
                + " (agents here: "
                + layout.agents()
                + ")");
      }
      return List.of(only);
    }
    List<String> agents = layout.agents();
    if (agents.isEmpty()) {
      throw new SessionException(
          "OpenClaw at " + layout.home() + " has no agent session store to export yet");
    }
    return agents;
  }

  static SessionException legacy(String agent) {
    return new SessionException(
        "agent '"
            + agent
            + "' keeps its sessions in OpenClaw's legacy layout (sessions.json + JSONL): let"
            + " OpenClaw import them first — stop its gateway and run `openclaw doctor --fix` —"
            + " then export again");
  }

  /**
   * Snapshots the agents into {@code dir/<phase>/<agent>/}.
   *
   * @param phase a folder name, e.g. {@code bulk} or {@code final}
   */
  public Bundle export(List<String> agents, Path dir, String phase) {
    Path repository = dir.resolve("repo-" + phase);
    SecureFiles.ensureDirectory(dir);
    List<Bundle.Agent> parts = new ArrayList<>();
    try {
      SecureFiles.deleteTree(repository);
      SecureFiles.deleteTree(dir.resolve(phase));
      SecureFiles.ensureDirectory(repository);
      for (String agent : agents) {
        Path snapshot = tools.snapshot(agent, repository);
        // OpenClaw's verify wants the directory named as the snapshot id in its manifest.
        String name = snapshot.getFileName().toString();
        Path into = dir.resolve(phase).resolve(agent).resolve(name);
        SecureFiles.ensureDirectory(into.getParent());
        Files.move(snapshot, into, StandardCopyOption.ATOMIC_MOVE);
        AgentSessions sessions;
        try (AgentStore store = AgentStore.open(into.resolve("database.sqlite"))) {
          sessions = store.read(agent, zones, clock.instant());
        }
        parts.add(new Bundle.Agent(sessions, phase + "/" + agent + "/" + name));
      }
      SecureFiles.deleteTree(repository);
    } catch (IOException e) {
      throw new SessionException("cannot stage the snapshots in " + dir + ": " + e.getMessage(), e);
    }
    parts.sort(
        Comparator.comparing((Bundle.Agent a) -> a.sessions().hottest())
            .thenComparing(Bundle.Agent::id));
    List<BundleFile> files = new ArrayList<>();
    for (Bundle.Agent a : parts) {
      for (String name : List.of("manifest.json", "database.sqlite")) {
        files.add(describe(dir, a.snapshot() + "/" + name));
      }
    }
    return new Bundle(Bundle.PROTOCOL, clock.instant(), tools.version(), parts, files);
  }

  /** Size and SHA-256 of a staged file. */
  public static BundleFile describe(Path dir, String name) {
    Path file = dir.resolve(name);
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 20];
      long size = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
        size += n;
      }
      return new BundleFile(name, size, HexFormat.of().formatHex(sha.digest()));
    } catch (IOException e) {
      throw new SessionException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
