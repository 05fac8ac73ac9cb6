package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.config.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code nxs stop}: stops the running daemon as SIGTERM does (readiness 503, no new connections,
 * in-flight requests finish within {@code server.shutdown_grace}, modules close, {@code nxs.stop}
 * recorded) and waits until its process has exited. Needs an admin key; the request is audited.
 */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the running daemon gracefully, as SIGTERM does, and wait until it has exited.",
      "Needs an admin key (keys/admin.key or NXS_API_KEY). Exit 3 when no daemon answers."
    })
final class StopCommand implements Callable<Integer> {

  /** Beyond the grace period, what closing the modules and the audit log may take. */
  private static final Duration CLOSING = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    GlobalOptions global = Commands.global(spec);
    DaemonClient daemon = DaemonClient.connect(global);
    JsonNode answer = daemon.post("/api/v1/daemon/stop", Map.of());
    long pid = answer.path("pid").asLong();
    Duration grace = Durations.parse(answer.path("shutdown_grace").asText("10s"));
    PrintWriter out = Commands.out(spec);
    if (!global.json()) {
      out.println(
          "stopping NXS (pid "
              + pid
              + "): in-flight requests get up to "
              + Durations.format(grace)
              + " to finish");
      out.flush();
    }
    boolean exited = !daemon.onThisMachine() || awaitExit(pid, grace.plus(CLOSING));
    if (global.json()) {
      Commands.printJson(spec, Map.of("pid", pid, "stopped", exited));
    } else {
      out.println(exited ? "stopped" : "NXS (pid " + pid + ") is still stopping");
    }
    return exited ? ExitCode.OK : ExitCode.PROBLEM;
  }

  /**
   * Waits for the daemon's process (on this machine) to end; a daemon elsewhere is left to its own
   * drain once it has said it is stopping.
   */
  private boolean awaitExit(long pid, Duration limit) {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty()) {
      return true;
    }
    CompletableFuture<ProcessHandle> exit = process.get().onExit();
    try {
      exit.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException expected) {
      // Still draining or closing after the limit: say so, do not wait forever.
      return !process.get().isAlive();
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for process " + pid + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
