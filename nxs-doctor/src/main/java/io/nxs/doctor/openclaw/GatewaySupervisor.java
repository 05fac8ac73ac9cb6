package io.nxs.doctor.openclaw;

import io.nxs.core.ext.HealingAction;
import io.nxs.core.ext.PrimaryGuard;
import io.nxs.core.ext.ServiceControl;
import io.nxs.core.http.LazyHttpClient;
import io.nxs.core.openclaw.CliResult;
import io.nxs.core.openclaw.OpenClaw;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Level 2 for OpenClaw's gateway, {@code doctor.restart_openclaw} (SPEC DR9): starts {@code
 * openclaw gateway run --port P --bind loopback} in its own session (it outlives NXS, as a
 * restarted service should) and waits until its {@code /healthz} answers — over HTTP/1.1: the
 * gateway answers the JDK client's default {@code Upgrade: h2c} with 400.
 *
 * <p>It follows the gateway's contract (docs/openclaw.md): exit 78 is a configuration error, so the
 * first one is answered with {@code openclaw doctor --fix --yes --non-interactive} and one more
 * start; a second 78 fails the action, and the healing ladder escalates instead of restarting in a
 * loop. It refuses, and so escalates, when another authority restarts the gateway (systemd, an
 * external supervisor — see {@link RestartAuthority}), when that supervisor gave up, when the port
 * is held by something that is not a healthy gateway, when a {@link PrimaryGuard} refuses (this
 * instance may not run the agent now), and while the gateway is held stopped through its {@link
 * ServiceControl}.
 */
public final class GatewaySupervisor implements HealingAction {

  private static final Logger LOG = LoggerFactory.getLogger(GatewaySupervisor.class);

  /** Its name in rules and the healing log. */
  public static final String NAME = "doctor.restart_openclaw";

  /** The gateway's exit code for a configuration error. */
  public static final int CONFIG_ERROR = 78;

  private static final HttpClient HTTP = LazyHttpClient.http11(Duration.ofSeconds(3));

  private final OpenClaw openclaw;
  private final String service;
  private final Path log;
  private final RestartAuthority authority;
  private final Supplier<List<PrimaryGuard>> guards;
  private final Duration startTimeout;
  private final AtomicInteger launches = new AtomicInteger();
  private final List<Process> launched = new ArrayList<>();
  private final ServiceHold hold;

  /**
   * @param service the probed service this restarts, e.g. {@code openclaw-gateway}
   * @param log where the gateways it starts write their output (appended)
   * @param startTimeout how long to wait for {@code /healthz} after a start (it takes 40-150 s on a
   *     busy 2-core machine); past it the healing verify decides
   * @param hold whether the gateway is held stopped through {@link #control()} (persisted)
   */
  public GatewaySupervisor(
      OpenClaw openclaw,
      String service,
      Path log,
      RestartAuthority authority,
      Supplier<List<PrimaryGuard>> guards,
      Duration startTimeout,
      ServiceHold hold) {
    this.hold = hold;
    this.openclaw = openclaw;
    this.service = service;
    this.log = log;
    this.authority = authority;
    this.guards = guards;
    this.startTimeout = startTimeout;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int level() {
    return 2;
  }

  @Override
  public String description() {
    return "start OpenClaw's gateway (openclaw gateway run), once more after 'openclaw doctor"
        + " --fix' on a configuration error";
  }

  /** Whether it acts on a target: only the OpenClaw gateway's service. */
  public boolean appliesTo(String target) {
    return service.equals(target);
  }

  /** How many gateways it started, for tests and the healing log. */
  public int launches() {
    return launches.get();
  }

  /** Whether the gateway answers {@code /healthz} with 200 now. */
  public boolean healthy() {
    return status(openclaw.healthUrl()) == 200;
  }

  /** Why it is held stopped, or empty (a hold outlives a restart of the daemon). */
  public Optional<String> held() {
    return hold.reason();
  }

  @Override
  public synchronized Outcome execute(String target, boolean dryRun) {
    Optional<String> refusal = refusal();
    if (refusal.isPresent()) {
      return new Outcome(false, refusal.get());
    }
    if (healthy()) {
      return new Outcome(true, "OpenClaw's gateway is healthy already");
    }
    URI url = openclaw.gatewayUrl();
    int port = url.getPort() > 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
    if (portTaken(url.getHost(), port)) {
      return new Outcome(
          false,
          "port "
              + port
              + " is in use by something that is not a healthy OpenClaw gateway: find it with"
              + " 'ss -ltnp sport = :"
              + port
              + "'");
    }
    if (dryRun) {
      return new Outcome(true, "would start 'openclaw gateway run --port " + port + "'");
    }
    Start first = start(port);
    if (!(first instanceof Start.Exited e) || e.code() != CONFIG_ERROR) {
      return first.outcome();
    }
    CliResult fix =
        openclaw.cli().run(Duration.ofMinutes(5), "doctor", "--fix", "--yes", "--non-interactive");
    LOG.warn(
        "OpenClaw's gateway exited {} (configuration error); 'openclaw doctor --fix' exited {}",
        CONFIG_ERROR,
        fix.exitCode());
    Start second = start(port);
    if (second instanceof Start.Exited again && again.code() == CONFIG_ERROR) {
      return new Outcome(
          false,
          "OpenClaw's configuration is broken (exit 78) and 'openclaw doctor --fix' did not repair"
              + " it: fix "
              + openclaw.layout().home().resolve("openclaw.json")
              + " ("
              + again.lastLine()
              + ")");
    }
    return second.outcome();
  }

  /** Why it must not start the gateway now, or empty. */
  private Optional<String> refusal() {
    Optional<String> held = hold.reason();
    if (held.isPresent()) {
      return Optional.of("OpenClaw's gateway is held stopped: " + held.get());
    }
    Optional<String> other = RestartAuthority.refusal(authority.find());
    if (other.isPresent()) {
      return other;
    }
    for (PrimaryGuard g : guards.get()) {
      Optional<String> no = g.refusal();
      if (no.isPresent()) {
        return Optional.of("not starting OpenClaw's gateway: " + no.get());
      }
    }
    return Optional.empty();
  }

  /** What one start came to. */
  private sealed interface Start {
    Outcome outcome();

    record Healthy(long pid) implements Start {
      public Outcome outcome() {
        return new Outcome(true, "started OpenClaw's gateway (pid " + pid + "); /healthz 200");
      }
    }

    record Starting(long pid, Duration waited) implements Start {
      public Outcome outcome() {
        return new Outcome(
            true,
            "started OpenClaw's gateway (pid "
                + pid
                + "); not healthy after "
                + waited.toSeconds()
                + " s, verifying");
      }
    }

    record Exited(int code, String lastLine) implements Start {
      public Outcome outcome() {
        return new Outcome(false, "OpenClaw's gateway exited " + code + ": " + lastLine);
      }
    }

    record Failed(String why) implements Start {
      public Outcome outcome() {
        return new Outcome(false, why);
      }
    }
  }

  private Start start(int port) {
    List<String> argv = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      argv.add("/usr/bin/setsid"); // its own session: not stopped with NXS's process group
    }
    ProcessBuilder pb =
        openclaw
            .cli()
            .processBuilder(
                List.of("gateway", "run", "--port", Integer.toString(port), "--bind", "loopback"));
    argv.addAll(pb.command());
    pb.command(argv);
    long from;
    Process p;
    try {
      Files.createDirectories(log.getParent());
      from = Files.exists(log) ? Files.size(log) : 0;
      pb.redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      p = pb.start();
    } catch (IOException e) {
      return new Start.Failed("cannot start OpenClaw's gateway: " + e.getMessage());
    }
    launches.incrementAndGet();
    launched.add(p);
    LOG.info("started OpenClaw's gateway on port {} (pid {}), output in {}", port, p.pid(), log);
    long deadline = System.nanoTime() + startTimeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        // a real process starting: wait on it (its exit ends the wait at once), then probe
        if (p.waitFor(1, TimeUnit.SECONDS)) {
          return new Start.Exited(p.exitValue(), lastLine(from));
        }
        if (healthy()) {
          return new Start.Healthy(p.pid());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Start.Failed("interrupted while OpenClaw's gateway started");
    }
    return new Start.Starting(p.pid(), startTimeout);
  }

  private String lastLine(long from) {
    try {
      String out = Files.readString(log);
      String mine = out.substring((int) Math.min(from, out.length())).strip();
      int nl = mine.lastIndexOf('\n');
      return mine.isEmpty() ? "no output" : nl < 0 ? mine : mine.substring(nl + 1);
    } catch (IOException e) {
      return "its output is unreadable: " + e.getMessage();
    }
  }

  private static boolean portTaken(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      LOG.debug("port {} is free: {}", port, e.getMessage());
      return false;
    }
  }

  private static int status(URI uri) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      LOG.debug("{} does not answer: {}", uri, e.getMessage());
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Stops the gateways it started (SIGTERM; they drain and exit 0). */
  private synchronized String stopLaunched() {
    int stopped = 0;
    for (Process p : launched) {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        stopped++;
      }
    }
    launched.clear();
    return stopped == 0 ? "no gateway NXS started was running" : "stopped " + stopped + " gateway";
  }

  /** Start and stop of the gateway for other modules (session migration, cluster failover). */
  public ServiceControl control() {
    return new ServiceControl() {
      @Override
      public String name() {
        return "openclaw";
      }

      @Override
      public boolean running() {
        return healthy();
      }

      @Override
      public Outcome stop(String reason) {
        hold.hold(reason);
        return new Outcome(true, stopLaunched() + "; held stopped: " + reason);
      }

      @Override
      public Outcome start(String reason) {
        hold.release();
        Outcome o = execute(service, false);
        return new Outcome(o.success(), o.detail() + " (" + reason + ")");
      }
    };
  }
}
