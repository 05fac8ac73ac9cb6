package io.nxs.rollout.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.cluster.SharedKind;
import io.nxs.core.cluster.SharedState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The rollout's shared values, in the cluster's shared state (Distributed Data in a cluster, kept
 * with majority writes; memory on a single node), as configuration: after a split the winning
 * side's rollout wins. Keys: {@code rollout.current}, {@code rollout.history} (newest first, the
 * last {@value #HISTORY_SIZE}), {@code rollout.node.<id>}.
 */
final class FleetStore {

  static final String CURRENT = "rollout.current";
  static final String HISTORY = "rollout.history";
  static final String NODE = "rollout.node.";
  static final int HISTORY_SIZE = 20;

  private final Supplier<SharedState> state;

  FleetStore(Supplier<SharedState> state) {
    this.state = state;
  }

  Optional<Rollout> current() {
    return read(CURRENT, new TypeReference<Rollout>() {});
  }

  void put(Rollout rollout) {
    write(CURRENT, rollout);
  }

  List<Rollout> history() {
    return read(HISTORY, new TypeReference<List<Rollout>>() {}).orElse(List.of());
  }

  /** Adds an ended rollout to the history (again: replaces the entry of the same id). */
  void archive(Rollout ended) {
    List<Rollout> list = new ArrayList<>(history());
    list.removeIf(r -> r.id().equals(ended.id()));
    list.addFirst(ended);
    write(HISTORY, list.subList(0, Math.min(HISTORY_SIZE, list.size())));
  }

  Optional<NodeReport> report(String node) {
    return read(NODE + node, new TypeReference<NodeReport>() {});
  }

  void put(NodeReport report) {
    write(NODE + report.node(), report);
  }

  private <T> Optional<T> read(String key, TypeReference<T> type) {
    Optional<String> text = state.get().get(SharedKind.CONFIG, key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.mapper().readValue(text.get(), type));
    } catch (JsonProcessingException e) {
      throw new NxsException("shared value " + key + " is not a rollout record: " + e.getMessage());
    }
  }

  private void write(String key, Object value) {
    state.get().put(SharedKind.CONFIG, key, Json.write(value));
  }
}
