package io.nxs.cluster.internal;

import io.nxs.cluster.ClusterConfig;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.event.EventBus;
import io.nxs.core.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
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
  private final Map<String, StateStore> stores = new ConcurrentHashMap<>();
  private final boolean durable;
  private Path dir;
  private int seedPort;
  private String firstId;

  /** Nodes that keep their durable keys in a state database each, as daemons do. */
  TestCluster() {
    this(true);
  }

  /**
   * @param durable false keeps all Distributed Data in memory (benchmarks compare the two)
   */
  TestCluster(boolean durable) {
    this.durable = durable;
  }

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

  /**
   * How to start one node.
   *
   * @param role a plain role such as {@code witness}, or null
   * @param protocol {@link PekkoSettings#PROTOCOL} unless a test wants another
   * @param name the cluster's name
   * @param workers tasks the node runs at once
   */
  record Spec(String id, String role, String region, int protocol, String name, int workers) {
    static Spec of(String id) {
      return new Spec(id, null, "", PekkoSettings.PROTOCOL, "test", 4);
    }

    Spec role(String r) {
      return new Spec(id, r, region, protocol, name, workers);
    }

    Spec protocol(int p) {
      return new Spec(id, role, region, p, name, workers);
    }

    Spec name(String n) {
      return new Spec(id, role, region, protocol, n, workers);
    }

    Spec workers(int w) {
      return new Spec(id, role, region, protocol, name, w);
    }
  }

  static ClusterConfig config(Spec spec, int seedPort) {
    return new ClusterConfig(
        true,
        spec.name(),
        spec.id(),
        "127.0.0.1:0",
        null,
        seedPort == 0 ? List.of() : List.of("127.0.0.1:" + seedPort),
        null,
        null,
        spec.region(),
        null,
        spec.role() == null ? null : List.of(spec.role()),
        null,
        new ClusterConfig.SplitBrain(null, null, java.time.Duration.ofSeconds(2)),
        java.time.Duration.ofMillis(200),
        java.time.Duration.ofSeconds(1),
        java.time.Duration.ofSeconds(1),
        20,
        spec.workers(),
        null,
        "http://127.0.0.1:1/" + spec.id(),
        null);
  }

  private static ClusterConfig withBind(ClusterConfig c, int port) {
    return new ClusterConfig(
        true,
        c.name(),
        c.nodeId(),
        "127.0.0.1:" + port,
        null,
        List.of("127.0.0.1:" + port),
        null,
        null,
        c.region(),
        null,
        c.roles(),
        null,
        c.splitBrain(),
        c.heartbeat(),
        c.acceptablePause(),
        c.rebalanceInterval(),
        c.maxQueue(),
        c.workers(),
        null,
        c.apiUrl(),
        c.tasks());
  }

  /** Stops every node at once, as a power cut of the whole fleet would (no graceful leave). */
  void stopAll() {
    stopNodes();
    nodes.clear();
  }

  private void stopNodes() {
    nodes.values().parallelStream().forEach(ClusterNode::close);
  }

  /**
   * The node's own state database, kept across its restarts (as a daemon's state.db is), migrated
   * for the cluster module.
   */
  synchronized StateStore store(String id) {
    return stores.computeIfAbsent(
        id,
        k -> {
          try {
            if (dir == null) {
              dir = Files.createTempDirectory("nxs-cluster-test");
            }
            StateStore s = StateStore.open(dir.resolve(k).resolve("state.db"));
            s.migrate("cluster");
            return s;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  ClusterNode start(String id) {
    return start(Spec.of(id));
  }

  ClusterNode start(Spec spec) {
    ClusterConfig c = config(spec, seedPort);
    if (spec.id().equals(firstId)) {
      // The first node again, after it stopped: at its old port, its own seed, as a fixed first
      // seed in nxs.yaml would be, so it can form the cluster again.
      c = withBind(c, seedPort);
    }
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
            new ClusterNode.Deps(
                c,
                Clock.systemUTC(),
                bus,
                trail,
                IDLE,
                c.apiUrl(),
                spec.protocol(),
                durable ? store(spec.id()) : null));
    if (seedPort == 0) {
      seedPort = node.port();
      firstId = spec.id();
    }
    nodes.put(spec.id(), node);
    audits.put(spec.id(), audit);
    buses.put(spec.id(), bus);
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
    stopNodes();
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
