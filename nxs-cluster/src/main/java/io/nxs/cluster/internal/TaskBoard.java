package io.nxs.cluster.internal;

import io.nxs.cluster.ClusterConfig;
import io.nxs.cluster.placement.Candidate;
import io.nxs.cluster.placement.Placement;
import io.nxs.cluster.placement.QueuedTask;
import io.nxs.cluster.placement.Rebalancer;
import io.nxs.cluster.placement.Score;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.cluster.TaskHandler;
import io.nxs.core.cluster.TaskQueue;
import io.nxs.core.cluster.TaskSpec;
import io.nxs.core.cluster.TaskStatus;
import io.nxs.core.cluster.TaskStatus.Phase;
import io.nxs.core.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's task queue (SPEC CL4): tasks shared in Distributed Data, placed by score, run once
 * by their owner, re-placed once when their owner is lost, rebalanced every 30 s.
 *
 * <p>Who writes a live task: the submitter (unplaced), the coordinator (placement, and re-placement
 * after the owner was removed from the cluster), the owner (claim, run, finish, hand over). One
 * writer at a time, so Distributed Data's merge never has to choose between two live versions;
 * after a split the more advanced record wins ({@link TaskRecord#stamp}). A claim and a finish go
 * to a majority before the task runs or counts as done: a minority side cannot start tasks.
 *
 * <p>Finished records are what deduplicates ids; the coordinator removes them once older than
 * {@code cluster.tasks.keep_finished}, so deduplication holds within that retention only.
 */
final class TaskBoard implements TaskQueue {

  private static final Logger LOG = LoggerFactory.getLogger(TaskBoard.class);
  private static final Duration MAJORITY = Duration.ofSeconds(3);
  private static final int CACHE_MEMORY = 100;

  private final ClusterNode node;
  private final Map<String, TaskHandler> handlers = new ConcurrentHashMap<>();
  private final ExecutorService runners = Executors.newVirtualThreadPerTaskExecutor();
  private volatile Map<String, TaskRecord> tasks = Map.of();
  private final Set<String> claiming = ConcurrentHashMap.newKeySet();
  private final Map<String, TaskRecord> unsaved = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastMigration = new HashMap<>();
  private Instant lastRebalance = Instant.MIN;
  private final Deque<Boolean> outcomes = new ArrayDeque<>();
  private final List<CompletableFuture<Void>> drainWaiters = new CopyOnWriteArrayList<>();
  private final AtomicBoolean pruning = new AtomicBoolean();

  TaskBoard(ClusterNode node) {
    this.node = node;
  }

  @Override
  public void handle(String type, TaskHandler handler) {
    if (handlers.putIfAbsent(type, handler) != null) {
      throw new NxsException("task type '" + type + "' already has a handler");
    }
  }

  @Override
  public TaskStatus submit(TaskSpec spec) {
    TaskRecord known = tasks.get(spec.id());
    if (known != null) {
      return known.status();
    }
    if (!node.onMajoritySide()) {
      throw new NxsException(
          "this node is on the minority side of a split and accepts no new work; submit to a node"
              + " of the majority");
    }
    Incarnation inc = node.incarnation();
    TaskRecord fresh = TaskRecord.submitted(spec, node.clock.instant());
    boolean written =
        Replicas.await(
            inc.replicas.update(
                Replicas.TASKS,
                new Replicator.WriteMajority(MAJORITY),
                map ->
                    map.get(spec.id()).isDefined()
                        ? map
                        : map.put(
                            inc.replicas.self(), spec.id(), fresh.json(), (c, v) -> fresh.stamp())),
            MAJORITY.plusSeconds(5));
    if (!written) {
      throw new NxsException(
          "task '"
              + spec.id()
              + "' was not stored on a majority of the cluster in "
              + MAJORITY.toSeconds()
              + " s; submit it again (the same id is not run twice)");
    }
    Map<String, String> local = inc.replicas.local(Replicas.TASKS);
    TaskRecord stored = TaskRecord.parse(local.getOrDefault(spec.id(), fresh.json())).orElse(fresh);
    remember(stored);
    return stored.status();
  }

  /** Makes a task this node just stored visible to {@link #status} before the next tick. */
  private synchronized void remember(TaskRecord stored) {
    if (!tasks.containsKey(stored.id())) {
      Map<String, TaskRecord> next = new HashMap<>(tasks);
      next.put(stored.id(), stored);
      tasks = Map.copyOf(next);
    }
  }

  /**
   * Completes once this node owns no unfinished task: what a graceful leave waits for. Checked on
   * every tick, so it completes at most one tick after the last task here finished or moved.
   */
  CompletableFuture<Void> whenDrained() {
    CompletableFuture<Void> drained = new CompletableFuture<>();
    drainWaiters.add(drained);
    return drained;
  }

  private void signalDrained() {
    if (!drainWaiters.isEmpty() && localDepth() == 0) {
      for (CompletableFuture<Void> waiter : drainWaiters) {
        waiter.complete(null);
        drainWaiters.remove(waiter);
      }
    }
  }

  /** The task types this node has handlers for. */
  java.util.Set<String> types() {
    return java.util.Set.copyOf(handlers.keySet());
  }

  @Override
  public Optional<TaskStatus> status(String id) {
    return Optional.ofNullable(tasks.get(id)).map(TaskRecord::status);
  }

  /** Every task known to this node, for status pages. */
  List<TaskStatus> all() {
    return tasks.values().stream().map(TaskRecord::status).toList();
  }

  @Override
  public int localDepth() {
    String me = node.config.nodeId();
    int n = 0;
    for (TaskRecord t : tasks.values()) {
      if (!t.phase().finished() && t.owner().equals(me)) {
        n++;
      }
    }
    return n;
  }

  /** Share of this node's tasks that succeeded, over the last 100; 1 when none ran. */
  synchronized double successRate() {
    if (outcomes.isEmpty()) {
      return 1;
    }
    return outcomes.stream().filter(Boolean::booleanValue).count() / (double) outcomes.size();
  }

  private synchronized void recordOutcome(boolean ok) {
    outcomes.addLast(ok);
    while (outcomes.size() > 100) {
      outcomes.removeFirst();
    }
  }

  void memberLost(String nodeId) {
    LOG.debug("member {} lost; its tasks are re-placed once it is removed", nodeId);
  }

  void tick(Incarnation inc) {
    Map<String, TaskRecord> parsed = new HashMap<>();
    for (Map.Entry<String, String> e : inc.replicas.local(Replicas.TASKS).entrySet()) {
      TaskRecord.parse(e.getValue()).ifPresent(r -> parsed.put(e.getKey(), r));
    }
    synchronized (this) {
      tasks = Map.copyOf(parsed);
    }
    signalDrained();
    retryUnsaved(inc);
    if (node.onMajoritySide() && !node.isLeaving()) {
      runMine(inc);
    }
    if (node.onMajoritySide()) {
      handOverRequested(inc);
    }
    if (node.coordinator()) {
      coordinate(inc);
      pruneFinished(inc);
      dropStaleMoves(inc);
    }
  }

  // ---------------------------------------------------------------- owner

  /**
   * Starts this node's queued tasks, oldest first, while fewer than {@code workers} run; the rest
   * wait here (the queue rebalancing looks at).
   */
  private void runMine(Incarnation inc) {
    String me = node.config.nodeId();
    List<TaskRecord> mine =
        tasks.values().stream()
            .filter(
                t ->
                    t.phase() == Phase.QUEUED
                        && t.placedOn(me, inc.uid)
                        && handlers.containsKey(t.type()))
            .sorted(
                java.util.Comparator.comparing((TaskRecord r) -> r.submitted())
                    .thenComparing(r -> r.id()))
            .toList();
    for (TaskRecord t : mine) {
      if (claiming.size() >= node.config.workers()) {
        return;
      }
      if (claiming.add(t.id())) {
        claim(inc, t);
      }
    }
  }

  private void claim(Incarnation inc, TaskRecord t) {
    TaskRecord running = t.running();
    inc.replicas
        .update(
            Replicas.TASKS,
            new Replicator.WriteMajority(MAJORITY),
            map -> {
              Optional<TaskRecord> now =
                  map.get(t.id()).isDefined()
                      ? TaskRecord.parse(map.get(t.id()).get())
                      : Optional.empty();
              if (now.isEmpty()
                  || now.get().version() != t.version()
                  || now.get().phase() != Phase.QUEUED) {
                return map; // someone moved it meanwhile: not ours to run
              }
              return map.put(
                  inc.replicas.self(), t.id(), running.json(), (c, v) -> running.stamp());
            })
        .thenAccept(
            ok -> {
              TaskRecord stored =
                  TaskRecord.parse(inc.replicas.local(Replicas.TASKS).getOrDefault(t.id(), ""))
                      .orElse(null);
              if (ok
                  && stored != null
                  && stored.version() == running.version()
                  && stored.phase() == Phase.RUNNING) {
                runners.execute(() -> run(inc, running));
              } else {
                // Not confirmed by a majority: do not run. A RUNNING mark that stayed local is
                // superseded when the coordinator re-places the task.
                claiming.remove(t.id());
              }
            });
  }

  private void run(Incarnation inc, TaskRecord t) {
    TaskHandler handler = handlers.get(t.type());
    TaskRecord end;
    try {
      String result = handler.run(t.spec());
      end = t.finished(Phase.DONE, result == null ? "" : result, node.clock.instant());
      recordOutcome(true);
    } catch (RuntimeException e) {
      LOG.warn("task {} ({}) failed: {}", t.id(), t.type(), e.getMessage());
      end = t.finished(Phase.FAILED, String.valueOf(e.getMessage()), node.clock.instant());
      recordOutcome(false);
    }
    node.record(
        "cluster.task_ran",
        end.phase() == Phase.DONE ? Severity.INFO : Severity.MEDIUM,
        t.id(),
        Map.of("type", t.type(), "attempt", t.attempt(), "outcome", end.phase().name()));
    unsaved.put(t.id(), end);
    save(inc, end);
  }

  private void save(Incarnation inc, TaskRecord end) {
    inc.replicas
        .put(
            Replicas.TASKS,
            Map.of(end.id(), new Replicas.Stamped(end.json(), end.stamp())),
            new Replicator.WriteMajority(MAJORITY))
        .thenAccept(
            ok -> {
              if (ok) {
                unsaved.remove(end.id(), end);
                claiming.remove(end.id());
              }
            });
  }

  /** A finish not yet on a majority is written again every tick until it is. */
  private void retryUnsaved(Incarnation inc) {
    for (TaskRecord end : unsaved.values()) {
      if (node.onMajoritySide()) {
        save(inc, end);
      }
    }
  }

  private void handOverRequested(Incarnation inc) {
    String me = node.config.nodeId();
    Map<String, String> moves = inc.replicas.local(Replicas.MOVES);
    List<TaskRecord> handOver = new ArrayList<>();
    for (TaskRecord t : tasks.values()) {
      if (t.phase() != Phase.QUEUED || !t.placedOn(me, inc.uid) || claiming.contains(t.id())) {
        continue;
      }
      String request = moves.get(t.id());
      MoveRequest m = request == null ? null : MoveRequest.parse(request).orElse(null);
      boolean requested = m != null && m.baseVersion() == t.version() && !m.to().equals(me);
      if (requested || node.isLeaving()) {
        handOver.add(t);
      }
    }
    for (TaskRecord t : handOver) {
      // A leaving node hands its tasks back for placement; a rebalancing move names its target.
      String request = moves.get(t.id());
      MoveRequest m = request == null ? null : MoveRequest.parse(request).orElse(null);
      TaskRecord next;
      if (m != null && m.baseVersion() == t.version() && node.uids().containsKey(m.to())) {
        next = t.placed(m.to(), node.uids().get(m.to()));
      } else {
        next = t.placed("", 0);
      }
      inc.replicas.put(
          Replicas.TASKS,
          Map.of(t.id(), new Replicas.Stamped(next.json(), next.stamp())),
          new Replicator.WriteMajority(MAJORITY));
      node.record(
          "cluster.task_moved",
          Severity.INFO,
          t.id(),
          Map.of("from", t.owner(), "to", next.owner().isEmpty() ? "(placement)" : next.owner()));
    }
  }

  // ---------------------------------------------------------------- coordinator

  private void coordinate(Incarnation inc) {
    Map<String, Long> uids = node.uids();
    Set<Long> live = new HashSet<>(uids.values());
    Map<String, TaskRecord> writes = new HashMap<>();
    // Re-place the tasks of owners the cluster removed: exactly once, one more attempt.
    for (TaskRecord t : tasks.values()) {
      if (!t.phase().finished() && !t.owner().isEmpty() && !live.contains(t.ownerUid())) {
        TaskRecord orphan = t.orphaned();
        writes.put(t.id(), orphan);
        node.record(
            "cluster.task_replaced",
            Severity.MEDIUM,
            t.id(),
            Map.of("lost_owner", t.owner(), "attempt", orphan.attempt()));
      }
    }
    // Place unplaced tasks by score.
    Map<String, Candidate> candidates = candidates(uids);
    List<TaskRecord> unplaced = new ArrayList<>();
    for (TaskRecord t : tasks.values()) {
      TaskRecord current = writes.getOrDefault(t.id(), t);
      if (!current.phase().finished() && current.owner().isEmpty()) {
        unplaced.add(current);
      }
    }
    unplaced.sort(
        java.util.Comparator.comparing((TaskRecord r) -> r.submitted()).thenComparing(r -> r.id()));
    Map<String, NodeReport> reports = node.reports();
    for (TaskRecord t : unplaced) {
      List<Candidate> able =
          candidates.values().stream()
              .filter(
                  c ->
                      reports.containsKey(c.nodeId())
                          && reports.get(c.nodeId()).taskTypes().contains(t.type()))
              .toList();
      Optional<String> target = Placement.choose(t.spec(), able);
      if (target.isPresent()) {
        String to = target.get();
        writes.put(t.id(), t.placed(to, uids.get(to)));
        candidates.put(to, withOneMore(candidates.get(to), t));
      }
    }
    if (!writes.isEmpty()) {
      Map<String, Replicas.Stamped> stamped = new HashMap<>();
      writes.forEach((id, r) -> stamped.put(id, new Replicas.Stamped(r.json(), r.stamp())));
      inc.replicas.put(Replicas.TASKS, stamped, new Replicator.WriteMajority(MAJORITY));
    }
    rebalance(inc);
  }

  /**
   * Removes finished tasks older than {@code cluster.tasks.keep_finished} from the shared map, so
   * the map (and each durable write of it) stays as large as the retention's worth of tasks rather
   * than every task ever run. The coordinator alone prunes, like it places; the removal is a
   * majority write, conditional on the entry still being that finished record. A pruned id is
   * forgotten: a submit of it afterwards is a new task (see {@link ClusterConfig.Tasks}).
   */
  private void pruneFinished(Incarnation inc) {
    List<String> expired =
        expired(tasks.values(), node.clock.instant(), node.config.tasks().keepFinished());
    if (expired.isEmpty() || !pruning.compareAndSet(false, true)) {
      return;
    }
    Set<String> removed = ConcurrentHashMap.newKeySet();
    inc.replicas
        .update(
            Replicas.TASKS,
            new Replicator.WriteMajority(MAJORITY),
            map -> {
              var next = map;
              for (String id : expired) {
                Optional<TaskRecord> now =
                    map.get(id).isDefined()
                        ? TaskRecord.parse(map.get(id).get())
                        : Optional.empty();
                if (now.isPresent() && now.get().phase().finished()) {
                  next = next.remove(inc.replicas.self(), id);
                  removed.add(id);
                }
              }
              return next;
            })
        .whenComplete(
            (ok, failure) -> {
              pruning.set(false);
              if (failure != null) {
                LOG.warn("pruning finished tasks: {}", failure.toString());
              }
              if (!removed.isEmpty()) {
                node.record(
                    "cluster.tasks_pruned",
                    Severity.INFO,
                    "tasks",
                    Map.of(
                        "count",
                        removed.size(),
                        "keep_finished",
                        Durations.format(node.config.tasks().keepFinished()),
                        "on_majority",
                        Boolean.TRUE.equals(ok)));
              }
            });
  }

  /**
   * Removes hand-over requests whose task finished or is gone (pruned): the owner acts only on
   * queued tasks, so they would otherwise stay in the map for good. A request removed too early
   * costs a rebalancing move, which the next comparison plans again.
   */
  private void dropStaleMoves(Incarnation inc) {
    Map<String, TaskRecord> known = tasks;
    List<String> stale =
        inc.replicas.local(Replicas.MOVES).keySet().stream()
            .filter(id -> !known.containsKey(id) || known.get(id).phase().finished())
            .toList();
    if (stale.isEmpty()) {
      return;
    }
    inc.replicas
        .update(
            Replicas.MOVES,
            new Replicator.WriteMajority(MAJORITY),
            map -> {
              var next = map;
              for (String id : stale) {
                next = next.remove(inc.replicas.self(), id);
              }
              return next;
            })
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                LOG.warn("dropping stale hand-over requests: {}", failure.toString());
              }
            });
  }

  /** The ids of the finished tasks that finished more than {@code keep} before {@code now}. */
  static List<String> expired(
      java.util.Collection<TaskRecord> records, Instant now, Duration keep) {
    Instant cutoff = now.minus(keep);
    return records.stream().filter(r -> r.finishedBefore(cutoff)).map(TaskRecord::id).toList();
  }

  private void rebalance(Incarnation inc) {
    Instant now = node.clock.instant();
    if (now.isBefore(lastRebalance.plus(node.config.rebalanceInterval()))) {
      return;
    }
    lastRebalance = now;
    Map<String, Integer> depths = new HashMap<>();
    node.takingWork().forEach(id -> depths.put(id, 0));
    List<QueuedTask> waiting = new ArrayList<>();
    Map<String, Long> uids = node.uids();
    for (TaskRecord t : tasks.values()) {
      if (t.phase().finished()
          || !depths.containsKey(t.owner())
          || !uids.containsKey(t.owner())
          || uids.get(t.owner()) != t.ownerUid()) {
        continue;
      }
      depths.merge(t.owner(), 1, Integer::sum);
      if (t.phase() == Phase.QUEUED) {
        waiting.add(new QueuedTask(t.id(), t.owner(), t.movable(), t.submitted()));
      }
    }
    Map<String, NodeReport> reports = node.reports();
    List<Rebalancer.Move> moves =
        Rebalancer.plan(
            depths,
            waiting,
            lastMigration,
            now,
            (task, to) ->
                reports.containsKey(to)
                    && reports.get(to).taskTypes().contains(tasks.get(task.id()).type()));
    Map<String, Replicas.Stamped> requests = new HashMap<>();
    for (Rebalancer.Move m : moves) {
      lastMigration.put(m.from(), now);
      MoveRequest request = new MoveRequest(m.to(), tasks.get(m.taskId()).version());
      requests.put(m.taskId(), new Replicas.Stamped(Json.write(request), now.toEpochMilli()));
    }
    if (!requests.isEmpty()) {
      inc.replicas.put(Replicas.MOVES, requests, new Replicator.WriteMajority(MAJORITY));
    }
  }

  private Map<String, Candidate> candidates(Map<String, Long> uids) {
    Map<String, Candidate> out = new HashMap<>();
    Map<String, NodeReport> reports = node.reports();
    for (String id : node.takingWork()) {
      NodeReport r = reports.get(id);
      if (r == null || !uids.containsKey(id)) {
        continue;
      }
      Map<String, Integer> byType = new HashMap<>();
      int ioCount = 0;
      Set<String> caches = new HashSet<>();
      List<TaskRecord> recentDone = new ArrayList<>();
      for (TaskRecord t : tasks.values()) {
        if (!t.owner().equals(id)) {
          continue;
        }
        if (!t.phase().finished()) {
          byType.merge(t.type(), 1, Integer::sum);
          ioCount += t.ioHeavy() ? 1 : 0;
        } else if (!t.cacheKey().isEmpty()) {
          recentDone.add(t);
        }
      }
      recentDone.stream()
          .sorted(java.util.Comparator.comparing((TaskRecord done) -> done.submitted()).reversed())
          .limit(CACHE_MEMORY)
          .forEach(t -> caches.add(t.cacheKey()));
      boolean degraded =
          node.members().stream()
              .anyMatch(
                  m ->
                      m.nodeId().equals(id) && m.state() == io.nxs.core.cluster.NodeState.DEGRADED);
      out.put(id, new Candidate(id, Score.of(r.inputs()), degraded, byType, ioCount, caches));
    }
    return out;
  }

  /** The candidate after one more task: its queue term drops as the task would. */
  private Candidate withOneMore(Candidate c, TaskRecord t) {
    Map<String, Integer> byType = new HashMap<>(c.queuedByType());
    byType.merge(t.type(), 1, Integer::sum);
    double perTask = Score.QUEUE / Math.max(1, node.config.maxQueue());
    return new Candidate(
        c.nodeId(),
        c.score() - perTask,
        c.degraded(),
        byType,
        c.ioHeavy() + (t.ioHeavy() ? 1 : 0),
        c.cacheKeys());
  }

  void close() {
    runners.shutdownNow();
  }

  /**
   * A rebalancing request to a task's owner.
   *
   * @param to the node to hand the task to
   * @param baseVersion the task's version the request was made for; stale otherwise
   */
  record MoveRequest(String to, long baseVersion) {
    static Optional<MoveRequest> parse(String json) {
      try {
        MoveRequest m = Json.mapper().readValue(json, MoveRequest.class);
        return m.to() == null ? Optional.empty() : Optional.of(m);
      } catch (java.io.IOException | RuntimeException e) {
        return Optional.empty();
      }
    }
  }
}
