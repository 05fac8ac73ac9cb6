package io.nxs.app;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's readiness and watchdog protocol (sd_notify) for {@code Type=notify} with {@code
 * WatchdogSec=}, spoken through {@code systemd-notify(1)} rather than a hand-written client: the
 * JDK has no Unix datagram sockets. systemd attributes each message to the daemon (systemd-notify
 * names its parent's PID); the unit sets {@code NotifyAccess=all} because the sender is a child.
 *
 * <p>The keepalive runs on the daemon's shared scheduler, so a wedged scheduler stops it and
 * systemd restarts the daemon. Without {@code NOTIFY_SOCKET} (not under systemd) nothing happens.
 */
final class SystemdNotifier implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);

  /** The watchdog period while the daemon restarts into a release: enough for a slow start. */
  static final Duration RESTART_WATCHDOG = Duration.ofMinutes(3);

  private final String socket;
  private final Duration watchdog;
  private ScheduledFuture<?> keepalive;

  private SystemdNotifier(String socket, Duration watchdog) {
    this.socket = socket;
    this.watchdog = watchdog;
  }

  /**
   * A notifier when {@code NOTIFY_SOCKET} is set; the watchdog period from {@code WATCHDOG_USEC}.
   */
  static Optional<SystemdNotifier> fromEnv(Map<String, String> env) {
    String socket = env.get("NOTIFY_SOCKET");
    if (socket == null || socket.isBlank()) {
      return Optional.empty();
    }
    Duration watchdog = null;
    String usec = env.get("WATCHDOG_USEC");
    if (usec != null && !usec.isBlank()) {
      try {
        watchdog = Duration.ofNanos(Long.parseLong(usec.strip()) * 1000);
      } catch (NumberFormatException e) {
        LOG.warn("WATCHDOG_USEC is not a number ('{}'); no watchdog keepalive", usec, e);
      }
    }
    return Optional.of(new SystemdNotifier(socket, watchdog));
  }

  /**
   * Tells systemd the daemon is serving (after a restart into a release too: the watchdog period is
   * the configured one again), and starts the keepalive at half the watchdog period.
   */
  void ready(int port, ScheduledExecutorService scheduler) {
    if (watchdog == null || watchdog.isZero()) {
      send("--ready", "--status=serving on port " + port);
    } else {
      send(
          "--ready",
          "--status=serving on port " + port,
          "WATCHDOG_USEC=" + watchdog.toNanos() / 1000);
    }
    if (watchdog != null && !watchdog.isZero()) {
      long every = Math.max(1, watchdog.toMillis() / 2);
      keepalive =
          scheduler.scheduleAtFixedRate(
              () -> send("WATCHDOG=1"), every, every, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Tells systemd the service restarts in place (the launcher's loop starts the next release, whose
   * READY=1 ends it): unlike STOPPING=1, the unit does not start stopping.
   */
  void reloading() {
    if (keepalive != null) {
      keepalive.cancel(false);
    }
    if (watchdog == null || watchdog.isZero()) {
      send("RELOADING=1");
    } else {
      // The next release feeds the watchdog only once it serves: give it the time to start (its
      // READY=1 sets the configured period again).
      Duration grace = watchdog.compareTo(RESTART_WATCHDOG) > 0 ? watchdog : RESTART_WATCHDOG;
      send("RELOADING=1", "WATCHDOG_USEC=" + grace.toNanos() / 1000);
    }
  }

  /** Tells systemd a stop is under way (so a slow drain is not taken for a hang). */
  void stopping() {
    if (keepalive != null) {
      keepalive.cancel(false);
    }
    send("STOPPING=1");
  }

  @Override
  public void close() {
    if (keepalive != null) {
      keepalive.cancel(false);
    }
  }

  private void send(String... message) {
    List<String> command = new ArrayList<>();
    command.add("systemd-notify");
    command.addAll(List.of(message));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("NOTIFY_SOCKET", socket);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        LOG.warn("systemd-notify {} failed: {}", String.join(" ", message), out);
      }
    } catch (IOException e) {
      LOG.warn("cannot run systemd-notify ({}); is systemd's package installed?", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
