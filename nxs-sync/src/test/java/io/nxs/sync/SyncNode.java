package io.nxs.sync;

import io.nxs.audit.AuditEntry;
import io.nxs.audit.AuditLog;
import io.nxs.audit.AuditQuery;
import io.nxs.core.event.EventBus;
import io.nxs.core.state.StateStore;
import io.nxs.testkit.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One NXS instance for sync tests: its own home, state.db, real signed audit log, clock and a
 * workspace copied from the real OpenClaw's.
 */
final class SyncNode implements AutoCloseable {

  final String name;
  final Path home;
  final Path workspace;
  final StateStore store;
  AuditLog audit;
  final EventBus events = new EventBus();
  final MutableClock clock;
  WorkspaceSync sync;

  private SyncNode(String name, Path home, Path workspace, MutableClock clock) {
    this.name = name;
    this.home = home;
    this.workspace = workspace;
    this.clock = clock;
    this.store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    this.audit = AuditLog.open(store, home.resolve("keys"), clock);
  }

  /** A node whose workspace starts as the real OpenClaw's. */
  static SyncNode create(Path dir, String name, String remote, SyncManifest manifest) {
    return create(dir, name, remote, manifest, true);
  }

  static SyncNode create(
      Path dir, String name, String remote, SyncManifest manifest, boolean openclaw) {
    try {
      Path home = Files.createDirectories(dir.resolve(name).resolve("nxs"));
      Path workspace = dir.resolve(name).resolve("workspace");
      if (openclaw) {
        RealOpenClawWorkspace.copyTo(workspace);
      } else {
        Files.createDirectories(workspace);
      }
      SyncNode node =
          new SyncNode(
              name, home, workspace, new MutableClock(Instant.parse("2026-12-06T12:00:00Z")));
      node.connect(remote, manifest);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** (Re)opens the sync with another remote or manifest. */
  void connect(String remote, SyncManifest manifest) {
    sync =
        WorkspaceSync.open(
            new WorkspaceSync.Settings(
                home,
                workspace,
                manifest,
                remote,
                "main",
                name,
                java.time.Duration.ofMinutes(5),
                Map.of()),
            store,
            audit,
            events,
            clock);
  }

  /** Opens the audit log again after {@link #close} (another process used the home meanwhile). */
  void reopen() {
    audit = AuditLog.open(store, home.resolve("keys"), clock);
  }

  SyncReport sync() {
    return sync.sync(SyncListener.NONE);
  }

  /** Writes a workspace file with a given modification time. */
  void write(String path, String text, Instant modified) {
    try {
      Path file = workspace.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Files.setLastModifiedTime(file, FileTime.from(modified));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String read(String path) {
    try {
      return Files.readString(workspace.resolve(path), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean exists(String path) {
    return Files.exists(workspace.resolve(path));
  }

  void delete(String path) {
    try {
      Files.delete(workspace.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every regular file of the workspace but OpenClaw's .git, with its content. */
  Map<String, String> files() {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(workspace)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String rel = workspace.relativize(p).toString();
        if (!rel.startsWith(".git/")) {
          out.put(rel, Files.readString(p, StandardCharsets.ISO_8859_1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  List<AuditEntry> audited(String typeGlob) {
    return audit.query(AuditQuery.parse(null, typeGlob, null));
  }

  @Override
  public void close() {
    audit.close();
  }
}
