package io.nxs.app.cli;

import io.nxs.app.ConfigCheck;
import io.nxs.app.Daemon;
import io.nxs.core.NxsException;
import io.nxs.core.state.CorruptStateException;
import io.nxs.rollout.release.Restart;
import io.nxs.vault.StateRecovery;
import io.nxs.vault.VaultConfig;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code nxs serve}: runs the daemon until SIGTERM or SIGINT, then drains and exits 0; or, when the
 * rollout asks it to restart into a release it installed, drains, hands the restart to the
 * launcher's supervising loop and exits {@link Restart#EXIT_CODE}.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the NXS daemon in the foreground.",
      "First start creates the home: nxs.yaml, state.db, keys/admin.key (mode 0600).",
      "SIGTERM, Ctrl-C or 'nxs stop' stops it gracefully: in-flight requests finish, then it"
          + " exits 0."
    })
final class ServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** VA8: what to run when state.db is corrupt, naming the snapshot it would come from. */
  static String recoveryHint(GlobalOptions global) {
    VaultConfig config;
    try {
      config = ConfigCheck.check(global.home().config(), global.env).section(VaultConfig.SECTION);
    } catch (NxsException e) {
      // The hint still helps with the default targets; the reason is shown with --verbose.
      LoggerFactory.getLogger(ServeCommand.class)
          .debug("nxs.yaml is not usable for the recovery hint; using the default vault", e);
      config = VaultConfig.defaults();
    }
    return new StateRecovery(global.home().dir(), config, global.clock)
        .newestSnapshot()
        .map(
            id ->
                "to repair it, run 'nxs backup recover': it keeps the corrupt file and restores"
                    + " state.db from the newest good snapshot ("
                    + id
                    + " or older)")
        .orElse(
            "no backup snapshot exists to restore it from: NXS stays stopped; move state.db"
                + " aside to start with empty state");
  }

  /**
   * The options of a plain {@code nxs serve}: {@code serve} with at most {@code --home DIR} (or
   * {@code --home=DIR}) and {@code --verbose}, once each, in any order; empty for every other
   * command line (help, another option, another command, a repeated option), which picocli parses.
   */
  static Optional<GlobalOptions> plain(Map<String, String> env, Clock clock, String... args) {
    GlobalOptions global = new GlobalOptions();
    global.env = Map.copyOf(env);
    global.clock = clock;
    boolean serve = false;
    boolean home = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      if (a.equals("serve") && !serve) {
        serve = true;
      } else if (a.equals("--verbose") && !global.verbose) {
        global.verbose = true;
      } else if (a.equals("--home") && i + 1 < args.length) {
        value = args[++i];
      } else if (a.startsWith("--home=")) {
        value = a.substring("--home=".length());
      } else {
        return Optional.empty();
      }
      if (value != null) {
        if (home || value.isEmpty() || value.startsWith("-")) {
          return Optional.empty();
        }
        try {
          global.home = Path.of(value);
        } catch (InvalidPathException e) {
          return Optional.empty();
        }
        home = true;
      }
    }
    return serve ? Optional.of(global) : Optional.empty();
  }

  @Override
  public Integer call() {
    return serve(Commands.global(spec), Commands.out(spec));
  }

  /** Runs the daemon for {@code global}'s home until it is told to stop; the exit code. */
  static int serve(GlobalOptions global, PrintWriter out) {
    CountDownLatch stop = new CountDownLatch(1);
    // Handle the signals ourselves (not only a shutdown hook) so a SIGTERM ends with exit code 0
    // after a full drain, as service managers expect.
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    Daemon daemon;
    try {
      daemon = Daemon.start(global.home(), global.env, global.clock);
    } catch (CorruptStateException e) {
      throw new NxsException(e.getMessage() + "; " + recoveryHint(global), e);
    }
    // 'nxs stop' (POST /api/v1/daemon/stop) ends the wait the same way a SIGTERM does.
    daemon.stopRequested().thenRun(stop::countDown);
    AtomicReference<Restart> restart = new AtomicReference<>();
    daemon
        .restartRequested()
        .thenAccept(
            r -> {
              restart.set(r);
              stop.countDown();
            });
    Thread hook = new Thread(daemon::close, "nxs-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("NXS is running: " + daemon.url() + "  (home " + daemon.home().dir() + ")");
    out.println(
        "Admin API key: "
            + daemon.home().adminKey()
            + (daemon.firstStart() ? " (created now; keep it secret)" : ""));
    out.println(
        "Dashboard: open "
            + daemon.url()
            + " and log in with the key in "
            + daemon.home().adminKey()
            + " (cat it)");
    out.println("listening on port " + daemon.port());
    out.flush();
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    out.println("stopping: draining in-flight requests");
    out.flush();
    if (restart.get() != null) {
      daemon.closeForRestart();
    } else {
      daemon.close();
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    Restart next = restart.get();
    if (next != null) {
      next.handOver(global.env);
      out.println("stopped; restarting into " + next.launcher());
      return Restart.EXIT_CODE;
    }
    out.println("stopped");
    return ExitCode.OK;
  }
}
