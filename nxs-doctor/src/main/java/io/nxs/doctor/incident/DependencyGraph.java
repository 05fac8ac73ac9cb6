package io.nxs.doctor.incident;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The service dependency graph of {@code doctor.dependencies} (seed 001 §5): {@code api: [nxs]}
 * means api depends on nxs. Leaves depend on nothing (disk, network); roots nothing depends on.
 */
public final class DependencyGraph {

  /**
   * What NXS's own components depend on, joined with {@code doctor.dependencies}: the gateway on
   * its providers, a remote provider on the network, backups on the disk.
   */
  public static final Map<String, List<String>> BUILTIN =
      Map.of(
          "gateway", List.of("provider"),
          "provider", List.of("network"),
          "backup", List.of("disk"));

  private final Map<String, List<String>> dependsOn;
  private final Map<String, Integer> height = new HashMap<>();
  private final Map<String, Integer> depth = new HashMap<>();

  /**
   * @throws IllegalArgumentException when the graph has a cycle
   */
  public DependencyGraph(Map<String, List<String>> dependsOn) {
    this.dependsOn = Map.copyOf(dependsOn);
    Set<String> nodes = new HashSet<>(dependsOn.keySet());
    dependsOn.values().forEach(nodes::addAll);
    for (String n : nodes) {
      height(n, new HashSet<>());
    }
    for (String n : nodes) {
      depth.putIfAbsent(n, 0);
    }
    for (String n : nodes) {
      pushDepth(n, 0);
    }
  }

  private int height(String node, Set<String> path) {
    Integer known = height.get(node);
    if (known != null) {
      return known;
    }
    if (!path.add(node)) {
      throw new IllegalArgumentException("doctor.dependencies has a cycle through '" + node + "'");
    }
    int h = 0;
    for (String d : dependsOn.getOrDefault(node, List.of())) {
      h = Math.max(h, 1 + height(d, path));
    }
    path.remove(node);
    height.put(node, h);
    return h;
  }

  private void pushDepth(String node, int d) {
    if (depth.getOrDefault(node, 0) > d) {
      return;
    }
    depth.put(node, d);
    for (String dep : dependsOn.getOrDefault(node, List.of())) {
      pushDepth(dep, d + 1);
    }
  }

  /** The built-in graph joined with the configured one (a node's dependencies are united). */
  public static DependencyGraph withBuiltins(Map<String, List<String>> configured) {
    Map<String, List<String>> all = new java.util.LinkedHashMap<>();
    BUILTIN.forEach((k, v) -> all.put(k, new java.util.ArrayList<>(v)));
    configured.forEach(
        (k, v) -> {
          List<String> deps = all.computeIfAbsent(k, x -> new java.util.ArrayList<>());
          v.stream().filter(d -> !deps.contains(d)).forEach(deps::add);
        });
    return new DependencyGraph(all);
  }

  /** Whether {@code a} depends on {@code b}, directly or through others. */
  public boolean dependsOn(String a, String b) {
    return dependsOn(a, b, new HashSet<>());
  }

  private boolean dependsOn(String a, String b, Set<String> seen) {
    if (!seen.add(a)) {
      return false;
    }
    for (String d : dependsOn.getOrDefault(a, List.of())) {
      if (d.equals(b) || dependsOn(d, b, seen)) {
        return true;
      }
    }
    return false;
  }

  /** Whether either depends on the other. */
  public boolean related(String a, String b) {
    return a.equals(b) || dependsOn(a, b) || dependsOn(b, a);
  }

  /** The longest chain of dependencies below a node (a leaf is 0; unknown nodes are leaves). */
  public int height(String node) {
    return height.getOrDefault(node, 0);
  }

  /** The longest chain of dependents above a node (a root is 0). */
  public int depth(String node) {
    return depth.getOrDefault(node, 0);
  }

  /**
   * The topological factor of seed 001 §5: 1.0 for a leaf, 0.6 for a root, linear between by the
   * node's place on its longest chain.
   */
  public double topologicalFactor(String node) {
    int h = height(node);
    int d = depth(node);
    return h + d == 0 ? 1.0 : 1.0 - 0.4 * h / (h + d);
  }
}
