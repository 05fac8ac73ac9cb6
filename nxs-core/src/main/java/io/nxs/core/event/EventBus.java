package io.nxs.core.event;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process event bus: publishers hand typed events to typed subscribers, synchronously on the
 * publisher's thread.
 *
 * <p>Synchronous delivery keeps ordering simple (a subscriber sees one publisher's events in the
 * order they happened) and lets a durable subscriber, such as the audit log, finish before the
 * publisher moves on. A subscriber that throws is logged and does not stop the others; subscribers
 * that do slow work hand it to their own executor.
 */
public final class EventBus {

  private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

  private final Map<Class<?>, List<Consumer<Object>>> subscribers = new ConcurrentHashMap<>();

  /**
   * Subscribes to every event of a type, subtypes included.
   *
   * @return a handle that removes the subscription when closed
   */
  public <E extends NxsEvent> AutoCloseable subscribe(
      Class<E> type, Consumer<? super E> subscriber) {
    Consumer<Object> adapter = event -> subscriber.accept(type.cast(event));
    subscribers.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(adapter);
    return () -> subscribers.get(type).remove(adapter);
  }

  /** Delivers an event to every subscriber of its type or any of its supertypes. */
  public void publish(NxsEvent event) {
    for (Map.Entry<Class<?>, List<Consumer<Object>>> e : subscribers.entrySet()) {
      if (e.getKey().isInstance(event)) {
        for (Consumer<Object> subscriber : e.getValue()) {
          try {
            subscriber.accept(event);
          } catch (RuntimeException ex) {
            LOG.error("event subscriber failed on {}", event.getClass().getSimpleName(), ex);
          }
        }
      }
    }
  }
}
