package io.nxs.cluster.internal;

import io.nxs.cluster.ClusterAlert;
import io.nxs.cluster.ClusterConfig;
import io.nxs.cluster.NodeTransitioned;
import io.nxs.cluster.lifecycle.MemberLifecycle;
import io.nxs.cluster.lifecycle.Outcome;
import io.nxs.cluster.lifecycle.Signal;
import io.nxs.cluster.placement.Score;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.cluster.ClusterMember;
import io.nxs.core.cluster.ClusterView;
import io.nxs.core.cluster.NodeState;
import io.nxs.core.cluster.PeerRequest;
import io.nxs.core.event.EventBus;
import io.nxs.core.state.StateStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.Leave;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NXS node in a Pekko cluster: it runs the actor system (a new incarnation after the cluster
 * downed it), watches Pekko's membership and the others' reports, drives each member's {@link
 * MemberLifecycle}, and answers the {@link ClusterView} port.
 *
 * <p>Design note: everything that changes state runs on one loop thread ({@code nxs-cluster}), a
 * few times a second: read Pekko's membership and the local Distributed Data replicas, feed the
 * lifecycles, act on their outcomes, then let the task board, the lease and the shared values do
 * their turn. Port methods called from other threads read volatile snapshots the loop publishes.
 * Polling the local replicas keeps the order of events obvious; it costs a few local messages per
 * tick.
 */
public final class ClusterNode implements ClusterView, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  static final Duration TICK = Duration.ofMillis(200);
  private static final Duration GONE_SHOWN = Duration.ofMinutes(10);
  private static final Duration RESTART_DELAY = Duration.ofSeconds(2);
  private static final Duration RESTART_DELAY_MAX = Duration.ofSeconds(30);

  /** An incarnation that lived this long was not part of a run of downings: the backoff resets. */
  private static final Duration RESTART_BACKOFF_RESET = Duration.ofSeconds(60);

  /**
   * Below this a latency is never "high": a majority write on a LAN takes a few milliseconds, and
   * twice a few milliseconds is noise, not degradation.
   */
  private static final double LATENCY_FLOOR_MS = 100;

  /**
   * What a node needs.
   *
   * @param apiUrl where this node's HTTP API answers for the others
   * @param protocol {@link PekkoSettings#PROTOCOL}, another value only in tests
   * @param store the node's state database, migrated for the {@code cluster} module, which keeps
   *     the durable shared state ({@link Replicas#DURABLE}) across restarts and downings; null
   *     keeps everything in memory
   */
  public record Deps(
      ClusterConfig config,
      Clock clock,
      EventBus events,
      AuditTrail audit,
      HostFigures figures,
      String apiUrl,
      int protocol,
      StateStore store) {}

  final ClusterConfig config;
  final Clock clock;
  final EventBus events;
  final AuditTrail audit;
  private final HostFigures figures;
  private final String apiUrl;
  private final int protocol;
  private final String durableStore;
  final ScheduledExecutorService loop;

  private volatile Incarnation current;
  private volatile boolean closing;
  private volatile String refusal = "";
  private AutoCloseable refusalListener;

  // Loop-thread state.
  private final Map<String, MemberLifecycle> lifecycles = new TreeMap<>();
  private final Map<Long, Member> seen = new HashMap<>();
  private final Map<String, Long> lastSeq = new HashMap<>();
  private final Map<String, Double> baseline = new HashMap<>();
  private final Set<Long> unreachableSeen = new HashSet<>();
  private long seq;
  private volatile double lastLatencyMs;
  private final RecentMedian latencies = new RecentMedian(5);
  private boolean wasMajority;

  // Published snapshots.
  private volatile List<ClusterMember> members = List.of();
  private volatile Map<String, NodeReport> reports = Map.of();
  private volatile Map<String, Address> addresses = Map.of();
  // The other members last seen, by node id (kept when this node is downed and its view empties):
  // whom it joins again, and who forms the cluster again when everyone was downed.
  private volatile Map<String, Address> knownPeers = Map.of();
  private int boundPort;
  private Instant incarnationStarted;
  private int downingsInARow;
  private volatile Map<String, Long> uids = Map.of();
  private volatile Set<String> takingWork = Set.of();
  private volatile boolean majority;
  private volatile boolean coordinator;
  private volatile boolean leaving;
  private volatile int heldOutCount;

  final TaskBoard tasks;
  final AgentLease lease;
  final BreakerBoard breakers;
  final SharedValues values;

  private ClusterNode(Deps deps) {
    this.config = deps.config();
    this.clock = deps.clock();
    this.events = deps.events();
    this.audit = deps.audit();
    this.figures = deps.figures();
    this.apiUrl = deps.apiUrl();
    this.protocol = deps.protocol();
    this.durableStore =
        deps.store() == null ? "" : SqliteDurableStore.register(deps.store(), deps.clock());
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("nxs-cluster").daemon().factory());
    this.tasks = new TaskBoard(this);
    this.lease = new AgentLease(this);
    this.breakers = new BreakerBoard(this);
    this.values = new SharedValues(this);
  }

  /**
   * Starts the actor system, joins the seeds (or starts a cluster) and the loop.
   *
   * @throws NxsException when the actor system cannot start (e.g. the bind address is taken)
   */
  public static ClusterNode start(Deps deps) {
    ClusterNode node = new ClusterNode(deps);
    node.refusalListener =
        ProtocolCheck.onRefusal(deps.config().nodeId(), node::refusedAJoiningNode);
    try {
      node.current = node.startIncarnation();
    } catch (RuntimeException e) {
      node.loop.shutdownNow();
      node.forgetDurableStore();
      throw new NxsException(
          "cannot start the cluster node on " + deps.config().bind() + ": " + e.getMessage(), e);
    }
    node.loop.scheduleWithFixedDelay(node::tickSafely, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    node.loop.scheduleWithFixedDelay(
        node::heartbeatSafely, 0, deps.config().heartbeat().toMillis(), TimeUnit.MILLISECONDS);
    return node;
  }

  private Incarnation startIncarnation() {
    return startIncarnation(Map.of(), false);
  }

  /**
   * Starts an actor system and joins: the configured seeds on a first start; after this node was
   * downed, {@code peers} (the members it last saw, by node id) and the seeds, without itself.
   *
   * <p>A downed node must never form a cluster of its own by guessing: with itself as the first
   * seed Pekko starts a new cluster when the other seeds do not answer in time, and two clusters
   * would take work and grant the agent lease side by side (seen on a starved machine where the
   * split brain resolver downed the first seed during formation). But when everyone was downed
   * (Pekko's "down all when unstable"), someone must form it again. That is the {@link #reformer}
   * of the members last seen, and it forms only on proof: Pekko's first-seed join with every member
   * it last saw as the other seeds and no timeout, so it starts the cluster only when each of them
   * answers that it is in no cluster, and joins any of them that answers from inside one. A member
   * cut off on a minority side hears nothing from the majority and keeps asking until the link
   * heals.
   */
  private Incarnation startIncarnation(Map<String, Address> peers, boolean reforming) {
    Incarnation inc =
        Incarnation.start(
            PekkoSettings.of(
                config, protocol, boundPort, reforming && !peers.isEmpty(), durableStore));
    boundPort = inc.port();
    incarnationStarted = clock.instant();
    List<Address> seeds = seedAddresses(inc);
    if (!peers.isEmpty()) {
      Set<Address> others = new java.util.LinkedHashSet<>(peers.values());
      if (!reforming) {
        others.addAll(seeds);
      }
      others.remove(inc.address);
      List<Address> joined = new ArrayList<>();
      if (reforming) {
        joined.add(inc.address);
      }
      joined.addAll(others);
      seeds = List.copyOf(joined);
    }
    if (seeds.isEmpty()) {
      inc.cluster.manager().tell(Join.create(inc.address));
    } else {
      inc.cluster.manager().tell(new JoinSeedNodes(seeds));
    }
    inc.system.getWhenTerminated().thenRun(() -> loop.execute(() -> terminated(inc)));
    LOG.info("cluster node {} started at {}", config.nodeId(), inc.address);
    return inc;
  }

  private List<Address> seedAddresses(Incarnation inc) {
    List<ClusterConfig.HostPort> seeds = new ArrayList<>(config.seeds());
    if (config.discovery() != ClusterConfig.Discovery.STATIC) {
      seeds.addAll(resolve(config.dnsName(), config.advertise().port()));
    }
    List<Address> out = new ArrayList<>();
    for (ClusterConfig.HostPort hp : seeds) {
      out.add(new Address("pekko", PekkoSettings.SYSTEM_NAME, hp.host(), hp.port()));
    }
    return out;
  }

  /**
   * DNS and Kubernetes discovery: the addresses a name resolves to (a mesh VPN's name, a headless
   * Service), sorted so every node tries the same first seed.
   */
  static List<ClusterConfig.HostPort> resolve(String name, int port) {
    try {
      List<ClusterConfig.HostPort> out = new ArrayList<>();
      for (InetAddress a : InetAddress.getAllByName(name)) {
        out.add(new ClusterConfig.HostPort(a.getHostAddress(), port));
      }
      out.sort(Comparator.comparing(ClusterConfig.HostPort::toString));
      return out;
    } catch (UnknownHostException e) {
      LOG.warn("discovery: '{}' does not resolve yet; trying again on the next join", name);
      return List.of();
    }
  }

  /** The bound Pekko port (useful when the config asked for port 0). */
  public int port() {
    return current.port();
  }

  /** Pekko's address of this node, {@code host:port}. */
  public String address() {
    Incarnation inc = current;
    return inc.address.getHost().orElse("?") + ":" + inc.port();
  }

  /** Why this node was refused by the cluster, or empty. */
  public String refusal() {
    return refusal;
  }

  // ---------------------------------------------------------------- the loop

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // One bad turn (a replicator that did not answer while the system stops) must not end the
      // loop: the next tick starts over from Pekko's state.
      LOG.warn("cluster loop: {}", e.toString());
    }
  }

  private void tick() {
    Incarnation inc = current;
    if (inc == null || closing || inc.system.whenTerminated().isCompleted()) {
      return;
    }
    List<Outcome> outcomes = new ArrayList<>();
    readMembership(inc, outcomes);
    readReports(inc, outcomes);
    for (MemberLifecycle l : lifecycles.values()) {
      outcomes.addAll(l.on(new Signal.Tick()));
    }
    publishSnapshots(inc);
    outcomes.forEach(o -> act(inc, o));
    boolean nowMajority = majority;
    if (nowMajority != wasMajority) {
      wasMajority = nowMajority;
      sideChanged(nowMajority);
    }
    lease.tick(inc);
    breakers.tick(inc);
    tasks.tick(inc);
    values.tick(inc);
  }

  private void readMembership(Incarnation inc, List<Outcome> out) {
    var state = inc.cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    Map<Long, Member> now = new HashMap<>();
    for (Member m : state.getMembers()) {
      if (m.status() != MemberStatus.removed()) {
        now.put(m.uniqueAddress().longUid(), m);
      }
    }
    for (Member m : now.values()) {
      long uid = m.uniqueAddress().longUid();
      String id = nodeIdOf(m);
      Member before = seen.put(uid, m);
      MemberLifecycle l = lifecycles.get(id);
      if (before == null) {
        if (l == null) {
          l = new MemberLifecycle(id, clock);
          lifecycles.put(id, l);
          out.add(
              new Outcome.Transition(
                  id, NodeState.GONE, NodeState.JOINING, "joined at " + m.address()));
        } else {
          out.addAll(l.on(new Signal.Joined()));
        }
      }
      if (isLeaving(m) && (before == null || !isLeaving(before))) {
        out.addAll(l.on(new Signal.Leave()));
      }
      boolean isUnreachable =
          unreachable.stream().anyMatch(u -> u.uniqueAddress().equals(m.uniqueAddress()));
      if (isUnreachable != unreachableSeen.contains(uid)) {
        if (isUnreachable) {
          unreachableSeen.add(uid);
        } else {
          unreachableSeen.remove(uid);
        }
        out.addAll(l.on(new Signal.Reachability(!isUnreachable)));
      }
    }
    for (Long uid : new ArrayList<>(seen.keySet())) {
      if (!now.containsKey(uid)) {
        Member gone = seen.remove(uid);
        unreachableSeen.remove(uid);
        MemberLifecycle l = lifecycles.get(nodeIdOf(gone));
        if (l != null && !hasOtherIncarnation(now, nodeIdOf(gone), uid)) {
          String reason =
              gone.status() == MemberStatus.down() ? "downed and removed" : "left and removed";
          out.addAll(l.on(new Signal.Removed(reason)));
        }
      }
    }
  }

  private boolean hasOtherIncarnation(Map<Long, Member> now, String id, long uid) {
    return now.values().stream()
        .anyMatch(m -> nodeIdOf(m).equals(id) && m.uniqueAddress().longUid() != uid);
  }

  private static boolean isLeaving(Member m) {
    return m.status() == MemberStatus.leaving() || m.status() == MemberStatus.exiting();
  }

  static String nodeIdOf(Member m) {
    return Roles.nodeId(m.getRoles(), m.address().toString());
  }

  private void readReports(Incarnation inc, List<Outcome> out) {
    Map<String, NodeReport> parsed = new HashMap<>();
    for (Map.Entry<String, String> e : inc.replicas.local(Replicas.REPORTS).entrySet()) {
      Optional<NodeReport> r = NodeReport.parse(e.getValue());
      if (r.isEmpty() || !r.get().nodeId().equals(e.getKey())) {
        LOG.debug("skipped a malformed report under '{}'", e.getKey());
        continue;
      }
      NodeReport report = r.get();
      parsed.put(report.nodeId(), report);
      MemberLifecycle l = lifecycles.get(report.nodeId());
      Long uid = uidOf(report.nodeId());
      if (l == null || uid == null || uid != report.uid()) {
        continue; // a report of an earlier incarnation, or of a node not (yet) a member
      }
      long last = lastSeq.getOrDefault(report.nodeId() + "@" + uid, -1L);
      if (report.seq() > last) {
        lastSeq.put(report.nodeId() + "@" + uid, report.seq());
        out.addAll(l.on(beat(report)));
      }
    }
    reports = Map.copyOf(parsed);
  }

  private Long uidOf(String nodeId) {
    for (Map.Entry<Long, Member> e : seen.entrySet()) {
      if (nodeIdOf(e.getValue()).equals(nodeId)) {
        return e.getKey();
      }
    }
    return null;
  }

  /**
   * Healthy: at most 10 % errors and a latency at most twice its baseline. The reported latency is
   * already a median of its node's last round trips; the baseline follows the healthy ones (over
   * ~10 beats) and counts as at least {@link #LATENCY_FLOOR_MS}.
   */
  private Signal.Beat beat(NodeReport r) {
    double base = baseline.getOrDefault(r.nodeId(), r.latencyMs());
    double limit = 2 * Math.max(base, LATENCY_FLOOR_MS);
    if (r.errorRate() > 0.10 || Double.isNaN(r.errorRate())) {
      return new Signal.Beat(
          false, String.format(java.util.Locale.ROOT, "error rate %.0f %%", 100 * r.errorRate()));
    }
    if (!(r.latencyMs() <= limit)) {
      return new Signal.Beat(
          false,
          String.format(
              java.util.Locale.ROOT, "latency %.0f ms over %.0f ms", r.latencyMs(), limit));
    }
    baseline.put(r.nodeId(), 0.9 * base + 0.1 * r.latencyMs());
    return new Signal.Beat(true, "");
  }

  private void publishSnapshots(Incarnation inc) {
    var state = inc.cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    Map<String, Address> addr = new HashMap<>();
    Map<String, Long> uidMap = new HashMap<>();
    List<Member> counted = new ArrayList<>();
    for (Member m : state.getMembers()) {
      if (m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving()) {
        counted.add(m);
      }
      if (m.status() != MemberStatus.removed()) {
        addr.put(nodeIdOf(m), m.address());
        uidMap.put(nodeIdOf(m), m.uniqueAddress().longUid());
      }
    }
    addresses = Map.copyOf(addr);
    if (addr.size() > 1) {
      Map<String, Address> peers = new HashMap<>(addr);
      peers.remove(config.nodeId());
      knownPeers = Map.copyOf(peers);
    }
    uids = Map.copyOf(uidMap);
    Set<org.apache.pekko.cluster.UniqueAddress> down = new HashSet<>();
    unreachable.forEach(u -> down.add(u.uniqueAddress()));
    List<Member> reachable =
        counted.stream().filter(m -> !down.contains(m.uniqueAddress())).toList();
    boolean selfCounted = counted.stream().anyMatch(m -> m.uniqueAddress().longUid() == inc.uid);
    majority = selfCounted && onMajority(counted, reachable);
    coordinator =
        majority
            && reachable.stream()
                .filter(m -> m.status() == MemberStatus.up())
                .min(Comparator.comparing(Member::address, Member.addressOrdering()))
                .map(m -> m.uniqueAddress().longUid() == inc.uid)
                .orElse(false);
    Instant now = clock.instant();
    List<ClusterMember> view = new ArrayList<>();
    Set<String> takers = new HashSet<>();
    for (MemberLifecycle l : lifecycles.values()) {
      NodeState s = l.current().state();
      if ((s == NodeState.GONE || s == NodeState.FAILED)
          && l.current().since().plus(GONE_SHOWN).isBefore(now)) {
        continue;
      }
      Member m = memberOf(l.nodeId());
      Set<String> roles = m == null ? Set.of() : Roles.plain(m.getRoles());
      NodeReport r = reports.get(l.nodeId());
      boolean self = l.nodeId().equals(config.nodeId());
      view.add(
          new ClusterMember(
              l.nodeId(),
              s,
              r == null ? 0 : Score.of(r.inputs()),
              m == null ? "" : Roles.region(m.getRoles()),
              roles,
              r == null ? "" : r.apiUrl(),
              self));
      if (l.takesWork()
          && !roles.contains(ClusterMember.WITNESS)
          && m != null
          && !(r != null && r.leaving())) {
        takers.add(l.nodeId());
      }
    }
    members = List.copyOf(view);
    takingWork = Set.copyOf(takers);
    heldOutCount = (int) lifecycles.values().stream().filter(MemberLifecycle::heldOut).count();
  }

  private Member memberOf(String nodeId) {
    for (Member m : seen.values()) {
      if (nodeIdOf(m).equals(nodeId)) {
        return m;
      }
    }
    return null;
  }

  /**
   * Keep-majority as Pekko's resolver decides it: more than half of the members reachable, or
   * exactly half including the member with the lowest address; static-quorum: at least the quorum.
   */
  private boolean onMajority(List<Member> counted, List<Member> reachable) {
    if (config.splitBrain().strategy() == ClusterConfig.SplitBrain.Strategy.STATIC_QUORUM) {
      return reachable.size() >= config.splitBrain().quorumSize();
    }
    if (2 * reachable.size() != counted.size()) {
      return 2 * reachable.size() > counted.size();
    }
    Member lowest =
        counted.stream()
            .min(Comparator.comparing(Member::address, Member.addressOrdering()))
            .orElseThrow();
    return reachable.contains(lowest);
  }

  private void act(Incarnation inc, Outcome o) {
    Instant now = clock.instant();
    switch (o) {
      case Outcome.Transition t -> {
        events.publish(new NodeTransitioned(now, t.nodeId(), t.from(), t.to(), t.reason()));
        record(
            auditType(t.to()),
            severityOf(t.to()),
            t.nodeId(),
            Map.of("from", t.from().name(), "to", t.to().name(), "reason", t.reason()));
        if (t.to() == NodeState.GONE || t.to() == NodeState.FAILED) {
          tasks.memberLost(t.nodeId());
        }
      }
      case Outcome.ForceOut f -> {
        Address a = addresses.get(f.nodeId());
        if (majority && a != null) {
          inc.cluster.manager().tell(new Down(a));
          record("cluster.force_out", Severity.MEDIUM, f.nodeId(), Map.of("reason", f.reason()));
        }
      }
      case Outcome.Flapping f -> {
        String message =
            f.nodeId()
                + " changed state "
                + f.transitions()
                + " times in 5 minutes; held out of work until "
                + f.until();
        events.publish(new ClusterAlert(now, "flapping", f.nodeId(), message));
        record(
            "cluster.flapping",
            Severity.MEDIUM,
            f.nodeId(),
            Map.of("transitions", f.transitions(), "backoff_seconds", f.backoff().toSeconds()));
      }
    }
  }

  static String auditType(NodeState to) {
    return switch (to) {
      case JOINING -> "node.join";
      case LEAVING -> "node.leave";
      default -> "node." + to.name().toLowerCase(Locale.ROOT);
    };
  }

  private static Severity severityOf(NodeState to) {
    return switch (to) {
      case ZOMBIE, FAILED, DEGRADED -> Severity.MEDIUM;
      default -> Severity.INFO;
    };
  }

  private void sideChanged(boolean nowMajority) {
    Instant now = clock.instant();
    if (nowMajority) {
      record(
          "cluster.majority",
          Severity.INFO,
          config.nodeId(),
          Map.of("members", allMembers().size()));
      values.rejoinedMajority();
    } else {
      String message =
          config.nodeId() + " is on the minority side of a split: it accepts no new work";
      events.publish(new ClusterAlert(now, "minority", config.nodeId(), message));
      record("cluster.minority", Severity.MEDIUM, config.nodeId(), Map.of());
      values.leftMajority(sideSeen());
    }
  }

  /** The members this node still reaches, with their weights: its side of a split. */
  Map<String, Integer> sideSeen() {
    Map<String, Integer> side = new TreeMap<>();
    Incarnation inc = current;
    var state = inc.cluster.state();
    Set<org.apache.pekko.cluster.UniqueAddress> down = new HashSet<>();
    state.getUnreachable().forEach(u -> down.add(u.uniqueAddress()));
    for (Member m : state.getMembers()) {
      if (m.status() == MemberStatus.up() && !down.contains(m.uniqueAddress())) {
        side.put(nodeIdOf(m), Roles.weight(m.getRoles()));
      }
    }
    side.putIfAbsent(config.nodeId(), config.weight());
    return side;
  }

  /** Every current member with its weight. */
  Map<String, Integer> allMembers() {
    Map<String, Integer> all = new TreeMap<>();
    for (Member m : seen.values()) {
      if (m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving()) {
        all.put(nodeIdOf(m), Roles.weight(m.getRoles()));
      }
    }
    return all;
  }

  void record(String type, Severity severity, String target, Map<String, Object> details) {
    try {
      audit.append(new AuditEvent(type, severity, config.nodeId(), target, details));
    } catch (RuntimeException e) {
      LOG.error("cannot record {} for {} in the audit log: {}", type, target, e.getMessage());
    }
  }

  private void heartbeatSafely() {
    try {
      heartbeat();
    } catch (RuntimeException e) {
      LOG.warn("cluster heartbeat: {}", e.toString());
    }
  }

  private void heartbeat() {
    Incarnation inc = current;
    if (inc == null || closing || inc.system.whenTerminated().isCompleted()) {
      return;
    }
    NodeReport report =
        new NodeReport(
            config.nodeId(),
            inc.uid,
            ++seq,
            clock.instant(),
            figures.cpuFree(),
            figures.memoryFree(),
            tasks.localDepth(),
            config.maxQueue(),
            lastLatencyMs,
            tasks.successRate(),
            figures.errorRate(),
            apiUrl,
            leaving,
            tasks.types());
    long started = System.nanoTime();
    Duration timeout =
        config.heartbeat().compareTo(Duration.ofSeconds(1)) < 0
            ? Duration.ofSeconds(1)
            : config.heartbeat();
    inc.replicas
        .put(
            Replicas.REPORTS,
            Map.of(
                config.nodeId(),
                new Replicas.Stamped(
                    report.json(), report.at().toEpochMilli() * 1000 + (seq % 1000))),
            new org.apache.pekko.cluster.ddata.typed.javadsl.Replicator.WriteMajority(timeout))
        .thenAccept(
            ok ->
                lastLatencyMs =
                    ok ? (System.nanoTime() - started) / 1e6 : timeout.toMillis() * 1.0);
  }

  private void refusedAJoiningNode(String reason) {
    events.publish(new ClusterAlert(clock.instant(), "refused", config.nodeId(), reason));
    record("cluster.join_refused", Severity.MEDIUM, config.nodeId(), Map.of("reason", reason));
  }

  private void terminated(Incarnation inc) {
    if (closing || inc != current) {
      return;
    }
    String reason =
        CoordinatedShutdown.get(inc.system)
            .getShutdownReason()
            .map(r -> r.getClass().getSimpleName())
            .orElse("unknown");
    if (reason.contains("IncompatibleConfiguration")) {
      refusal =
          "refused by the cluster at "
              + config.seeds()
              + ": its configuration is incompatible (cluster name '"
              + config.name()
              + "' or protocol version "
              + protocol
              + " differ; the seed's audit log names which)";
      LOG.error("{}", refusal);
      events.publish(new ClusterAlert(clock.instant(), "refused", config.nodeId(), refusal));
      record("cluster.join_refused", Severity.HIGH, config.nodeId(), Map.of("reason", refusal));
      return;
    }
    LOG.warn(
        "cluster node {} was removed from the cluster ({}); joining again",
        config.nodeId(),
        reason);
    Map<String, Address> peers = knownPeers;
    Map<String, Address> lastSeen = new HashMap<>(peers);
    lastSeen.put(config.nodeId(), inc.address);
    boolean reforming = config.nodeId().equals(reformer(lastSeen, seedAddresses(inc)));
    Instant now = clock.instant();
    downingsInARow =
        incarnationStarted != null
                && Duration.between(incarnationStarted, now).compareTo(RESTART_BACKOFF_RESET) >= 0
            ? 1
            : downingsInARow + 1;
    Duration delay = restartDelay(downingsInARow);
    record(
        "cluster.downed",
        Severity.MEDIUM,
        config.nodeId(),
        Map.of(
            "reason",
            reason,
            "rejoins_in_ms",
            delay.toMillis(),
            "forms_again_if_everyone_was_downed",
            reforming));
    values.leftMajority(Map.of(config.nodeId(), config.weight()));
    if (peers.isEmpty() && seedAddresses(inc).stream().allMatch(inc.address::equals)) {
      LOG.warn(
          "cluster node {}: no other member known and no other seed configured; it forms a"
              + " cluster of its own again",
          config.nodeId());
    }
    loop.schedule(
        () -> {
          if (!closing) {
            seen.clear();
            unreachableSeen.clear();
            current = startIncarnation(peers, reforming);
            wasMajority = false;
          }
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Who forms the cluster again when every member was downed: of the members a node last saw
   * (itself included), the one at the first configured seed, else the lowest node id. Every member
   * computes the same answer from the same configuration and membership, so at most one starts a
   * new cluster and the others join it.
   */
  static String reformer(Map<String, Address> lastSeen, List<Address> configuredSeeds) {
    if (!configuredSeeds.isEmpty()) {
      Address first = configuredSeeds.getFirst();
      for (Map.Entry<String, Address> e : new TreeMap<>(lastSeen).entrySet()) {
        if (e.getValue().equals(first)) {
          return e.getKey();
        }
      }
    }
    return lastSeen.keySet().stream().min(Comparator.naturalOrder()).orElse("");
  }

  /** 2 s after a first downing, doubling for each downing in a row, at most 30 s. */
  static Duration restartDelay(int downingsInARow) {
    Duration d = RESTART_DELAY;
    for (int i = 1; i < downingsInARow && d.compareTo(RESTART_DELAY_MAX) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(RESTART_DELAY_MAX) > 0 ? RESTART_DELAY_MAX : d;
  }

  /** Downs a member, as an operator (or another node's split brain resolver) would. */
  void down(String nodeId) {
    Address a = addresses.get(nodeId);
    if (a == null) {
      throw new IllegalArgumentException("no member " + nodeId);
    }
    current.cluster.manager().tell(new Down(a));
  }

  // ---------------------------------------------------------------- ClusterView

  @Override
  public String localNodeId() {
    return config.nodeId();
  }

  @Override
  public boolean clustered() {
    return true;
  }

  @Override
  public List<ClusterMember> members() {
    return members;
  }

  @Override
  public boolean onMajoritySide() {
    return majority;
  }

  @Override
  public boolean acceptsWork() {
    return majority && !leaving && takingWork.contains(config.nodeId());
  }

  /**
   * Whether this node decides placement and leases now: the lowest-address member of the majority.
   */
  public boolean coordinator() {
    return coordinator;
  }

  /** How many members the flapping backoff holds out of work now. */
  public int heldOut() {
    return heldOutCount;
  }

  Set<String> takingWork() {
    return takingWork;
  }

  Map<String, NodeReport> reports() {
    return reports;
  }

  Map<String, Long> uids() {
    return uids;
  }

  boolean isLeaving() {
    return leaving;
  }

  Incarnation incarnation() {
    return current;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Instances scoring at least {@link Score#THRESHOLD} come first; when none does, the others
   * that take work are still chosen from: a request handed over because this instance cannot serve
   * it at all has a better chance on a busy instance than none (a loaded host scores below the
   * threshold on CPU alone).
   */
  @Override
  public Optional<ClusterMember> peerFor(PeerRequest request) {
    List<ClusterMember> healthy =
        members.stream()
            .filter(m -> !m.self() && takingWork.contains(m.nodeId()))
            .filter(
                m ->
                    request.allowedRegions().isEmpty()
                        || request.allowedRegions().contains(m.region()))
            .toList();
    List<ClusterMember> scoring =
        healthy.stream().filter(m -> effectiveScore(m) >= Score.THRESHOLD).toList();
    List<ClusterMember> candidates = scoring.isEmpty() ? healthy : scoring;
    List<String> order = new ArrayList<>();
    order.add(config.region());
    order.addAll(config.nearbyRegions());
    for (String region : order) {
      List<ClusterMember> near =
          candidates.stream().filter(m -> m.region().equals(region)).toList();
      if (!near.isEmpty()) {
        return Optional.of(pick(near, request.stickyKey()));
      }
    }
    return candidates.isEmpty()
        ? Optional.empty()
        : Optional.of(pick(candidates, request.stickyKey()));
  }

  private static double effectiveScore(ClusterMember m) {
    return m.state() == NodeState.DEGRADED ? m.score() * Score.DEGRADED_FACTOR : m.score();
  }

  /**
   * The highest score, ties to the lower id; with a sticky key, rendezvous hashing, so a key stays
   * on its instance while that instance stays a candidate and moves only when it leaves.
   */
  private static ClusterMember pick(List<ClusterMember> candidates, String stickyKey) {
    if (stickyKey.isEmpty()) {
      return candidates.stream()
          .max(
              Comparator.comparingDouble(ClusterNode::effectiveScore)
                  .thenComparing(ClusterMember::nodeId, Comparator.reverseOrder()))
          .orElseThrow();
    }
    return candidates.stream()
        .max(
            Comparator.comparingLong((ClusterMember m) -> rendezvous(stickyKey, m.nodeId()))
                .thenComparing(ClusterMember::nodeId))
        .orElseThrow();
  }

  private static long rendezvous(String key, String nodeId) {
    CRC32 crc = new CRC32();
    crc.update((key + "\u0000" + nodeId).getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }

  // ---------------------------------------------------------------- leave, crash, close

  /**
   * Leaves gracefully (SPEC CL2: LEAVING → GONE): stop taking work, release the agent lease, hand
   * queued tasks over, wait for running ones (at most {@code timeout}), then leave Pekko's cluster.
   */
  public void leave(Duration timeout) {
    leaving = true;
    lease.release();
    heartbeatSafely();
    try {
      tasks.whenDrained().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("tasks still running here after {}; leaving anyway (they are re-placed)", timeout);
    }
    Incarnation inc = current;
    closing = true;
    inc.cluster.manager().tell(Leave.create(inc.address));
    try {
      inc.system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(Math.max(1, timeout.toSeconds()), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("leaving the cluster took longer than {}; stopping anyway", timeout);
    }
    close();
  }

  /** Stops at once, without leaving: what a crash looks like to the others (tests, benchmarks). */
  public void crash() {
    closing = true;
    loop.shutdownNow();
    current.system.terminate();
  }

  @Override
  public void close() {
    closing = true;
    loop.shutdownNow();
    tasks.close();
    try {
      if (refusalListener != null) {
        refusalListener.close();
      }
    } catch (Exception e) {
      LOG.debug("closing the refusal listener: {}", e.toString());
    }
    Incarnation inc = current;
    if (inc != null && !inc.system.whenTerminated().isCompleted()) {
      inc.system.terminate();
      try {
        inc.system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        LOG.warn("the actor system did not stop within 10 s");
      }
    }
    forgetDurableStore();
  }

  private void forgetDurableStore() {
    if (!durableStore.isEmpty()) {
      SqliteDurableStore.unregister(durableStore);
    }
  }

  /** Runs a consumer on the loop thread (for listeners that must see a consistent order). */
  void onLoop(Runnable r) {
    loop.execute(r);
  }

  static <T> void notifyAll(List<Consumer<T>> listeners, T value) {
    for (Consumer<T> l : listeners) {
      try {
        l.accept(value);
      } catch (RuntimeException e) {
        LOG.error("a cluster listener failed: {}", e.toString());
      }
    }
  }
}
