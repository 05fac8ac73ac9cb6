package io.nxs.session.migrate;

import io.nxs.session.SessionException;
import io.nxs.session.transfer.Bundle;
import io.nxs.session.transfer.BundleFile;
import io.nxs.session.transfer.SnapshotExporter;
import io.nxs.session.transfer.StorePatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  /**
   * Source: each store of {@code bundle} whose agent the target offered a base for, and which this
   * instance holds too, replaced by a patch against it when that is smaller.
   */
  Bundle patch(String id, Bundle bundle, Handshake.Plan plan, Path dir) {
    List<BundleFile> files = new ArrayList<>();
    for (BundleFile f : bundle.files()) {
      Optional<String> agent = storeAgent(f.name());
      Optional<Handshake.Base> offered = agent.flatMap(plan::base);
      if (offered.isEmpty()) {
        files.add(f);
        continue;
      }
      Optional<BundleFile> patched = patchOne(id, f, agent.get(), offered.get(), dir);
      files.add(patched.orElse(f));
    }
    return new Bundle(
        bundle.protocol(), bundle.createdAt(), bundle.openclawVersion(), bundle.agents(), files);
  }

  private Optional<BundleFile> patchOne(
      String id, BundleFile store, String agent, Handshake.Base offered, Path dir) {
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
    String name = store.name().substring(0, store.name().lastIndexOf('/')) + SUFFIX;
    try {
      StorePatch.Stats stats =
          StorePatch.write(base.get(), dir.resolve(store.name()), dir.resolve(name));
      if (stats.patchBytes() >= store.size() * 9 / 10) {
        LOG.info(
            "migration {}: agent {}'s store moves whole: a patch against the earlier copy saves"
                + " too little ({} of {} bytes)",
            id,
            agent,
            stats.patchBytes(),
            store.size());
        Files.deleteIfExists(dir.resolve(name));
        return Optional.empty();
      }
      BundleFile described = SnapshotExporter.describe(dir, name);
      LOG.info(
          "migration {}: agent {}'s store moves as a patch against the copy both sides hold:"
              + " {} of {} bytes",
          id,
          agent,
          described.size(),
          store.size());
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
      return Optional.empty();
    }
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
