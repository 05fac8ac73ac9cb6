package io.nxs.cluster.internal;

import io.nxs.cluster.ClusterConfig;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.event.EventBus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Several real Pekko cluster nodes in this JVM on loopback, with settings tuned for tests (a 1 s
 * failure-detector pause, a 2 s stable-after) so a crash is detected and decided in a few seconds.
 */
final class TestCluster implements AutoCloseable {

  final Map<String, ClusterNode> nodes = new ConcurrentHashMap<>();
  final Map<String, List<AuditEvent>> audits = new ConcurrentHashMap<>();
  final Map<String, EventBus> buses = new ConcurrentHashMap<>();
  private int seedPort;

  /** Fixed, healthy host figures: scores differ only by queue length. */
  static final HostFigures IDLE =
      new HostFigures() {
        @Override
        public double cpuFree() {
          return 0.8;
        }

        @Override
        public double memoryFree() {
          return 0.7;
        }

        @Override
        public double errorRate() {
          return 0;
        }
      };

  static ClusterConfig config(String id, int seedPort, String extraRoles, String region) {
    return new ClusterConfig(
        true,
        "test",
        id,
        "127.0.0.1:0",
        null,
        seedPort == 0 ? List.of() : List.of("127.0.0.1:" + seedPort),
        null,
        null,
        region,
        null,
        extraRoles == null ? null : List.of(extraRoles),
        null,
        new ClusterConfig.SplitBrain(null, null, java.time.Duration.ofSeconds(2)),
        java.time.Duration.ofMillis(200),
        java.time.Duration.ofSeconds(1),
        java.time.Duration.ofSeconds(1),
        20,
        "http://127.0.0.1:1/" + id);
  }

  ClusterNode start(String id) {
    return start(id, null, "", PekkoSettings.PROTOCOL, "test");
  }

  ClusterNode start(String id, String role, String region, int protocol, String name) {
    ClusterConfig base = config(id, seedPort, role, region);
    ClusterConfig c =
        name.equals(base.name())
            ? base
            : new ClusterConfig(
                true,
                name,
                id,
                "127.0.0.1:0",
                null,
                base.seeds().stream().map(Object::toString).toList(),
                null,
                null,
                region,
                null,
                null,
                null,
                base.splitBrain().quorumSize() == 0
                    ? new ClusterConfig.SplitBrain(null, null, java.time.Duration.ofSeconds(2))
                    : base.splitBrain(),
                base.heartbeat(),
                base.acceptablePause(),
                base.rebalanceInterval(),
                base.maxQueue(),
                base.apiUrl());
    List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    AtomicLong seq = new AtomicLong();
    AuditTrail trail =
        e -> {
          audit.add(e);
          return seq.incrementAndGet();
        };
    EventBus bus = new EventBus();
    ClusterNode node =
        ClusterNode.start(
            new ClusterNode.Deps(c, Clock.systemUTC(), bus, trail, IDLE, c.apiUrl(), protocol));
    if (seedPort == 0) {
      seedPort = node.port();
    }
    nodes.put(id, node);
    audits.put(id, audit);
    buses.put(id, bus);
    return node;
  }

  ClusterNode node(String id) {
    return nodes.get(id);
  }

  List<String> auditTypes(String id) {
    List<String> types = new ArrayList<>();
    audits.get(id).forEach(e -> types.add(e.type() + " " + e.target()));
    return types;
  }

  @Override
  public void close() {
    nodes.values().parallelStream().forEach(ClusterNode::close);
  }
}
