package io.nxs.session;

import io.nxs.testkit.openclaw.OpenClawHome;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.openclaw.RealSessions;
import io.nxs.testkit.openclaw.TranscriptGrower;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark (not a test) of the OpenClaw commands the target runs in the fenced window of a
 * migration, as the CPU time of the Node process ({@code /usr/bin/time}: user + system, which the
 * machine's load hardly moves) and wall time: on a real store grown by N message pairs and snapshot
 * by OpenClaw, R rounds of {@code backup sqlite verify} (the pass the import no longer runs) and
 * {@code backup sqlite restore} into a fresh file (which verifies on its own), interleaved.
 *
 * <pre>
 *   java -cp … io.nxs.session.ImportPassBench 50000 3
 * </pre>
 */
public final class ImportPassBench {

  private ImportPassBench() {}

  public static void main(String[] a) throws Exception {
    int pairs = Integer.parseInt(a[0]);
    int rounds = Integer.parseInt(a[1]);
    Path dir = Files.createTempDirectory("nxs-import-pass-");
    OpenClawInstall install = OpenClawInstall.find().orElseThrow();
    OpenClawHome claw = RealSessions.copy(install, dir.resolve("claw"));
    new TranscriptGrower(claw.layout().agentDatabase("main")).grow("agent:main:alpha", pairs);
    String created =
        run(
            claw,
            install,
            "backup",
            "sqlite",
            "create",
            "--agent",
            "main",
            "--repository",
            dir + "/repo",
            "--json");
    String snapshot = created.replaceAll("(?s).*\"snapshotPath\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    System.out.printf(
        "snapshot %s: %d bytes%n", snapshot, Files.size(Path.of(snapshot, "database.sqlite")));
    for (int i = 0; i < rounds; i++) {
      System.out.println(
          "verify  " + timed(claw, install, "backup", "sqlite", "verify", snapshot, "--json"));
      Path target = dir.resolve("restored-" + i + ".sqlite");
      System.out.println(
          "restore "
              + timed(
                  claw,
                  install,
                  "backup",
                  "sqlite",
                  "restore",
                  snapshot,
                  "--target",
                  target.toString(),
                  "--json"));
      Files.delete(target);
    }
    io.nxs.core.state.SecureFiles.deleteTree(dir);
  }

  /** The command's "CPU user sys WALL wall" line from {@code /usr/bin/time}. */
  private static String timed(OpenClawHome claw, OpenClawInstall install, String... args)
      throws Exception {
    List<String> argv = new ArrayList<>(List.of("/usr/bin/time", "-f", "CPU %U %S WALL %e"));
    argv.addAll(install.command());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(claw.cli().environment());
    Process p = pb.start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", args) + " failed: " + err);
    }
    return err.lines().filter(l -> l.startsWith("CPU ")).reduce((x, y) -> y).orElse(err);
  }

  private static String run(OpenClawHome claw, OpenClawInstall install, String... args)
      throws Exception {
    List<String> argv = new ArrayList<>(install.command());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(claw.cli().environment());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", args) + " failed: " + out);
    }
    return out;
  }
}
