package io.nxs.session.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nxs.core.Json;
import io.nxs.core.Severity;
import io.nxs.core.state.SecureFiles;
import io.nxs.session.SessionException;
import io.nxs.session.store.AgentStore;
import io.nxs.session.transfer.Bundle;
import io.nxs.session.transfer.ChunkCodec;
import io.nxs.session.transfer.ChunkSender;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source's side of a migration, one virtual thread per migration, each step persisted before
 * the next begins so a restarted daemon picks up where it stopped:
 *
 * <ol>
 *   <li>INIT — the handshake: the target refuses what it cannot take before a byte moves;
 *   <li>EXPORTING — OpenClaw's online snapshot of each agent while the agent keeps running;
 *   <li>TRANSFERRING — the bulk in chunks (resumed after the last one the target acknowledged);
 *       then the fence: the agent's gateway stops and this instance refuses to run it as primary;
 *       then a final snapshot, which holds whatever arrived during the bulk, and its transfer (a
 *       file unchanged since the bulk is copied at the target, not sent again);
 *   <li>IMPORTING, VERIFYING — the target restores, proves and activates; this side follows;
 *   <li>ACTIVE — the target runs the agent; this side stays fenced. A failure before that lifts the
 *       fence and restarts the gateway, so the agent is never left running nowhere.
 * </ol>
 */
public final class OutgoingMigrations {

  private static final Logger LOG = LoggerFactory.getLogger(OutgoingMigrations.class);
  static final String ROLE = "source";

  private final MigrationContext ctx;
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final DeltaBases bases;

  OutgoingMigrations(MigrationContext ctx) {
    this.ctx = ctx;
    this.bases = new DeltaBases(ctx);
  }

  /**
   * Starts a migration of one agent (or all) to the NXS at {@code to}, whose admin key is in {@code
   * keyFile}.
   *
   * @return the new migration, in INIT
   * @throws SessionException when the URL or key file is unusable, or this instance is fenced
   */
  public MigrationRecord start(URI to, Path keyFile, String agent) {
    if (to.getScheme() == null
        || !(to.getScheme().equals("http") || to.getScheme().equals("https"))
        || to.getHost() == null) {
      throw new SessionException("--to must be the target NXS's http(s) URL, but was '" + to + "'");
    }
    readKey(keyFile.toAbsolutePath());
    ctx.store
        .fenceRow()
        .ifPresent(
            f -> {
              throw new SessionException(
                  "this instance is fenced (migration "
                      + f.migrationId()
                      + " to "
                      + f.peer()
                      + "): its sessions live there now; run `nxs session unfence` first if you"
                      + " mean to migrate from here again");
            });
    if (agent != null) {
      ctx.exporter.agents(agent);
    }
    String id = UUID.randomUUID().toString();
    ctx.store.create(id, ROLE, base(to).toString(), agent, keyFile.toAbsolutePath().toString());
    MigrationRecord r = ctx.store.require(id, ROLE);
    ctx.publish(r);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("id", id);
    details.put("agent", agent == null ? "all" : agent);
    ctx.audit("session.migration.start", Severity.INFO, r.peer(), details);
    launch(id);
    return r;
  }

  /**
   * Continues a migration that failed while transferring (the target keeps what it acknowledged).
   *
   * @throws SessionException when it cannot be resumed
   */
  public MigrationRecord resume(String id) {
    MigrationRecord r = ctx.store.require(id, ROLE);
    if (r.typedState() instanceof MigrationState.Failed f) {
      if (!f.resumable()) {
        throw new SessionException(
            "migration " + id + " failed in " + f.step() + " and cannot be resumed: " + f.reason());
      }
      r = ctx.transition(id, ROLE, new MigrationState.Transferring());
    } else if (r.typedState() instanceof MigrationState.Active && r.lazy() != null) {
      return startLater(r);
    } else if (r.typedState().terminal()) {
      throw new SessionException("migration " + id + " is " + r.state() + ": nothing to resume");
    }
    launch(id);
    return r;
  }

  /**
   * Moves the agents a target short of disk left for later, as a migration of their own behind the
   * same fence (the source's agent is stopped, so its stores no longer change). A target still
   * short of disk refuses it at once, before a byte moves; {@code nxs session migrate --resume ID}
   * of the first migration tries again.
   */
  private MigrationRecord startLater(MigrationRecord parent) {
    String id = UUID.randomUUID().toString();
    ctx.store.create(id, ROLE, parent.peer(), parent.lazy(), keyFileOf(parent.id()));
    MigrationRecord r = ctx.store.require(id, ROLE);
    ctx.publish(r);
    ctx.audit(
        "session.migration.start",
        Severity.INFO,
        parent.peer(),
        Map.of("id", id, "agent", parent.lazy(), "later_of", parent.id()));
    launch(id);
    return r;
  }

  /** Resumes every unfinished migration (after a restart). */
  public void resumeAll() {
    ctx.store.unfinished(ROLE).forEach(r -> launch(r.id()));
  }

  private void launch(String id) {
    if (!running.add(id)) {
      return;
    }
    Thread.ofVirtual()
        .name("session-migrate-" + id)
        .start(
            () -> {
              try {
                run(id);
              } finally {
                running.remove(id);
              }
            });
  }

  private void run(String id) {
    MigrationRecord r = ctx.store.require(id, ROLE);
    String step = r.state();
    try {
      TargetPeer peer = new TargetPeer(URI.create(r.peer()), readKey(Path.of(keyFileOf(id))));
      Path dir = ctx.staging.resolve("outgoing").resolve(id);
      SecureFiles.ensureDirectory(dir);
      while (!r.typedState().terminal()) {
        step = r.state();
        r =
            switch (r.typedState()) {
              case MigrationState.Init s -> handshake(r, peer);
              case MigrationState.Exporting s -> export(r, peer, dir);
              case MigrationState.Transferring s -> transfer(r, peer, dir);
              case MigrationState.Importing s -> follow(r, peer);
              case MigrationState.Verifying s -> follow(r, peer);
              case MigrationState.Active s -> r;
              case MigrationState.Failed s -> r;
            };
      }
      if (r.typedState() instanceof MigrationState.Active) {
        LOG.info("migration {} to {} is ACTIVE: this instance stays fenced", id, r.peer());
      }
    } catch (TransferStalled e) {
      if ("TRANSFERRING".equals(step)) {
        String reason = e.getMessage();
        if (ctx.store.fenceRow().filter(f -> f.migrationId().equals(id)).isPresent()) {
          reason +=
              "; the agent is stopped and fenced here meanwhile (`nxs session unfence` runs it here"
                  + " again)";
        }
        ctx.transition(id, ROLE, new MigrationState.Failed(step, reason, true));
      } else {
        fail(id, step, e.getMessage());
      }
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.warn("migration {} failed in {}: {}", id, step, reason);
      fail(id, step, reason);
    }
  }

  private void fail(String id, String step, String reason) {
    ctx.transition(id, ROLE, new MigrationState.Failed(step, reason, false));
    liftFence(id, reason);
  }

  /**
   * Before the target took over, a fence this migration set is lifted and the gateway restarted.
   */
  private void liftFence(String id, String reason) {
    ctx.store
        .fenceRow()
        .filter(f -> f.migrationId().equals(id))
        .ifPresent(
            f -> {
              ctx.store.unfence();
              ctx.audit(
                  "session.unfence",
                  Severity.MEDIUM,
                  f.peer(),
                  Map.of(
                      "id",
                      id,
                      "why",
                      "the migration failed before the target took over: " + reason));
              ctx.startGateway("migration " + id + " failed; this instance stays primary")
                  .ifPresent(why -> LOG.warn("OpenClaw's gateway did not restart: {}", why));
            });
  }

  /**
   * INIT. The offer is made from what OpenClaw itself says (its version, and its session index
   * through {@code sessions list}) and the stores' sizes, without copying a store: the target can
   * refuse before anything is exported or sent. The schema is the one this NXS reads; each
   * snapshot's own is checked when it is read in EXPORTING.
   */
  private MigrationRecord handshake(MigrationRecord r, TargetPeer peer) {
    List<String> agents = ctx.exporter.agents(r.agent());
    List<Handshake.AgentSize> sizes = new ArrayList<>();
    for (String agent : agents) {
      Path db = ctx.tools.port().layout().agentDatabase(agent);
      try {
        long bytes = Files.size(db);
        Path wal = Path.of(db + "-wal");
        if (Files.exists(wal)) {
          bytes += Files.size(wal);
        }
        Map<String, java.time.Instant> sessions = ctx.tools.sessionTimes(agent);
        java.time.Instant last =
            sessions.values().stream()
                .max(java.time.Instant::compareTo)
                .orElse(java.time.Instant.EPOCH);
        sizes.add(
            new Handshake.AgentSize(
                agent,
                bytes,
                ctx.config.zones().classify(last, ctx.clock.instant()).name(),
                List.copyOf(sessions.keySet())));
      } catch (IOException e) {
        throw new SessionException(
            "cannot size the store of agent " + agent + ": " + e.getMessage(), e);
      }
    }
    sizes.sort(
        java.util.Comparator.comparing(
                (Handshake.AgentSize a) -> io.nxs.session.Zone.valueOf(a.zone()))
            .thenComparing(Handshake.AgentSize::agent));
    Handshake offer =
        new Handshake(
            r.id(), Bundle.PROTOCOL, ctx.instance, ctx.tools.version(), AgentStore.SCHEMA, sizes);
    Handshake.Plan plan = call(() -> peer.handshake(offer), r);
    ctx.store.detail(
        r.id(),
        ROLE,
        Json.write(Map.of("plan", plan)),
        plan.lazy().isEmpty() ? null : String.join(",", plan.lazy()));
    return ctx.transition(r.id(), ROLE, new MigrationState.Exporting());
  }

  private MigrationRecord export(MigrationRecord r, TargetPeer peer, Path dir) {
    Bundle bundle = ctx.exporter.export(accepted(r), dir, "bulk");
    bases.keepAll(r.id(), dir, bundle);
    DeltaBases.Patched patched =
        bases.patch(r.id(), bundle, IncomingMigrations.planOf(r), dir, f -> peer.probe(r.id(), f));
    bundle = patched.bundle();
    if (!patched.decisions().isEmpty()) {
      ctx.store.detail(r.id(), ROLE, withDelta(r.detail(), patched.decisions()), r.lazy());
    }
    ctx.store.bundle(r.id(), ROLE, "bulk", Json.write(bundle), bundle.bytes());
    return ctx.transition(r.id(), ROLE, new MigrationState.Transferring());
  }

  /** The record's detail with the delta decisions under {@code delta} (the rest kept). */
  static String withDelta(String detail, Object decisions) {
    try {
      ObjectNode node =
          detail == null || detail.isBlank()
              ? Json.mapper().createObjectNode()
              : (ObjectNode) Json.mapper().readTree(detail);
      node.set("delta", Json.mapper().valueToTree(decisions));
      return Json.mapper().writeValueAsString(node);
    } catch (IOException | ClassCastException e) {
      throw new SessionException("migration detail is not a JSON object: " + e.getMessage(), e);
    }
  }

  private MigrationRecord transfer(MigrationRecord r, TargetPeer peer, Path dir) {
    if ("bulk".equals(r.phase())) {
      send(r, peer, dir, bundleOf(r));
      fenceAndStop(r);
      long started = System.nanoTime();
      Bundle last = shrink(r.id(), ctx.exporter.export(accepted(r), dir, "final"), dir);
      long snapshotMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      ctx.store.bundle(r.id(), ROLE, "final", Json.write(last), last.bytes());
      ctx.audit(
          "session.migration.final_snapshot",
          Severity.INFO,
          r.peer(),
          Map.of("id", r.id(), "millis", snapshotMillis, "messages", last.messages()));
      r = ctx.store.require(r.id(), ROLE);
    } else if (ctx.store.fenceRow().isEmpty()) {
      // Killed after the final snapshot but before the fence was recorded cannot happen (the fence
      // comes first); a fence lifted by hand in between means the agent may have run: start over.
      fenceAndStop(r);
      Bundle last = shrink(r.id(), ctx.exporter.export(accepted(r), dir, "final"), dir);
      ctx.store.bundle(r.id(), ROLE, "final", Json.write(last), last.bytes());
      r = ctx.store.require(r.id(), ROLE);
    }
    MigrationRecord current = r;
    send(current, peer, dir, bundleOf(current));
    call(
        () -> {
          peer.commit(current.id());
          return null;
        },
        current);
    return ctx.transition(current.id(), ROLE, new MigrationState.Importing());
  }

  /**
   * The fence, before the final snapshot: recorded first (so a restart keeps it), then the gateway
   * stopped, so nothing writes the stores any more and this instance refuses to run the agent.
   */
  private void fenceAndStop(MigrationRecord r) {
    // A migration of agents left for later runs behind the fence of the one that handed the
    // agent over; it must not take that fence as its own (and lift it if it fails).
    if (ctx.store.fenceRow().isEmpty()) {
      ctx.store.fence(r.id(), r.peer());
      ctx.audit("session.fence", Severity.MEDIUM, r.peer(), Map.of("id", r.id()));
    }
    ctx.stopGateway("session migration " + r.id() + " hands the agent to " + r.peer())
        .ifPresent(
            why -> {
              throw new SessionException(why);
            });
  }

  /** Sends the bundle, resuming after what the target holds; gives up after N failures in a row. */
  private void send(MigrationRecord r, TargetPeer peer, Path dir, Bundle bundle) {
    int failures = 0;
    String last = "";
    while (true) {
      long[] received;
      try {
        received = peer.bundle(r.id(), bundle);
        long done = 0;
        for (long n : received) {
          done += n;
        }
        progress(r.id(), done);
        long[] acknowledged = {done};
        try (ChunkSender sender =
            new ChunkSender(
                new ChunkCodec(null),
                (int) ctx.config.chunkSize().bytes(),
                ctx.config.bandwidth().bytes())) {
          long[] fileDone = received.clone();
          int[] streak = {0};
          sender.send(
              dir,
              bundle.files(),
              received,
              (chunk, frame) -> {
                long now = peer.chunk(r.id(), frame);
                acknowledged[0] += now - fileDone[chunk.file()];
                fileDone[chunk.file()] = now;
                progress(r.id(), acknowledged[0]);
                streak[0]++;
              });
          if (streak[0] > 0) {
            failures = 0;
          }
        }
        return;
      } catch (PeerException e) {
        if (IncomingMigrations.PATCH_BASE.equals(e.code())) {
          // The target's copy did not rebuild the store: send every store of this phase whole.
          LOG.warn("migration {}: {}; sending the stores whole", r.id(), e.getMessage());
          bundle = DeltaBases.whole(bundle);
          ctx.store.bundle(r.id(), ROLE, r.phase(), Json.write(bundle), bundle.bytes());
          continue;
        }
        if (!e.retryable()) {
          throw e;
        }
        last = e.getMessage();
      } catch (IOException e) {
        last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
      failures++;
      MigrationRecord now = ctx.store.require(r.id(), ROLE);
      if (failures >= ctx.config.attempts()) {
        throw new TransferStalled(
            "the transfer to "
                + r.peer()
                + " failed "
                + failures
                + " times in a row (last: "
                + last
                + "); the target keeps the "
                + now.bytesDone()
                + " of "
                + now.bytesTotal()
                + " bytes it acknowledged: run `nxs session migrate --resume "
                + r.id()
                + "` once it answers");
      }
      LOG.info("migration {}: transfer attempt {} failed ({}); retrying", r.id(), failures, last);
      // A pause before the retry: the target (or the network) gets a moment to come back.
      LockSupport.parkNanos(Duration.ofSeconds(failures).toNanos());
    }
  }

  private long lastPublished;

  private void progress(String id, long done) {
    ctx.store.progress(id, ROLE, done);
    long now = System.nanoTime();
    if (now - lastPublished > TimeUnit.MILLISECONDS.toNanos(500)) {
      lastPublished = now;
      ctx.publish(ctx.store.require(id, ROLE));
    }
  }

  /** Follows the target's import until it is ACTIVE or FAILED. */
  private MigrationRecord follow(MigrationRecord r, TargetPeer peer) {
    int failures = 0;
    while (true) {
      MigrationRecord target;
      try {
        target = peer.status(r.id());
        failures = 0;
      } catch (IOException e) {
        failures++;
        if (failures >= 30 * ctx.config.attempts()) {
          throw new SessionException(
              "the target "
                  + r.peer()
                  + " stopped answering while it imported ("
                  + e.getMessage()
                  + "); check it with `nxs session migrations` there");
        }
        LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
        continue;
      }
      switch (target.state()) {
        case "ACTIVE" -> {
          if (r.typedState() instanceof MigrationState.Importing) {
            r = ctx.transition(r.id(), ROLE, new MigrationState.Verifying());
          }
          // The target's proof, with the delta choices this side made.
          JsonNode delta = deltaOf(r.id());
          ctx.store.detail(
              r.id(),
              ROLE,
              delta.isMissingNode() ? target.detail() : withDelta(target.detail(), delta),
              r.lazy());
          MigrationRecord active = ctx.transition(r.id(), ROLE, new MigrationState.Active());
          bases.prune(active.id(), active.peer());
          // The agents this migration moved are no longer "later" for the one that left them.
          String moved = active.agent();
          ctx.store.all().stream()
              .filter(p -> ROLE.equals(p.role()) && !p.id().equals(active.id()))
              .filter(p -> "ACTIVE".equals(p.state()) && moved != null && moved.equals(p.lazy()))
              .forEach(p -> ctx.store.detail(p.id(), ROLE, p.detail(), null));
          if (active.lazy() != null) {
            startLater(active);
          }
          return active;
        }
        case "FAILED" ->
            throw new SessionException(
                "the target failed in " + target.failedIn() + ": " + target.reason());
        case "VERIFYING" -> {
          if (r.typedState() instanceof MigrationState.Importing) {
            r = ctx.transition(r.id(), ROLE, new MigrationState.Verifying());
          }
        }
        default -> LOG.debug("migration {}: the target is {}", r.id(), target.state());
      }
      // The target's import runs OpenClaw's CLI for minutes on a busy host: poll, gently.
      LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
    }
  }

  private JsonNode deltaOf(String id) {
    String detail = ctx.store.require(id, ROLE).detail();
    try {
      return detail == null
          ? MissingNode.getInstance()
          : Json.mapper().readTree(detail).path("delta");
    } catch (IOException e) {
      throw new SessionException("migration " + id + " has no readable detail", e);
    }
  }

  private Bundle shrink(String id, Bundle last, Path dir) {
    bases.keepAll(id, dir, last);
    try {
      return io.nxs.session.transfer.PageDelta.shrink(last, dir);
    } catch (IOException e) {
      throw new SessionException("cannot compute the final snapshot's delta: " + e.getMessage(), e);
    }
  }

  private List<String> accepted(MigrationRecord r) {
    return IncomingMigrations.planOf(r).accepted();
  }

  private Bundle bundleOf(MigrationRecord r) {
    try {
      return Json.mapper()
          .readValue(ctx.store.bundleJson(r.id(), ROLE).orElseThrow(), Bundle.class);
    } catch (IOException e) {
      throw new SessionException("migration " + r.id() + " has no readable bundle", e);
    }
  }

  private String keyFileOf(String id) {
    return ctx.store
        .keyFile(id)
        .orElseThrow(() -> new SessionException("migration " + id + " has no key file"));
  }

  private static String readKey(Path keyFile) {
    try {
      String key = Files.readString(keyFile, StandardCharsets.UTF_8).strip();
      if (key.isEmpty() || key.contains("\n")) {
        throw new SessionException(
            "the key file " + keyFile + " must hold one API key of the target on one line");
      }
      return key;
    } catch (IOException e) {
      throw new SessionException("cannot read the key file " + keyFile + ": " + e.getMessage(), e);
    }
  }

  private static URI base(URI to) {
    return URI.create(PeerName.of(to.getScheme() + "://" + to.getRawAuthority()));
  }

  /** A peer call that may not answer: retried a few times, then a resumable failure. */
  private <T> T call(PeerCall<T> call, MigrationRecord r) {
    String last = "";
    for (int attempt = 1; attempt <= ctx.config.attempts(); attempt++) {
      try {
        return call.run();
      } catch (IOException e) {
        last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        LockSupport.parkNanos(Duration.ofSeconds(attempt).toNanos());
      }
    }
    throw new TransferStalled(
        "the target "
            + r.peer()
            + " did not answer "
            + ctx.config.attempts()
            + " times in a row (last: "
            + last
            + ")");
  }

  @FunctionalInterface
  private interface PeerCall<T> {
    T run() throws IOException;
  }

  /** The transfer failed too often in a row; resumable. */
  private static final class TransferStalled extends SessionException {
    TransferStalled(String message) {
      super(message);
    }
  }
}
