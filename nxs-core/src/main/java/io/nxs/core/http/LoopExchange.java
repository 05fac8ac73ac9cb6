package io.nxs.core.http;

import java.util.concurrent.ScheduledExecutorService;

/**
 * A direct request as a {@link DirectRoutes.LoopHandler} sees it: called on the event loop that
 * owns the connection, it may answer at once, answer later from that loop ({@link #respond} when
 * its own non-blocking work is done), or hand the request on to a virtual thread ({@link #resume})
 * where a blocking handler answers it as it would any other. Nothing called on the loop may block:
 * no SQLite, no lock held across I/O, no waiting on another thread.
 */
public interface LoopExchange extends DirectExchange {

  /**
   * The event loop the connection is served on: a task or timer scheduled here runs on the thread
   * that reads and writes the connection. On the Netty front it is the connection's Netty {@code
   * EventLoop}, so a module that uses Netty's client classes may open its own channels on it.
   */
  ScheduledExecutorService loop();

  /**
   * Goes on on a virtual thread: {@code handler} answers the request there, with what this exchange
   * holds already (headers set, the body). Called once, from the loop, instead of answering; the
   * request's timer runs from its arrival either way.
   */
  void resume(DirectRoutes.Handler handler);
}
