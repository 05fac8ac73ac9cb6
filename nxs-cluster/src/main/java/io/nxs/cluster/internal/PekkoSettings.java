package io.nxs.cluster.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.nxs.cluster.ClusterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pekko's configuration, built from the {@code cluster:} section: Artery over TCP, the Split Brain
 * Resolver set explicitly as the downing provider, a failure detector that rides out a 2 s pause,
 * NXS's join check, and nothing that could stop the JVM (NXS decides when the process ends).
 */
public final class PekkoSettings {

  /** Every node of one build runs the same actor system name; the cluster name is checked apart. */
  public static final String SYSTEM_NAME = "nxs";

  /** The version of what NXS nodes gossip; a node speaking another is refused when it joins. */
  public static final int PROTOCOL = 1;

  private PekkoSettings() {}

  /**
   * How long the member that forms a downed cluster again waits for every other member's answer
   * before it would start a cluster of its own: never, in practice. Pekko's first seed joins itself
   * when all other seeds answer "not in a cluster" (a safe proof) or when this time is up (a guess
   * that would make a second cluster beside a majority it cannot reach).
   */
  static final String NO_SELF_JOIN_BY_TIMEOUT = "3650d";

  /** The configuration for a node; {@code protocol} is {@link #PROTOCOL} outside tests. */
  public static Config of(ClusterConfig c, int protocol) {
    return of(c, protocol, 0, false, "");
  }

  /**
   * The configuration for one incarnation of a node.
   *
   * @param port the port an earlier incarnation bound when the config asked for port 0 (a node
   *     keeps its address across incarnations, so the others find it where they last saw it), or 0
   * @param reforming this incarnation forms the cluster again after every member was downed: it
   *     does so only when every member it last saw answers that it is in no cluster ({@link
   *     #NO_SELF_JOIN_BY_TIMEOUT})
   * @param durableStore the {@link SqliteDurableStore#register registered} state database that
   *     keeps {@link Replicas#DURABLE} across restarts, or empty to keep everything in memory
   */
  static Config of(
      ClusterConfig c, int protocol, int port, boolean reforming, String durableStore) {
    Map<String, Object> m = new HashMap<>();
    m.put("pekko.actor.provider", "cluster");
    m.put("pekko.loggers", List.of("org.apache.pekko.event.slf4j.Slf4jLogger"));
    m.put("pekko.logging-filter", "org.apache.pekko.event.slf4j.Slf4jLoggingFilter");
    m.put("pekko.loglevel", "WARNING");
    m.put("pekko.stdout-loglevel", "OFF");
    m.put("pekko.log-dead-letters", "off");
    m.put("pekko.log-dead-letters-during-shutdown", "off");
    m.put("pekko.remote.artery.transport", "tcp");
    m.put("pekko.remote.artery.canonical.hostname", c.advertise().host());
    m.put(
        "pekko.remote.artery.canonical.port",
        c.advertise().port() == 0 && port != 0 ? port : c.advertise().port());
    m.put("pekko.remote.artery.bind.hostname", c.bind().host());
    m.put(
        "pekko.remote.artery.bind.port",
        c.bind().port() == c.advertise().port() ? "" : c.bind().port());
    // Binding waits longer than Pekko's 3 s: a daemon starting on a busy two-core box took more.
    m.put("pekko.remote.artery.bind.bind-timeout", "20s");
    m.put("pekko.cluster.roles", roles(c));
    m.put("pekko.cluster.min-nr-of-members", 1);
    // NXS ends the process; Pekko never does. A downed node's actor system stops and NXS
    // starts a fresh one to join again.
    m.put("pekko.coordinated-shutdown.exit-jvm", "off");
    m.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    m.put("pekko.cluster.run-coordinated-shutdown-when-down", "on");
    // Terminating the actor system is a crash, not a leave: NXS leaves explicitly
    // (ClusterNode.leave).
    m.put("pekko.coordinated-shutdown.run-by-actor-system-terminate", "off");
    // Split Brain Resolver, explicitly (DESIGN.md: the provider must be set by name).
    m.put(
        "pekko.cluster.downing-provider-class",
        "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    m.put(
        "pekko.cluster.split-brain-resolver.active-strategy",
        c.splitBrain().strategy().pekkoName());
    m.put("pekko.cluster.split-brain-resolver.stable-after", millis(c.splitBrain().stableAfter()));
    if (c.splitBrain().strategy() == ClusterConfig.SplitBrain.Strategy.STATIC_QUORUM) {
      m.put(
          "pekko.cluster.split-brain-resolver.static-quorum.quorum-size",
          c.splitBrain().quorumSize());
    }
    // Failure detector: a heartbeat every ~1/3 of the pause it tolerates, so a 2 s stop (a GC
    // pause, SIGSTOP) is no reason to down anyone while a dead node is seen within seconds.
    Duration pause = c.acceptablePause();
    Duration interval =
        pause.dividedBy(3).compareTo(Duration.ofSeconds(1)) > 0
            ? Duration.ofSeconds(1)
            : pause.dividedBy(3);
    m.put("pekko.cluster.failure-detector.heartbeat-interval", millis(interval));
    m.put("pekko.cluster.failure-detector.acceptable-heartbeat-pause", millis(pause));
    m.put("pekko.cluster.failure-detector.expected-response-after", millis(interval));
    m.put("pekko.cluster.unreachable-nodes-reaper-interval", millis(interval));
    m.put("pekko.cluster.gossip-interval", millis(interval));
    m.put("pekko.cluster.leader-actions-interval", millis(interval));
    m.put("pekko.cluster.retry-unsuccessful-join-after", "2s");
    m.put("pekko.cluster.seed-node-timeout", reforming ? NO_SELF_JOIN_BY_TIMEOUT : "2s");
    m.put("pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes", "off");
    m.put("pekko.cluster.distributed-data.gossip-interval", "500ms");
    m.put("pekko.cluster.distributed-data.notify-subscribers-interval", "100ms");
    if (!durableStore.isEmpty()) {
      // Pekko's durable Distributed Data, stored in the node's state database (ADR 0072).
      m.put("pekko.cluster.distributed-data.durable.keys", Replicas.DURABLE);
      m.put(
          "pekko.cluster.distributed-data.durable.store-actor-class",
          SqliteDurableStore.class.getName());
      m.put("pekko.cluster.distributed-data.durable." + SqliteDurableStore.STORE_KEY, durableStore);
    }
    // NXS's own join check: the cluster's name and the protocol version must match.
    m.put(
        "pekko.cluster.configuration-compatibility-check.checkers.nxs",
        ProtocolCheck.class.getName());
    m.put("nxs.cluster.name", c.name());
    m.put("nxs.cluster.protocol", protocol);
    m.put("nxs.cluster.node-id", c.nodeId());
    Config overrides = ConfigFactory.empty();
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (!"".equals(e.getValue())) {
        overrides = overrides.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
      }
    }
    return overrides
        .withFallback(ConfigFactory.defaultReference(PekkoSettings.class.getClassLoader()))
        .resolve();
  }

  /** Pekko roles carry what others need before any report: id, region, weight and plain roles. */
  static List<String> roles(ClusterConfig c) {
    List<String> roles = new ArrayList<>();
    roles.add(Roles.NODE + c.nodeId());
    roles.add(Roles.WEIGHT + c.weight());
    if (!c.region().isEmpty()) {
      roles.add(Roles.REGION + c.region());
    }
    roles.addAll(c.roles());
    return roles;
  }

  private static String millis(Duration d) {
    return d.toMillis() + "ms";
  }
}
