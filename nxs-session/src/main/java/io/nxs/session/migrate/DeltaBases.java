package io.nxs.session.migrate;

import io.nxs.core.state.SecureFiles;
import io.nxs.session.DeltaMode;
import io.nxs.session.SessionException;
import io.nxs.session.transfer.Bundle;
import io.nxs.session.transfer.BundleFile;
import io.nxs.session.transfer.SnapshotExporter;
import io.nxs.session.transfer.StorePatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SE4's delta migration. Both sides keep the stores of earlier migrations (the staged snapshots,
 * recorded with their SHA-256 in {@code session_bases}); in the handshake the target offers, per
 * agent, the newest one it still holds intact; a source holding the same store sends the agent's
 * new store as a {@link StorePatch} against it, and the target rebuilds the store from its copy
 * before the import, checking size and SHA-256 as for any file. Any missing or changed copy, on
 * either side, means the store moves whole, with a log line that says why.
 */
final class DeltaBases {

  private static final Logger LOG = LoggerFactory.getLogger(DeltaBases.class);

  /** The suffix of a patch: {@code <phase>/<agent>/<snapshot>.database.patch}. */
  static final String SUFFIX = ".database.patch";

  private final MigrationContext ctx;

  DeltaBases(MigrationContext ctx) {
    this.ctx = ctx;
  }

  /** Target: per agent, the newest kept store that is still what was kept. */
  List<Handshake.Base> offer(String id, List<String> agents) {
    List<Handshake.Base> out = new ArrayList<>();
    for (String agent : agents) {
      for (MigrationStore.Base b : ctx.store.bases(agent)) {
        if (intact(id, b).isPresent()) {
          out.add(new Handshake.Base(agent, b.size(), b.sha256()));
          break;
        }
      }
    }
    return out;
  }

  /** A bundle with patches where they pay, and the choice made for each store that could be. */
  record Patched(Bundle bundle, List<DeltaChoice.Decision> decisions) {}

  /**
   * Source: each store of {@code bundle} whose agent the target offered a base for, and which this
   * instance holds too, replaced by a patch against it when {@code session.migration.delta} and,
   * for {@code auto}, the measured link and costs say the patch is faster end to end.
   */
  Patched patch(String id, Bundle bundle, Handshake.Plan plan, Path dir, DeltaChoice.Probe link) {
    List<BundleFile> files = new ArrayList<>();
    List<DeltaChoice.Decision> decisions = new ArrayList<>();
    for (BundleFile f : bundle.files()) {
      Optional<String> agent = storeAgent(f.name());
      Optional<Handshake.Base> offered = agent.flatMap(plan::base);
      if (offered.isEmpty()) {
        files.add(f);
        continue;
      }
      Optional<BundleFile> patched =
          patchOne(id, f, agent.get(), offered.get(), dir, link, decisions);
      files.add(patched.orElse(f));
    }
    return new Patched(
        new Bundle(
            bundle.protocol(),
            bundle.createdAt(),
            bundle.openclawVersion(),
            bundle.agents(),
            files),
        decisions);
  }

  private Optional<BundleFile> patchOne(
      String id,
      BundleFile store,
      String agent,
      Handshake.Base offered,
      Path dir,
      DeltaChoice.Probe link,
      List<DeltaChoice.Decision> decisions) {
    Optional<Path> base =
        ctx.store.bases(agent).stream()
            .filter(b -> b.sha256().equals(offered.sha256()) && b.size() == offered.size())
            .findFirst()
            .flatMap(b -> intact(id, b));
    if (base.isEmpty()) {
      LOG.info(
          "migration {}: the target holds an earlier store of agent {} ({}…) that this instance"
              + " does not: the store moves whole",
          id,
          agent,
          offered.sha256().substring(0, 12));
      return Optional.empty();
    }
    Optional<String> unsupported = StorePatch.unsupported(offered.size(), store.size());
    if (unsupported.isPresent()) {
      LOG.info("migration {}: agent {}'s store moves whole: {}", id, agent, unsupported.get());
      return Optional.empty();
    }
    DeltaMode mode = ctx.config.migration().delta();
    DeltaChoice.Decision decision;
    try {
      decision =
          mode == DeltaMode.AUTO
              ? DeltaChoice.decide(agent, figures(id, base.get(), dir.resolve(store.name()), link))
              : DeltaChoice.byMode(agent, mode);
    } catch (IOException | SessionException e) {
      LOG.warn(
          "migration {}: cannot sample agent {}'s store ({}): it moves whole",
          id,
          agent,
          e.getMessage());
      return Optional.empty();
    }
    if (!decision.patch()) {
      LOG.info("migration {}: agent {}'s store moves whole: {}", id, agent, decision.reason());
      decisions.add(decision);
      return Optional.empty();
    }
    String name = store.name().substring(0, store.name().lastIndexOf('/')) + SUFFIX;
    try {
      long started = System.nanoTime();
      StorePatch.Stats stats =
          StorePatch.write(base.get(), dir.resolve(store.name()), dir.resolve(name));
      decision =
          decision.made(
              stats.patchBytes(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      if (mode == DeltaMode.AUTO && stats.patchBytes() >= store.size() * 9 / 10) {
        decision =
            decision.whole(
                "a patch against the earlier copy saves too little ("
                    + stats.patchBytes()
                    + " of "
                    + store.size()
                    + " bytes)");
        LOG.info("migration {}: agent {}'s store moves whole: {}", id, agent, decision.reason());
        decisions.add(decision);
        Files.deleteIfExists(dir.resolve(name));
        return Optional.empty();
      }
      decisions.add(decision);
      BundleFile described = SnapshotExporter.describe(dir, name);
      LOG.info(
          "migration {}: agent {}'s store moves as a patch against the copy both sides hold:"
              + " {} of {} bytes, made in {} ms ({})",
          id,
          agent,
          described.size(),
          store.size(),
          decision.patchMillis(),
          decision.reason());
      return Optional.of(
          new BundleFile(
              name,
              described.size(),
              described.sha256(),
              new BundleFile.Patch(store.name(), store.size(), store.sha256(), offered.sha256())));
    } catch (IOException | SessionException e) {
      LOG.warn(
          "migration {}: cannot patch agent {}'s store ({}): it moves whole",
          id,
          agent,
          e.getMessage());
      decisions.add(decision.whole("the patch could not be made: " + e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * The figures {@code auto} decides from: the link and the target's per-chunk work (a real chunk
   * of the store sent to the target's probe), and the compression and patch rates of this machine
   * now (timed samples from the store itself).
   */
  private DeltaChoice.Figures figures(String id, Path base, Path store, DeltaChoice.Probe link)
      throws IOException {
    return DeltaChoice.measure(
        base,
        store,
        (int) ctx.config.chunkSize().bytes(),
        link,
        ctx.config.bandwidth().bytes(),
        e ->
            LOG.warn(
                "migration {}: cannot measure the link to the target: {}", id, e.getMessage()));
  }

  /**
   * Target: rebuilds the store a received patch describes from the copy it offered, and keeps it.
   *
   * @throws SessionException when the copy is gone or does not rebuild the store
   */
  void rebuild(String id, BundleFile f, Path dir) throws IOException {
    BundleFile.Patch p = f.patch();
    String agent =
        storeAgent(p.store())
            .orElseThrow(() -> new SessionException(f.name() + " patches no agent store"));
    Path base =
        ctx.store.bases(agent).stream()
            .filter(b -> b.sha256().equals(p.baseSha256()))
            .findFirst()
            .map(b -> ctx.staging.resolve(b.path()))
            .filter(Files::isRegularFile)
            .orElseThrow(
                () ->
                    new SessionException(
                        "the earlier store of agent " + agent + " it patches is gone from here"));
    Path result = dir.resolve(p.store());
    Files.createDirectories(result.getParent());
    StorePatch.apply(base, dir.resolve(f.name()), result, p.size(), p.sha256());
    keep(id, dir, new BundleFile(p.store(), p.size(), p.sha256()));
  }

  /** Source: the bundle with every patch replaced by the store it rebuilds (sent whole). */
  static Bundle whole(Bundle bundle) {
    List<BundleFile> files = new ArrayList<>();
    for (BundleFile f : bundle.files()) {
      files.add(
          f.patch() == null
              ? f
              : new BundleFile(f.patch().store(), f.patch().size(), f.patch().sha256()));
    }
    return new Bundle(
        bundle.protocol(), bundle.createdAt(), bundle.openclawVersion(), bundle.agents(), files);
  }

  /** Keeps a store complete on disk here as a base for later migrations. */
  void keep(String id, Path dir, BundleFile store) {
    storeAgent(store.name())
        .ifPresent(
            agent ->
                ctx.store.keepBase(
                    new MigrationStore.Base(
                        ctx.staging.relativize(dir.resolve(store.name())).toString(),
                        agent,
                        store.size(),
                        store.sha256(),
                        id)));
  }

  /** Keeps every whole store of a bundle (patches and deltas are not stores). */
  void keepAll(String id, Path dir, Bundle bundle) {
    bundle.files().forEach(f -> keep(id, dir, f));
  }

  /**
   * After migration {@code id} with {@code peer} succeeded: keeps the newest {@code
   * session.migration.keep_bases} stores per agent from migrations with that peer and deletes the
   * older ones, file and row; a finished migration whose staged directory then holds no kept store
   * has that directory removed too.
   *
   * <p>The migration succeeded whatever happens here: a failure is logged, and the next successful
   * migration with the peer prunes again.
   *
   * @return the stores deleted
   */
  List<MigrationStore.Base> prune(String id, String peer) {
    try {
      return pruneOrThrow(id, peer);
    } catch (RuntimeException e) {
      LOG.warn("migration {}: cannot prune the stores kept for {}: {}", id, peer, e.toString());
      return List.of();
    }
  }

  private List<MigrationStore.Base> pruneOrThrow(String id, String peer) {
    List<MigrationStore.Base> old = ctx.store.basesBeyond(peer, ctx.config.migration().keepBases());
    Set<String> emptied = new LinkedHashSet<>();
    for (MigrationStore.Base b : old) {
      Path file = ctx.staging.resolve(b.path());
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("migration {}: cannot delete the old store {}: {}", id, file, e.getMessage());
        continue;
      }
      ctx.store.dropBase(b.path());
      emptied.add(b.migrationId());
    }
    for (String m : emptied) {
      if (m.equals(id) || ctx.store.keepsBasesOf(m)) {
        continue;
      }
      Path dir = migrationDir(m);
      boolean finished =
          ctx.store.all().stream()
              .filter(r -> r.id().equals(m))
              .allMatch(r -> "ACTIVE".equals(r.state()));
      if (dir != null && finished) {
        try {
          SecureFiles.deleteTree(dir);
        } catch (IOException e) {
          LOG.warn("migration {}: cannot remove {}: {}", id, dir, e.getMessage());
        }
      }
    }
    if (!old.isEmpty()) {
      LOG.info(
          "migration {}: deleted {} earlier store(s) kept for {} (session.migration.keep_bases"
              + " is {})",
          id,
          old.size(),
          peer,
          ctx.config.migration().keepBases());
    }
    return old;
  }

  /** The staged directory of a migration ({@code outgoing/<id>} or {@code incoming/<id>}). */
  private Path migrationDir(String id) {
    for (String side : List.of("outgoing", "incoming")) {
      Path dir = ctx.staging.resolve(side).resolve(id);
      if (Files.isDirectory(dir)) {
        return dir;
      }
    }
    return null;
  }

  /** The kept file, if it is still what was kept; else the row is dropped, with a log line. */
  private Optional<Path> intact(String id, MigrationStore.Base b) {
    Path file = ctx.staging.resolve(b.path());
    if (!Files.isRegularFile(file)) {
      LOG.info(
          "migration {}: the earlier store {} of agent {} is gone: no delta from it",
          id,
          b.path(),
          b.agent());
      ctx.store.dropBase(b.path());
      return Optional.empty();
    }
    BundleFile now = SnapshotExporter.describe(file.getParent(), file.getFileName().toString());
    if (now.size() != b.size() || !now.sha256().equals(b.sha256())) {
      LOG.warn(
          "migration {}: the earlier store {} of agent {} no longer matches its SHA-256: no"
              + " delta from it, the store moves whole",
          id,
          b.path(),
          b.agent());
      ctx.store.dropBase(b.path());
      return Optional.empty();
    }
    return Optional.of(file);
  }

  /** The agent of a bundle name {@code <phase>/<agent>/<snapshot>/database.sqlite}. */
  static Optional<String> storeAgent(String name) {
    String[] parts = name.split("/");
    return parts.length == 4 && parts[3].equals("database.sqlite")
        ? Optional.of(parts[1])
        : Optional.empty();
  }
}
