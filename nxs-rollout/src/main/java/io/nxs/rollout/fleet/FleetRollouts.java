package io.nxs.rollout.fleet;

import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.cluster.ClusterMember;
import io.nxs.core.cluster.ClusterPorts;
import io.nxs.core.ext.MetricSource;
import io.nxs.rollout.release.ReleaseException;
import io.nxs.rollout.release.ReleaseSignature;
import io.nxs.rollout.release.ReleaseVersion;
import io.nxs.rollout.release.VerifiedRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staged rollout over the fleet (SPEC RO4), on every instance of the cluster: the fleet is the
 * cluster's members, the rollout and each instance's report live in its shared state, and one
 * instance coordinates.
 *
 * <p>The coordinator is the member with the lowest id among those taking work (or degraded), seen
 * from the majority side. It holds nothing of its own: each tick it reads the rollout and the
 * reports, runs {@link Coordinator#step} and writes the result with a majority write. When it is
 * lost, the cluster downs it and the next-lowest member is the coordinator at its next tick, going
 * on from the rollout as it stands (a watch keeps its start time; an install already ordered is
 * still ordered). Two coordinators for a moment (views differ while a member is downed) compute the
 * same step from the same inputs, so their writes agree.
 */
public final class FleetRollouts {

  private static final Logger LOG = LoggerFactory.getLogger(FleetRollouts.class);
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final ClusterPorts ports;
  private final FleetStore store;
  private final NodeAgent agent;
  private final NodeInstaller installer;
  private final Optional<PublicKey> trusted;
  private final AuditTrail audit;
  private final Clock clock;
  private final RolloutConfig config;
  private final Path reports;

  /**
   * @param ports the cluster's ports (read at every use: the cluster module installs its own late)
   * @param installer this instance's releases
   * @param trusted the pinned release key, to verify an archive before a rollout starts
   * @param probe this instance's figures
   * @param reports where the coordinator writes each ended rollout's report ({@code
   *     <home>/rollout})
   */
  public FleetRollouts(
      ClusterPorts ports,
      NodeInstaller installer,
      Optional<PublicKey> trusted,
      VitalsProbe probe,
      AuditTrail audit,
      Clock clock,
      RolloutConfig config,
      Path reports) {
    this.ports = ports;
    this.store = new FleetStore(ports::state);
    this.installer = installer;
    this.trusted = trusted;
    this.audit = audit;
    this.clock = clock;
    this.config = config;
    this.reports = reports;
    this.agent = new NodeAgent(ports.view().localNodeId(), installer, probe, store, audit, clock);
  }

  /** What {@code status} shows. */
  public record Status(
      String node,
      String coordinator,
      String installed,
      String previous,
      Optional<Rollout> rollout,
      List<NodeReport> nodes) {}

  /**
   * Starts rolling a release out.
   *
   * @param by who asks (an API key id, or {@code cli})
   * @throws ReleaseException when the archive does not verify or its version is not newer than
   *     every instance's and every rolled-back one
   * @throws NxsException when a rollout runs already or the fleet is not healthy
   */
  public synchronized Rollout start(Path archive, String by) {
    Optional<Rollout> running = store.current().filter(r -> !r.phase().ended());
    if (running.isPresent()) {
      throw new NxsException(
          "rollout "
              + running.get().id()
              + " of "
              + running.get().version()
              + " is running: wait for it or abort it (nxs rollout abort)");
    }
    Path file = archive.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new ReleaseException(file + ": no such archive on this instance");
    }
    PublicKey key =
        trusted.orElseThrow(
            () ->
                new ReleaseException(
                    "no release.public_key is pinned in nxs.yaml: this instance trusts no release"));
    VerifiedRelease release = ReleaseSignature.verify(file, key);
    List<ClusterMember> members = ports.view().members();
    List<String> unhealthy =
        members.stream()
            .filter(m -> !m.state().takesWork())
            .map(m -> m.nodeId() + " is " + m.state())
            .toList();
    if (!unhealthy.isEmpty() || !ports.view().onMajoritySide()) {
      throw new NxsException(
          "the fleet is not healthy, no rollout starts: "
              + (ports.view().onMajoritySide()
                  ? String.join(", ", unhealthy)
                  : "this instance is on the minority side"));
    }
    List<String> nodes = members.stream().map(ClusterMember::nodeId).sorted().toList();
    for (String node : nodes) {
      Optional<String> has =
          node.equals(ports.view().localNodeId())
              ? Optional.of(installer.installed())
              : store.report(node).map(NodeReport::installed);
      if (has.isPresent() && !has.get().isEmpty() && !newer(release.version(), has.get())) {
        throw new ReleaseException(
            file
                + ": version "
                + release.version()
                + " is not newer than "
                + node
                + "'s "
                + has.get()
                + "; versions only go up");
      }
    }
    for (Rollout past : store.history()) {
      if (past.phase() == Rollout.Phase.ROLLED_BACK && !newer(release.version(), past.version())) {
        throw new ReleaseException(
            file
                + ": version "
                + release.version()
                + " is not newer than "
                + past.version()
                + ", rolled back by "
                + past.id()
                + "; a fixed release needs a higher version, so no instance mistakes it for the"
                + " bad one");
      }
    }
    String primary = ports.lease().holder().orElse("");
    Rollout rollout =
        Rollout.start(
            "R-" + ID_TIME.format(clock.instant()) + "-" + release.version(),
            release.version().toString(),
            file.toString(),
            LocalReleases.sha256(file),
            Waves.plan(nodes, primary),
            by,
            clock.instant());
    store.put(rollout);
    record("rollout.started", Severity.INFO, by, rollout, plan(rollout));
    return rollout;
  }

  /**
   * Rolls the running rollout back on a person's request.
   *
   * @throws NxsException when no rollout runs
   */
  public synchronized Rollout abort(String by) {
    Rollout r =
        store
            .current()
            .filter(x -> !x.phase().ended())
            .orElseThrow(() -> new NxsException("no rollout runs; nothing to abort"));
    Rollout next = Coordinator.abort(r, by, reports(r), clock.instant());
    if (!next.equals(r)) {
      store.put(next);
      record("rollout.aborted", Severity.HIGH, by, next, next.decision());
    }
    return next;
  }

  /** The rollout as this instance sees it, with every instance's report. */
  public Status status() {
    List<NodeReport> nodes = new ArrayList<>();
    for (ClusterMember m : ports.view().members()) {
      store.report(m.nodeId()).ifPresent(nodes::add);
    }
    return new Status(
        ports.view().localNodeId(),
        coordinator().orElse(""),
        installer.installed(),
        installer.previous(),
        store.current(),
        nodes);
  }

  /** Ended rollouts, newest first. */
  public List<Rollout> history() {
    return store.history();
  }

  /**
   * One round on this instance: the agent's, then the coordinator's when this is it. Nothing on the
   * minority side of a split: the rollout it sees may be stale, its writes could not reach the
   * others and would only wait apart for the heal; it goes on from the shared state once healed.
   */
  public void tick() {
    if (!ports.view().onMajoritySide()) {
      return;
    }
    agent.tick();
    if (coordinator().filter(ports.view().localNodeId()::equals).isPresent()) {
      coordinate();
    }
  }

  /** The coordinating instance: the lowest id taking work, when this side has the majority. */
  Optional<String> coordinator() {
    if (!ports.view().onMajoritySide()) {
      return Optional.empty();
    }
    return ports.view().members().stream()
        .filter(m -> m.state().takesWork())
        .map(ClusterMember::nodeId)
        .sorted()
        .findFirst();
  }

  private void coordinate() {
    Optional<Rollout> current = store.current().filter(r -> !r.phase().ended());
    if (current.isEmpty()) {
      return;
    }
    Rollout r = current.get();
    Set<String> present =
        ports.view().members().stream()
            .filter(m -> m.state().takesWork())
            .map(ClusterMember::nodeId)
            .collect(Collectors.toSet());
    Rollout next = Coordinator.step(r, reports(r), present, clock.instant(), config);
    if (next.equals(r)) {
      return;
    }
    store.put(next);
    String by = ports.view().localNodeId();
    if (next.phase() != r.phase() || next.wave() != r.wave()) {
      switch (next.phase()) {
        case INSTALLING ->
            record(
                "rollout.step",
                Severity.INFO,
                by,
                next,
                next.current().step() + " " + next.current().nodes());
        case WATCHING ->
            record(
                "rollout.watching",
                Severity.INFO,
                by,
                next,
                next.current().step() + " for " + config.watch(next.current().step()));
        case ROLLING_BACK ->
            record("rollout.rolling_back", Severity.HIGH, by, next, next.decision());
        case DONE -> record("rollout.done", Severity.INFO, by, next, next.decision());
        case ROLLED_BACK -> record("rollout.rolled_back", Severity.HIGH, by, next, next.decision());
      }
    }
    if (next.phase().ended()) {
      store.archive(next);
      writeReport(next);
    }
  }

  private Map<String, NodeReport> reports(Rollout r) {
    Map<String, NodeReport> out = new LinkedHashMap<>();
    for (Waves.Wave w : r.waves()) {
      for (String node : w.nodes()) {
        store.report(node).ifPresent(report -> out.put(node, report));
      }
    }
    return out;
  }

  /** The incident report: the whole rollout, what was judged, the figures, the decision. */
  private void writeReport(Rollout r) {
    try {
      Files.createDirectories(reports);
      Path file = reports.resolve(r.id() + ".json");
      Path tmp = reports.resolve("." + r.id() + ".json.tmp");
      Files.writeString(tmp, Json.writePretty(r));
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // The report is also in the shared history and the audit log: log, do not stop the tick.
      LOG.error("rollout {}: cannot write its report in {}", r.id(), reports, e);
    }
  }

  /**
   * The figures the Doctor reads: {@code rollout.running} while one runs, {@code
   * rollout.rolled_back} (1) while the newest ended rollout is one that was rolled back — an
   * incident until a later rollout ends well.
   */
  public MetricSource metrics() {
    return new MetricSource() {
      @Override
      public String name() {
        return RolloutModule.NAME;
      }

      @Override
      public List<Sample> collect() {
        Optional<Rollout> current = store.current();
        boolean running = current.isPresent() && !current.get().phase().ended();
        List<Rollout> past = store.history();
        boolean rolledBack =
            !past.isEmpty() && past.getFirst().phase() == Rollout.Phase.ROLLED_BACK;
        return List.of(
            new Sample("rollout.running", Map.of(), running ? 1 : 0),
            new Sample("rollout.rolled_back", Map.of(), rolledBack ? 1 : 0));
      }
    };
  }

  private static boolean newer(ReleaseVersion version, String than) {
    try {
      return version.compareTo(ReleaseVersion.parse(than)) > 0;
    } catch (ReleaseException e) {
      throw new ReleaseException("an instance reports '" + than + "', which is no version", e);
    }
  }

  private static String plan(Rollout r) {
    return r.waves().stream()
        .map(w -> w.step() + " " + w.nodes())
        .collect(Collectors.joining(" -> "));
  }

  private void record(String type, Severity severity, String by, Rollout r, String detail) {
    audit.append(
        new AuditEvent(
            type,
            severity,
            by,
            "release " + r.version(),
            Map.of("rollout", r.id(), "phase", r.phase().name(), "detail", detail)));
  }
}
