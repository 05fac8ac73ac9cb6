package io.nxs.session.migrate;

import io.nxs.core.Json;
import io.nxs.core.Severity;
import io.nxs.core.state.SecureFiles;
import io.nxs.session.AgentSessions;
import io.nxs.session.SessionException;
import io.nxs.session.restore.StoreImporter;
import io.nxs.session.store.AgentStore;
import io.nxs.session.store.OnlineCopy;
import io.nxs.session.store.OpenClawTools;
import io.nxs.session.transfer.Bundle;
import io.nxs.session.transfer.BundleFile;
import io.nxs.session.transfer.Chunk;
import io.nxs.session.transfer.ChunkCodec;
import io.nxs.session.transfer.ChunkException;
import io.nxs.session.transfer.PageDelta;
import io.nxs.session.transfer.RunningHashes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's side of a migration: it refuses what it cannot take before a byte moves (protocol,
 * OpenClaw version and schema, sessions it would lose, disk), writes acknowledged chunks durably
 * (data fsynced, then the offset committed in state.db), and imports through {@link StoreImporter}
 * on its own thread once the source commits. A restart resumes an interrupted import and cuts any
 * file back to its last acknowledged byte.
 */
public final class IncomingMigrations {

  private static final Logger LOG = LoggerFactory.getLogger(IncomingMigrations.class);
  static final String ROLE = "target";

  private final MigrationContext ctx;
  private final ChunkCodec codec = new ChunkCodec(null);
  private final RunningHashes hashes = new RunningHashes();
  private final DeltaBases bases;
  private final Set<String> importing = ConcurrentHashMap.newKeySet();

  IncomingMigrations(MigrationContext ctx) {
    this.ctx = ctx;
    this.bases = new DeltaBases(ctx);
  }

  /**
   * INIT: checks the offer and plans what to take now and what later.
   *
   * @throws PeerRefusal with the reason, before anything is stored
   */
  public Handshake.Plan handshake(Handshake offer, String actor) {
    if (!offer.id().matches("[A-Za-z0-9-]{8,64}")) {
      throw new PeerRefusal(400, "bad_request", "a migration id is 8-64 letters, digits or dashes");
    }
    if (offer.protocol() != Bundle.PROTOCOL) {
      throw new PeerRefusal(
          409,
          "protocol",
          "the source speaks migration protocol "
              + offer.protocol()
              + ", this NXS speaks "
              + Bundle.PROTOCOL
              + ": upgrade the older NXS first, then migrate again");
    }
    if (offer.schema() != AgentStore.SCHEMA) {
      throw new PeerRefusal(
          409,
          "store_version",
          "the source's OpenClaw stores have agent schema "
              + offer.schema()
              + "; this NXS moves schema "
              + AgentStore.SCHEMA
              + " only: bring both sides to the same OpenClaw and NXS versions first");
    }
    String mine = ctx.tools.version();
    if (OpenClawTools.compareVersions(offer.openclawVersion(), mine) > 0) {
      throw new PeerRefusal(
          409,
          "store_version",
          "the source's stores were written by OpenClaw "
              + offer.openclawVersion()
              + ", newer than this target's "
              + mine
              + ", which refuses newer stores: upgrade OpenClaw here first");
    }
    Handshake.Plan existing = ctx.store.find(offer.id(), ROLE).map(r -> planOf(r)).orElse(null);
    if (existing != null) {
      return existing;
    }
    refuseSessionLoss(offer);
    Handshake.Plan fits = plan(offer);
    Handshake.Plan plan =
        new Handshake.Plan(
            offer.id(), fits.accepted(), fits.lazy(), bases.offer(offer.id(), fits.accepted()));
    ctx.store.create(offer.id(), ROLE, PeerName.of(offer.source()), null, null);
    ctx.store.detail(
        offer.id(),
        ROLE,
        Json.write(Map.of("plan", plan)),
        plan.lazy().isEmpty() ? null : String.join(",", plan.lazy()));
    ctx.store.transition(offer.id(), ROLE, new MigrationState.Exporting());
    MigrationRecord r = ctx.store.transition(offer.id(), ROLE, new MigrationState.Transferring());
    ctx.publish(r);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("id", offer.id());
    details.put("accepted", plan.accepted());
    details.put("lazy", plan.lazy());
    details.put("openclaw_version", offer.openclawVersion());
    ctx.audit("session.migration.incoming", Severity.INFO, offer.source(), details);
    return plan;
  }

  /** Sessions this target holds that the source does not would be replaced: refuse. */
  private void refuseSessionLoss(Handshake offer) {
    for (Handshake.AgentSize a : offer.agents()) {
      Path live = ctx.tools.port().layout().agentDatabase(a.agent());
      if (!Files.isRegularFile(live)) {
        continue;
      }
      Path copy = ctx.staging.resolve("check-" + offer.id() + "-" + a.agent() + ".sqlite");
      SecureFiles.ensureDirectory(ctx.staging);
      OnlineCopy.copy(live, copy);
      try (AgentStore store = AgentStore.open(copy)) {
        AgentSessions here = store.read(a.agent(), ctx.config.zones(), ctx.clock.instant());
        List<String> lost =
            here.sessions().stream()
                .filter(s -> s.messages() > 0 && !a.sessions().contains(s.key()))
                .map(s -> s.key())
                .toList();
        if (!lost.isEmpty()) {
          throw new PeerRefusal(
              409,
              "sessions_here",
              "this target's agent "
                  + a.agent()
                  + " has "
                  + lost.size()
                  + " session(s) the source does not ("
                  + String.join(", ", lost.subList(0, Math.min(3, lost.size())))
                  + "): migrating would replace them; export them (`nxs session export`) and move"
                  + " the store away first");
        }
      } finally {
        try {
          Files.deleteIfExists(copy);
        } catch (IOException e) {
          LOG.debug("cannot delete {}", copy, e);
        }
      }
    }
  }

  /**
   * Room for everything: take all. Else the agents, hottest first, that fit; the rest later. A
   * store needs about three times its size here: the bulk snapshot, the final one, the restore.
   */
  private Handshake.Plan plan(Handshake offer) {
    long free;
    try {
      SecureFiles.ensureDirectory(ctx.staging);
      free = Files.getFileStore(ctx.staging).getUsableSpace() - ctx.config.keepFree().bytes();
    } catch (IOException e) {
      throw new PeerRefusal(500, "disk", "cannot read the free space of " + ctx.staging);
    }
    List<String> accepted = new ArrayList<>();
    List<String> lazy = new ArrayList<>();
    long need = 0;
    for (Handshake.AgentSize a : offer.agents()) {
      long n = 3 * a.bytes();
      if (lazy.isEmpty() && need + n <= free) {
        accepted.add(a.agent());
        need += n;
      } else {
        lazy.add(a.agent());
      }
    }
    if (accepted.isEmpty()) {
      Handshake.AgentSize first = offer.agents().getFirst();
      throw new PeerRefusal(
          507,
          "disk",
          "this target is short of disk: agent "
              + first.agent()
              + " needs about "
              + mib(3 * first.bytes())
              + " MiB here, "
              + mib(Math.max(0, free))
              + " MiB are free beyond session.keep_free; free space, then migrate again");
    }
    return new Handshake.Plan(offer.id(), accepted, lazy);
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  /** Registers the bundle of the current phase; returns how much of each file is here already. */
  public Map<String, Object> bundle(String id, Bundle bundle) {
    MigrationRecord r = ctx.store.require(id, ROLE);
    if (!"TRANSFERRING".equals(r.state())) {
      throw new PeerRefusal(
          409, "state", "migration " + id + " is " + r.state() + ", not TRANSFERRING");
    }
    String phase =
        bundle.files().isEmpty() ? "bulk" : bundle.files().getFirst().name().split("/")[0];
    ctx.store.bundle(id, ROLE, phase, Json.write(bundle), bundle.bytes());
    Map<String, MigrationStore.IncomingFile> before = new LinkedHashMap<>();
    ctx.store.files(id).forEach(f -> before.put(f.name(), f));
    ctx.store.addFiles(id, bundle.files());
    Path dir = dir(id);
    List<Long> received = new ArrayList<>();
    long done = 0;
    for (MigrationStore.IncomingFile f : ctx.store.files(id)) {
      long got = f.received();
      if (got < f.size()) {
        got = reuse(id, dir, f, before).orElse(got);
      }
      received.add(got);
      done += got;
    }
    ctx.store.progress(id, ROLE, done);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("received", received);
    return out;
  }

  /**
   * A file with the same content as one already complete here (nothing changed on the source
   * between the bulk and the final snapshot) is copied locally instead of sent again.
   */
  private java.util.Optional<Long> reuse(
      String id,
      Path dir,
      MigrationStore.IncomingFile f,
      Map<String, MigrationStore.IncomingFile> before) {
    for (MigrationStore.IncomingFile old : before.values()) {
      if (old.sha256().equals(f.sha256())
          && old.received() == old.size()
          && !old.name().equals(f.name())) {
        try {
          Path to = dir.resolve(f.name());
          SecureFiles.ensureDirectory(to.getParent());
          Files.copy(dir.resolve(old.name()), to, StandardCopyOption.REPLACE_EXISTING);
          try (FileChannel ch = FileChannel.open(to, StandardOpenOption.WRITE)) {
            ch.force(true);
          }
          bases.keep(id, dir, new BundleFile(f.name(), f.size(), f.sha256()));
          ctx.store.received(id, f.index(), f.size());
          return java.util.Optional.of(f.size());
        } catch (IOException e) {
          LOG.info(
              "cannot reuse {} for {}: {}; it will be sent", old.name(), f.name(), e.getMessage());
        }
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * Takes one chunk frame.
   *
   * @return the file's index and the bytes of it now durable here
   * @throws PeerRefusal for a cut or damaged chunk (nothing written), or one out of order
   */
  public Map<String, Object> chunk(String id, byte[] frame) {
    MigrationRecord r = ctx.store.require(id, ROLE);
    if (!"TRANSFERRING".equals(r.state())) {
      throw new PeerRefusal(
          409, "state", "migration " + id + " is " + r.state() + ", not TRANSFERRING");
    }
    Chunk chunk;
    try {
      chunk = codec.decode(frame);
    } catch (ChunkException e) {
      String code =
          switch (e.kind()) {
            case TRUNCATED -> "chunk_truncated";
            case CHECKSUM -> "chunk_checksum";
            default -> "chunk_format";
          };
      ctx.audit(
          "session.migration.bad_chunk",
          Severity.MEDIUM,
          r.peer(),
          Map.of("id", id, "problem", e.getMessage()));
      throw new PeerRefusal(400, code, e.getMessage() + "; nothing was written, send it again");
    }
    List<MigrationStore.IncomingFile> files = ctx.store.files(id);
    if (chunk.file() >= files.size()) {
      throw new PeerRefusal(
          400,
          "chunk_format",
          "chunk for file #" + chunk.file() + ", which the bundle does not have");
    }
    MigrationStore.IncomingFile f = files.get(chunk.file());
    if (chunk.offset() != f.received()) {
      throw new PeerRefusal(
          409,
          "chunk_order",
          "chunk #"
              + chunk.file()
              + "@"
              + chunk.offset()
              + " is out of order: "
              + f.received()
              + " bytes of "
              + f.name()
              + " are here; send from there");
    }
    if (chunk.offset() + chunk.data().length > f.size()) {
      throw new PeerRefusal(
          400, "chunk_format", "chunk #" + chunk.file() + " runs past the end of " + f.name());
    }
    Path file = dir(id).resolve(f.name());
    long received = chunk.offset() + chunk.data().length;
    try {
      SecureFiles.ensureDirectory(file.getParent());
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        ch.truncate(chunk.offset());
        ch.write(ByteBuffer.wrap(chunk.data()), chunk.offset());
        ch.force(false);
      }
      // The file's hash runs along with its chunks; only the last one checks it.
      String hashKey = id + "/" + f.name();
      RunningHashes.Running hash = hashes.take(hashKey, file, chunk.offset());
      hash.update(chunk.data());
      if (received < f.size()) {
        hashes.put(hashKey, hash);
      } else if (!hash.finish().equals(f.sha256())) {
        ctx.store.received(id, f.index(), 0);
        throw new PeerRefusal(
            400,
            "chunk_checksum",
            f.name()
                + " does not match its SHA-256 after its last chunk: it is sent again from the start");
      } else {
        completed(id, f);
      }
    } catch (IOException e) {
      throw new SessionException("cannot write " + file + ": " + e.getMessage(), e);
    }
    // The data is on disk before the offset that acknowledges it is committed.
    ctx.store.received(id, f.index(), received);
    long done = ctx.store.files(id).stream().mapToLong(MigrationStore.IncomingFile::received).sum();
    ctx.store.progress(id, ROLE, done);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("file", f.index());
    out.put("received", received);
    return out;
  }

  /**
   * A file is here whole and checked: a store is kept as a base for later migrations; a patch is
   * rebuilt into its store now, before its last chunk is acknowledged, so a restart never finds a
   * patch acknowledged and its store missing. A patch that does not rebuild (the copy it was made
   * against differs here) is refused: the source then sends the store whole.
   */
  private void completed(String id, MigrationStore.IncomingFile f) throws IOException {
    BundleFile bf = currentBundle(id).files().get(f.index());
    if (bf.patch() == null) {
      bases.keep(id, dir(id), bf);
      return;
    }
    try {
      bases.rebuild(id, bf, dir(id));
    } catch (SessionException | IOException e) {
      ctx.store.received(id, f.index(), 0);
      LOG.warn(
          "migration {}: {} does not rebuild here ({}); the source is asked to send the store"
              + " whole",
          id,
          f.name(),
          e.getMessage());
      throw new PeerRefusal(
          409, PATCH_BASE, f.name() + " does not rebuild here: " + e.getMessage());
    }
  }

  /** The code of a refused patch: the source sends the store whole instead. */
  static final String PATCH_BASE = "patch_base";

  private Bundle currentBundle(String id) throws IOException {
    return Json.mapper().readValue(ctx.store.bundleJson(id, ROLE).orElseThrow(), Bundle.class);
  }

  /**
   * A probe by the source of a migration under way, which times the round trip: a chunk's frame is
   * handled as a chunk is (decoded, checked, written and fsynced) into a scratch file, then
   * dropped, so the time counts this side's per-chunk work; any other body is only counted. The
   * count of bytes received is answered.
   *
   * @throws PeerRefusal when there is no such migration here, or the frame is damaged
   */
  public Map<String, Long> probe(String id, byte[] body) {
    status(id);
    if (ChunkCodec.isFrame(body)) {
      Chunk chunk;
      try {
        chunk = codec.decode(body);
      } catch (ChunkException e) {
        throw new PeerRefusal(400, "chunk_format", "the probe chunk: " + e.getMessage());
      }
      Path scratch = dir(id).resolve("probe-" + UUID.randomUUID() + ".tmp");
      try {
        SecureFiles.ensureDirectory(scratch.getParent());
        try (FileChannel ch =
            FileChannel.open(
                scratch,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE)) {
          ch.write(ByteBuffer.wrap(chunk.data()));
          ch.force(false);
        }
      } catch (IOException e) {
        throw new SessionException("cannot write the probe chunk: " + e.getMessage(), e);
      }
    }
    return Map.of("received", (long) body.length);
  }

  /** The source has sent everything: import on a thread of its own. */
  public MigrationRecord commit(String id) {
    MigrationRecord r = ctx.store.require(id, ROLE);
    if ("TRANSFERRING".equals(r.state())) {
      for (MigrationStore.IncomingFile f : ctx.store.files(id)) {
        if (f.received() != f.size()) {
          throw new PeerRefusal(
              409,
              "incomplete",
              f.name() + " has " + f.received() + " of " + f.size() + " bytes here");
        }
      }
      r = ctx.transition(id, ROLE, new MigrationState.Importing());
    }
    hashes.forget(id + "/");
    startImport(id);
    return r;
  }

  /** Resumes imports a restart interrupted and cuts partial files back to what was acknowledged. */
  public void resume() {
    for (MigrationRecord r : ctx.store.unfinished(ROLE)) {
      switch (r.state()) {
        case "TRANSFERRING" -> trimPartialFiles(r.id());
        case "IMPORTING", "VERIFYING" -> startImport(r.id());
        default -> LOG.debug("incoming migration {} waits in {}", r.id(), r.state());
      }
    }
  }

  private void trimPartialFiles(String id) {
    for (MigrationStore.IncomingFile f : ctx.store.files(id)) {
      Path file = dir(id).resolve(f.name());
      try {
        if (Files.exists(file) && Files.size(file) > f.received()) {
          try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(f.received());
            ch.force(true);
          }
        }
      } catch (IOException e) {
        LOG.warn(
            "cannot trim {} to its acknowledged {} bytes: {}", file, f.received(), e.getMessage());
      }
    }
  }

  private void startImport(String id) {
    if (!importing.add(id)) {
      return;
    }
    Thread.ofVirtual()
        .name("session-import-" + id)
        .start(
            () -> {
              try {
                runImport(id);
              } finally {
                importing.remove(id);
              }
            });
  }

  private void runImport(String id) {
    MigrationRecord r = ctx.store.require(id, ROLE);
    String step = r.state();
    try {
      Bundle bundle =
          Json.mapper().readValue(ctx.store.bundleJson(id, ROLE).orElseThrow(), Bundle.class);
      Handshake.Plan plan = planOf(r);
      List<String> agents = plan.accepted();
      Path staged = dir(id);
      Path work = staged.resolve("work");
      if ("IMPORTING".equals(step)) {
        PageDelta.rebuild(bundle, staged);
        ctx.importer.restoreAndCheck(bundle, agents, staged, work);
        r = ctx.transition(id, ROLE, new MigrationState.Verifying());
        step = r.state();
      }
      java.util.Optional<String> running =
          ctx.stopGateway("session migration " + id + " activates the received stores");
      if (running.isPresent()) {
        throw new SessionException(running.get());
      }
      StoreImporter.Report report = ctx.importer.activateAndProve(bundle, agents, work, id);
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("plan", plan);
      detail.put("import", report);
      ctx.store.detail(id, ROLE, Json.write(detail), r.lazy());
      // This instance is the primary now: a fence it kept from handing the agent away earlier
      // (the agent coming back) no longer applies.
      ctx.store
          .fenceRow()
          .ifPresent(
              f -> {
                ctx.store.unfence();
                ctx.audit(
                    "session.unfence",
                    Severity.MEDIUM,
                    f.peer(),
                    Map.of("id", f.migrationId(), "why", "took the agent back in migration " + id));
              });
      ctx.transition(id, ROLE, new MigrationState.Active());
      bases.prune(id, r.peer());
      ctx.audit(
          "session.import.proved",
          Severity.INFO,
          r.peer(),
          Map.of("id", id, "report", Json.write(report)));
      ctx.startGateway("session migration " + id + " made this instance primary")
          .ifPresent(
              why ->
                  LOG.warn(
                      "migration {} is ACTIVE but OpenClaw's gateway did not start: {}", id, why));
    } catch (RuntimeException | IOException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.warn("incoming migration {} failed in {}: {}", id, step, reason);
      ctx.transition(id, ROLE, new MigrationState.Failed(step, reason, false));
    }
  }

  /** The source gave up: the migration fails here too; received files are dropped. */
  public MigrationRecord abort(String id, String reason) {
    MigrationRecord r = ctx.store.require(id, ROLE);
    if (r.typedState().terminal()) {
      return r;
    }
    r =
        ctx.transition(
            id, ROLE, new MigrationState.Failed(r.state(), "the source aborted: " + reason, false));
    try {
      SecureFiles.deleteTree(dir(id));
    } catch (IOException e) {
      LOG.warn("cannot remove the staged files of {}: {}", id, e.getMessage());
    }
    return r;
  }

  public MigrationRecord status(String id) {
    return ctx.store
        .find(id, ROLE)
        .orElseThrow(() -> new PeerRefusal(404, "not_found", "no incoming migration '" + id + "'"));
  }

  /** The plan the handshake stored in the record's detail. */
  static Handshake.Plan planOf(MigrationRecord r) {
    try {
      return Json.mapper()
          .treeToValue(Json.mapper().readTree(r.detail()).path("plan"), Handshake.Plan.class);
    } catch (IOException e) {
      throw new SessionException(
          "migration " + r.id() + " has no readable plan: " + e.getMessage(), e);
    }
  }

  private Path dir(String id) {
    return ctx.staging.resolve("incoming").resolve(id);
  }

  /** A refusal with the HTTP status and code the route answers with. */
  public static final class PeerRefusal extends SessionException {
    private final int status;
    private final String code;

    public PeerRefusal(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }
  }
}
