package io.nxs.app.cli;

import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.rollout.release.ReleaseException;
import io.nxs.rollout.release.ReleaseInstaller;
import io.nxs.rollout.release.ReleaseVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nxs upgrade ARCHIVE}: verifies a release archive under the pinned key and installs it
 * beside the running version (SPEC RO2); see {@link ReleaseInstaller} for the layout and order.
 * Both outcomes are audited in the home's log when there is one ({@code release.upgraded}, {@code
 * release.refused}).
 */
@Command(
    name = "upgrade",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a release archive (ARCHIVE.sig under release.public_key, every file's SHA-256,",
      "a newer version) and install it beside the current one, then point 'current' at it.",
      "Nothing is changed when any check fails. Restart NXS to run the new version; run by",
      "systemd (INVOCATION_ID set), it restarts nxs.service itself.",
      "The previous version stays installed for a rollback."
    })
final class UpgradeCommand implements Callable<Integer> {

  /** Set by bin/nxs of an installed release: its own directory, e.g. /opt/nxs/nxs-0.1.0. */
  static final String INSTALL_DIR_PROPERTY = "nxs.install.dir";

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ARCHIVE", description = "the release archive, nxs-VERSION.tar.gz")
  Path archive;

  @Option(
      names = "--install-dir",
      paramLabel = "DIR",
      description = "install root holding nxs-VERSION/ and 'current' (default: the running one's)")
  Path installDir;

  @Override
  public Integer call() {
    GlobalOptions global = Commands.global(spec);
    Optional<Path> running =
        Optional.ofNullable(System.getProperty(INSTALL_DIR_PROPERTY)).map(Path::of);
    Path root =
        installDir != null
            ? installDir
            : running
                .map(p -> p.toAbsolutePath().getParent())
                .orElseThrow(
                    () ->
                        new UsageException(
                            "this nxs does not run from an installed release: pass --install-dir"
                                + " DIR"));
    PublicKey key = ReleaseCommand.pinnedKey(global);
    ReleaseInstaller.Installed installed;
    try {
      installed = new ReleaseInstaller(root).install(archive, key, running.map(this::version));
    } catch (ReleaseException e) {
      audit(global, "release.refused", Severity.MEDIUM, e.getMessage());
      throw e;
    }
    audit(
        global,
        "release.upgraded",
        Severity.INFO,
        installed.previous().map(Object::toString).orElse("none") + " -> " + installed.version());
    if (global.json()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("version", installed.version().toString());
      json.put("directory", installed.directory().toString());
      json.put("previous", installed.previous().map(Object::toString).orElse(null));
      Commands.printJson(spec, json);
    } else {
      Commands.out(spec)
          .println(
              "installed NXS "
                  + installed.version()
                  + " in "
                  + installed.directory()
                  + " ("
                  + root.resolve(ReleaseInstaller.CURRENT)
                  + " points at it; previous: "
                  + installed.previous().map(Object::toString).orElse("none")
                  + "). "
                  + restart(global));
    }
    return ExitCode.OK;
  }

  /**
   * How the new version comes to run. Run by systemd (a unit or timer: {@code INVOCATION_ID} is
   * set), it asks systemd to restart {@code nxs.service} without waiting, so an upgrade run from
   * the service itself is not killed half-way; otherwise it says what to do.
   */
  private static String restart(GlobalOptions global) {
    if (!global.env.containsKey("INVOCATION_ID")) {
      return "Restart NXS to run it: 'systemctl restart nxs' where systemd runs it (its ExecStart"
          + " is current/bin/nxs), or 'nxs stop' and 'current/bin/nxs serve' again.";
    }
    try {
      Process p =
          new ProcessBuilder("systemctl", "--no-block", "restart", "nxs.service")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0
          ? "Run under systemd: restarting nxs.service to run it."
          : "Run under systemd, but 'systemctl restart nxs.service' failed: " + out;
    } catch (IOException e) {
      return "Run under systemd, but systemctl could not run (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while asking systemd to restart nxs.service";
    }
  }

  private ReleaseVersion version(Path installDir) {
    try {
      return ReleaseVersion.parse(
          Files.readString(installDir.resolve("VERSION"), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UsageException(
          installDir + " is not an installed release (no VERSION): pass --install-dir DIR");
    }
  }

  /** Records the outcome in the home's audit log, when the home exists. */
  private static void audit(GlobalOptions global, String type, Severity severity, String detail) {
    if (!global.home().exists()) {
      return;
    }
    try (OfflineHome home = OfflineHome.open(global, global.clock)) {
      home.audit.append(new AuditEvent(type, severity, "cli", "release", Map.of("detail", detail)));
    }
  }
}
