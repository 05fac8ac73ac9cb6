package io.nxs.core.cluster;

import io.nxs.core.NxsException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task queue of an instance that runs alone: each task runs once on a virtual thread as soon as
 * a handler for its type is registered. Kept in memory: a task submitted to a single node does not
 * survive a restart of the process.
 */
public final class LocalTaskQueue implements TaskQueue {

  private static final Logger LOG = LoggerFactory.getLogger(LocalTaskQueue.class);

  private final String nodeId;
  private final Map<String, TaskHandler> handlers = new ConcurrentHashMap<>();
  private final Map<String, TaskStatus> tasks = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentLinkedQueue<TaskSpec>> waiting = new ConcurrentHashMap<>();
  private final AtomicInteger depth = new AtomicInteger();

  public LocalTaskQueue(String nodeId) {
    this.nodeId = nodeId;
  }

  @Override
  public void handle(String type, TaskHandler handler) {
    if (handlers.putIfAbsent(type, handler) != null) {
      throw new NxsException("task type '" + type + "' already has a handler");
    }
    ConcurrentLinkedQueue<TaskSpec> queued = waiting.remove(type);
    if (queued != null) {
      queued.forEach(t -> start(t, handler));
    }
  }

  @Override
  public TaskStatus submit(TaskSpec task) {
    TaskStatus fresh = new TaskStatus(task.id(), TaskStatus.Phase.QUEUED, nodeId, 1, "");
    TaskStatus known = tasks.putIfAbsent(task.id(), fresh);
    if (known != null) {
      return known;
    }
    depth.incrementAndGet();
    TaskHandler handler = handlers.get(task.type());
    if (handler == null) {
      waiting.computeIfAbsent(task.type(), t -> new ConcurrentLinkedQueue<>()).add(task);
      // A handler registered between the lookup and the add would miss the task: look again.
      TaskHandler late = handlers.get(task.type());
      ConcurrentLinkedQueue<TaskSpec> queued = late == null ? null : waiting.remove(task.type());
      if (queued != null) {
        queued.forEach(t -> start(t, late));
      }
    } else {
      start(task, handler);
    }
    return fresh;
  }

  private void start(TaskSpec task, TaskHandler handler) {
    tasks.put(task.id(), new TaskStatus(task.id(), TaskStatus.Phase.RUNNING, nodeId, 1, ""));
    Thread.ofVirtual()
        .name("task-" + task.id())
        .start(
            () -> {
              TaskStatus end;
              try {
                String result = handler.run(task);
                end = new TaskStatus(task.id(), TaskStatus.Phase.DONE, nodeId, 1, result);
              } catch (RuntimeException e) {
                LOG.warn("task {} ({}) failed: {}", task.id(), task.type(), e.getMessage());
                end =
                    new TaskStatus(
                        task.id(), TaskStatus.Phase.FAILED, nodeId, 1, String.valueOf(e));
              }
              tasks.put(task.id(), end);
              depth.decrementAndGet();
            });
  }

  @Override
  public Optional<TaskStatus> status(String id) {
    return Optional.ofNullable(tasks.get(id));
  }

  @Override
  public int localDepth() {
    return depth.get();
  }
}
