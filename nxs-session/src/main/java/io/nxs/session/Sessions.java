package io.nxs.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.openclaw.OpenClawLayout;
import io.nxs.core.state.SecureFiles;
import io.nxs.session.restore.StoreImporter;
import io.nxs.session.store.AgentStore;
import io.nxs.session.store.LegacyStore;
import io.nxs.session.store.OnlineCopy;
import io.nxs.session.store.OpenClawTools;
import io.nxs.session.transfer.Bundle;
import io.nxs.session.transfer.ExportFile;
import io.nxs.session.transfer.SnapshotExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session store of one OpenClaw home, offline operations: list (per agent, per zone), export to
 * one file, import from one. Migrations between daemons are {@link
 * io.nxs.session.migrate.Migrations}.
 */
public final class Sessions {

  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

  private final OpenClawTools tools;
  private final SessionConfig config;
  private final Path staging;
  private final AuditTrail audit;
  private final Clock clock;

  public Sessions(
      OpenClawTools tools, SessionConfig config, Path staging, AuditTrail audit, Clock clock) {
    this.tools = tools;
    this.config = config;
    this.staging = staging;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Every agent's sessions (or one agent's), read from online copies of the live stores and from
   * the legacy layout where an agent has not been imported by OpenClaw yet.
   */
  public List<AgentSessions> list(String agent) {
    OpenClawLayout layout = tools.port().layout();
    List<AgentSessions> out = new ArrayList<>();
    for (String a : agentIds(layout)) {
      if (agent != null && !agent.equals(a)) {
        continue;
      }
      Path live = layout.agentDatabase(a);
      if (Files.isRegularFile(live)) {
        Path copy = staging.resolve("list-" + UUID.randomUUID() + ".sqlite");
        SecureFiles.ensureDirectory(staging);
        OnlineCopy.copy(live, copy);
        try (AgentStore store = AgentStore.open(copy)) {
          out.add(store.read(a, config.zones(), clock.instant()));
        } finally {
          deleteQuietly(copy);
        }
      } else {
        out.add(
            new LegacyStore(layout.legacySessionIndex(a)).read(a, config.zones(), clock.instant()));
      }
    }
    if (agent != null && out.isEmpty()) {
      throw new SessionException("OpenClaw at " + layout.home() + " has no agent '" + agent + "'");
    }
    return out;
  }

  private static List<String> agentIds(OpenClawLayout layout) {
    List<String> ids = new ArrayList<>(layout.agents());
    if (Files.isDirectory(layout.agentsDir())) {
      try (Stream<Path> dirs = Files.list(layout.agentsDir())) {
        dirs.map(p -> p.getFileName().toString())
            .filter(id -> id.matches("[A-Za-z0-9][A-Za-z0-9_.-]*") && !ids.contains(id))
            .filter(id -> new LegacyStore(layout.legacySessionIndex(id)).exists())
            .forEach(ids::add);
      } catch (IOException e) {
        throw new SessionException("cannot list " + layout.agentsDir() + ": " + e.getMessage(), e);
      }
    }
    return ids.stream().sorted().toList();
  }

  /** What an export wrote. */
  public record ExportResult(
      @JsonProperty("file") String file,
      @JsonProperty("agents") List<String> agents,
      @JsonProperty("sessions") int sessions,
      @JsonProperty("messages") long messages,
      @JsonProperty("bytes") long bytes,
      @JsonProperty("encrypted") boolean encrypted,
      @JsonProperty("millis") long millis) {}

  /**
   * Writes one file with the agents' sessions, as OpenClaw's own snapshots plus their digests.
   *
   * @param keyFile seals it (AES-256-GCM) with the key or passphrase in this file; null for plain
   */
  public ExportResult export(Path file, String agent, Path keyFile) {
    long started = System.nanoTime();
    Path dir = staging.resolve("export-" + UUID.randomUUID());
    try {
      SnapshotExporter exporter = new SnapshotExporter(tools, config.zones(), clock);
      Bundle bundle = exporter.export(exporter.agents(agent), dir, "export");
      ExportFile.write(bundle, dir, file, keyFile, (int) config.chunkSize().bytes());
      ExportResult result =
          new ExportResult(
              file.toString(),
              bundle.agents().stream().map(Bundle.Agent::id).toList(),
              bundle.agents().stream().mapToInt(a -> a.sessions().sessions().size()).sum(),
              bundle.messages(),
              Files.size(file),
              keyFile != null,
              (System.nanoTime() - started) / 1_000_000);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("file", file.toString());
      details.put("agents", result.agents());
      details.put("messages", result.messages());
      details.put("encrypted", result.encrypted());
      audit.append(
          new AuditEvent("session.export", Severity.INFO, "nxs", file.toString(), details));
      return result;
    } catch (IOException e) {
      throw new SessionException("cannot write the export " + file + ": " + e.getMessage(), e);
    } finally {
      deleteTreeQuietly(dir);
    }
  }

  /**
   * Reads an export and puts its agents into this OpenClaw through {@code backup sqlite restore},
   * proving every session, count and hash (see {@link StoreImporter}). OpenClaw's gateway must not
   * run meanwhile.
   */
  public StoreImporter.Report importFile(Path file, Path keyFile, GatewayControl gateway) {
    String id = "import-" + UUID.randomUUID();
    Path dir = staging.resolve(id);
    try {
      Bundle bundle = ExportFile.read(file, dir, keyFile);
      List<String> agents = bundle.agents().stream().map(Bundle.Agent::id).toList();
      StoreImporter importer = new StoreImporter(tools, config.zones(), clock);
      importer.restoreAndCheck(bundle, agents, dir, dir.resolve("work"));
      gateway.stop("nxs session import " + file);
      StoreImporter.Report report =
          importer.activateAndProve(bundle, agents, dir.resolve("work"), id);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("file", file.toString());
      details.put("agents", agents);
      details.put("messages", bundle.messages());
      audit.append(
          new AuditEvent("session.import", Severity.MEDIUM, "nxs", file.toString(), details));
      return report;
    } catch (IOException e) {
      throw new SessionException("cannot read the export " + file + ": " + e.getMessage(), e);
    } finally {
      deleteTreeQuietly(dir);
    }
  }

  /** Stops OpenClaw's gateway before an import replaces its stores. */
  @FunctionalInterface
  public interface GatewayControl {
    /**
     * @throws SessionException when the gateway runs and cannot be stopped
     */
    void stop(String reason);

    /**
     * For a process that cannot stop a supervised gateway (the CLI without the daemon): refuses
     * while OpenClaw's gateway answers its liveness probe.
     */
    static GatewayControl refuseWhileRunning(java.net.URI healthUrl) {
      return reason -> {
        java.net.http.HttpClient http =
            java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(java.time.Duration.ofSeconds(3))
                .build();
        try {
          int status =
              http.send(
                      java.net.http.HttpRequest.newBuilder(healthUrl)
                          .timeout(java.time.Duration.ofSeconds(5))
                          .build(),
                      java.net.http.HttpResponse.BodyHandlers.discarding())
                  .statusCode();
          if (status == 200) {
            throw new SessionException(
                "OpenClaw's gateway runs ("
                    + healthUrl
                    + " answers): stop it before an import replaces its stores, or run the import"
                    + " through the daemon");
          }
        } catch (java.io.IOException e) {
          // Nothing answers: the gateway is not running, which is what an import needs.
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SessionException("interrupted while probing OpenClaw's gateway", e);
        }
      };
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover scratch copy costs disk only; the staging area is the module's own.
      LOG.warn("cannot delete the scratch copy {}: {}", file, e.getMessage());
    }
  }

  private static void deleteTreeQuietly(Path dir) {
    try {
      SecureFiles.deleteTree(dir);
    } catch (IOException e) {
      // As above: scratch space of this module only.
      LOG.warn("cannot delete the scratch directory {}: {}", dir, e.getMessage());
    }
  }
}
