package io.nxs.app.cli;

import io.nxs.rollout.bootstrap.Bootstrap;
import io.nxs.rollout.bootstrap.BootstrapState;
import io.nxs.rollout.bootstrap.BootstrapState.Place;
import io.nxs.rollout.release.Ed25519Keys;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nxs bootstrap ARCHIVE}: installs a signed release on this machine and starts it (SPEC
 * RO3), resumable after a crash; see {@link Bootstrap} for the states and the failure matrix.
 */
@Command(
    name = "bootstrap",
    mixinStandardHelpOptions = true,
    description = {
      "Install a signed release and start it, in one command: verify (fetching again from the",
      "next --mirror when a copy is damaged), detect an upgrade or a fresh machine, install",
      "beside the current version, configure, validate on the home's state, run. Every step is",
      "checkpointed in INSTALL_DIR/.bootstrap/state.json: run the same command again after a",
      "crash and it resumes. Exit 0 when NXS runs; 1 when it halted, stopped with a",
      "compatibility report, rolled back, or entered safe mode (each says why)."
    })
final class BootstrapCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "ARCHIVE",
      description =
          "nxs-VERSION.tar.gz: a path, a file: URL or an http(s): URL (ARCHIVE.sig beside)")
  String archive;

  @Option(
      names = "--mirror",
      paramLabel = "URL",
      description = "another place holding the same file name (a directory, file: or http(s):)")
  List<String> mirrors = new ArrayList<>();

  @Option(
      names = "--install-dir",
      paramLabel = "DIR",
      description = "install root holding nxs-VERSION/ and 'current' (default: ${DEFAULT-VALUE})")
  Path installDir = Path.of("/opt/nxs");

  @Option(
      names = "--pubkey",
      paramLabel = "PEM",
      description =
          "the release signer's Ed25519 public key (default: the home's release.public_key)")
  Path pubkey;

  @Option(
      names = "--systemd",
      description = "systemd runs NXS: after validation, 'systemctl restart nxs.service'")
  boolean systemd;

  @Option(
      names = "--ready-timeout",
      paramLabel = "SECONDS",
      description =
          "how long the new version may take to answer /readyz (default: ${DEFAULT-VALUE})")
  int readyTimeout = 60;

  @Override
  public Integer call() {
    GlobalOptions global = Commands.global(spec);
    PrintWriter out = Commands.out(spec);
    Path userHome = Path.of(System.getProperty("user.home"));
    Bootstrap.Request request =
        new Bootstrap.Request(
            Bootstrap.Request.sources(archive, mirrors),
            new Place(global.home().dir(), installDir, Optional.empty()),
            new Place(
                userHome.resolve(".nxs"), userHome.resolve(".local/share/nxs"), Optional.empty()),
            trustedKey(global),
            Duration.ofSeconds(readyTimeout),
            systemd);
    Bootstrap.Listener listener =
        new Bootstrap.Listener() {
          @Override
          public void stepDone(BootstrapState from, BootstrapState to) {
            if (!global.json()) {
              out.println(from.name() + " -> " + to.name());
              out.flush();
            }
          }

          @Override
          public void note(String line) {
            if (!global.json()) {
              out.println("  " + line);
              out.flush();
            }
          }
        };
    BootstrapState end = new Bootstrap(request, listener, Commands.clock(spec)).run();
    if (global.json()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("state", end.name());
      json.put("summary", summary(end));
      Commands.printJson(spec, json);
    } else {
      out.println(summary(end));
    }
    return end instanceof BootstrapState.Running ? ExitCode.OK : ExitCode.PROBLEM;
  }

  private PublicKey trustedKey(GlobalOptions global) {
    if (pubkey != null) {
      return Ed25519Keys.readPublic(pubkey);
    }
    if (!Files.exists(global.home().config())) {
      throw new UsageException(
          "no release key to trust: pass --pubkey PEM (the release signer's public key)");
    }
    return ReleaseCommand.pinnedKey(global);
  }

  private static String summary(BootstrapState end) {
    return switch (end) {
      case BootstrapState.Running r ->
          "NXS "
              + r.version()
              + " runs"
              + (r.pid() > 0 ? " (pid " + r.pid() + ")" : " under systemd")
              + " on port "
              + r.port()
              + ", home "
              + r.place().home()
              + ", installed in "
              + r.place().root().resolve("current");
      case BootstrapState.Halted h -> "HALTED, nothing installed: " + h.reason();
      case BootstrapState.Incompatible i ->
          "STOPPED: NXS "
              + i.version()
              + " is not compatible with the home's configuration; report: "
              + i.report();
      case BootstrapState.RolledBack r ->
          "ROLLED BACK to NXS " + r.restored() + " and its state: " + r.reason();
      case BootstrapState.SafeMode s ->
          "SAFE MODE: " + s.reason() + "; diagnostic dump: " + s.dump();
      default -> end.name();
    };
  }
}
