package io.nxs.cluster.heal;

import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One side of a split, as its nodes describe it when they meet again (phase 1 of the heal).
 *
 * @param members the ids of the nodes on the side, with each node's weight
 */
public record Side(SortedMap<String, Integer> members) {

  public Side {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a side has at least one node");
    }
    members = new TreeMap<>(members);
  }

  /** A side of nodes with these weights. */
  public static Side of(Map<String, Integer> members) {
    return new Side(new TreeMap<>(members));
  }

  /** How many nodes the side had. */
  public int size() {
    return members.size();
  }

  /** The sum of the nodes' weights. */
  public int weight() {
    return members.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** The side's lowest node id, the last tie-breaker. */
  public String lowestId() {
    return members.firstKey();
  }

  /**
   * Which side wins (seed 001 §2, phase 1): the larger quorum, then the higher total weight, then,
   * so every node decides the same, the side holding the lowest node id.
   */
  public static Side winner(Side a, Side b) {
    Comparator<Side> order =
        Comparator.comparingInt(Side::size)
            .thenComparingInt(Side::weight)
            .thenComparing(Side::lowestId, Comparator.reverseOrder());
    return order.compare(a, b) >= 0 ? a : b;
  }
}
