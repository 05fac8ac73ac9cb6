package io.nxs.cluster.placement;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Dynamic rebalancing (SPEC CL4, seed 001 §1), run every 30 s: an instance whose queue is at least
 * 3× another's (and at least 3) hands its oldest movable task to the instance with the shortest
 * queue, at most one migration per minute per instance.
 */
public final class Rebalancer {

  static final int RATIO = 3;
  public static final Duration MIGRATION_SPACING = Duration.ofMinutes(1);

  private Rebalancer() {}

  /**
   * One migration decided by {@link #plan}.
   *
   * @param taskId the task to move
   * @param from the instance it leaves
   * @param to the instance it goes to
   */
  public record Move(String taskId, String from, String to) {}

  /**
   * The migrations due now.
   *
   * @param depths queue depth (waiting + running) of every instance that takes work
   * @param waiting the tasks waiting (not started) on those instances
   * @param lastMigration when each instance last handed a task over
   * @param now the time
   */
  public static List<Move> plan(
      Map<String, Integer> depths,
      Collection<QueuedTask> waiting,
      Map<String, Instant> lastMigration,
      Instant now) {
    return plan(depths, waiting, lastMigration, now, (task, instance) -> true);
  }

  /**
   * The migrations due now, to instances that can run the task moved.
   *
   * @param canRun whether an instance can run a task (has a handler for its type)
   * @see #plan(Map, Collection, Map, Instant)
   */
  public static List<Move> plan(
      Map<String, Integer> depths,
      Collection<QueuedTask> waiting,
      Map<String, Instant> lastMigration,
      Instant now,
      BiPredicate<QueuedTask, String> canRun) {
    Map<String, Integer> depth = new TreeMap<>(depths);
    Map<String, List<QueuedTask>> movable = new HashMap<>();
    for (QueuedTask t : waiting) {
      if (t.movable() && depth.containsKey(t.owner())) {
        movable.computeIfAbsent(t.owner(), k -> new ArrayList<>()).add(t);
      }
    }
    movable
        .values()
        .forEach(
            l -> l.sort(Comparator.comparing(QueuedTask::submitted).thenComparing(QueuedTask::id)));
    List<String> sources = new ArrayList<>(depth.keySet());
    sources.sort(
        Comparator.<String>comparingInt(depth::get)
            .reversed()
            .thenComparing(Comparator.naturalOrder()));
    List<Move> moves = new ArrayList<>();
    for (String from : sources) {
      Instant last = lastMigration.get(from);
      if (last != null && now.isBefore(last.plus(MIGRATION_SPACING))) {
        continue;
      }
      // The oldest waiting task that some instance with a 3x shorter queue can run.
      for (QueuedTask oldest : movable.getOrDefault(from, List.of())) {
        Optional<String> to = shortest(depth, from, i -> canRun.test(oldest, i));
        if (to.isPresent() && depth.get(from) >= RATIO * Math.max(1, depth.get(to.get()))) {
          movable.get(from).remove(oldest);
          moves.add(new Move(oldest.id(), from, to.get()));
          depth.merge(from, -1, Integer::sum);
          depth.merge(to.get(), 1, Integer::sum);
          break;
        }
      }
    }
    return moves;
  }

  private static Optional<String> shortest(
      Map<String, Integer> depth, String except, Predicate<String> able) {
    return depth.entrySet().stream()
        .filter(e -> !e.getKey().equals(except) && able.test(e.getKey()))
        .min(
            Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey);
  }
}
