package io.nxs.testkit.openclaw;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The real OpenClaw that {@code scripts/test-tools} installs: Node 24 at {@code
 * $NXS_TOOLS/bin/node} and the npm package {@code openclaw@2026.9.6} under {@code
 * $NXS_TOOLS/openclaw-2026.9.6}. {@code $NXS_TOOLS} defaults to {@code
 * ${XDG_CACHE_HOME:-~/.cache}/nxs/tools}, as in the script.
 *
 * <p>The CLI runs as {@code node openclaw.mjs} directly (not through the {@code bin/openclaw} shell
 * wrapper), so a process id is the Node process's own and SIGKILL reaches the gateway itself.
 *
 * @param tools the tools directory
 * @param node the Node 24 binary
 * @param entry OpenClaw's {@code openclaw.mjs}
 */
public record OpenClawInstall(Path tools, Path node, Path entry) {

  /** The OpenClaw version the tests pin. */
  public static final String VERSION = "2026.9.6";

  /** The install under the default tools directory, when complete. */
  public static Optional<OpenClawInstall> find() {
    return find(System.getenv());
  }

  /** The install under the tools directory {@code env} names, when complete. */
  public static Optional<OpenClawInstall> find(Map<String, String> env) {
    Path tools = toolsDir(env);
    Path node = tools.resolve("bin/node");
    Path entry = tools.resolve("openclaw-" + VERSION).resolve("node_modules/openclaw/openclaw.mjs");
    if (Files.isExecutable(node) && Files.isRegularFile(entry)) {
      return Optional.of(new OpenClawInstall(tools, node, entry));
    }
    return Optional.empty();
  }

  /**
   * The install, or the test is skipped saying how to get it; under {@code CI=true} a missing
   * install fails the test instead (CI installs it).
   */
  public static OpenClawInstall assumeInstalled() {
    Optional<OpenClawInstall> install = find();
    if (install.isPresent()) {
      return install.get();
    }
    String message =
        "the real OpenClaw "
            + VERSION
            + " on Node 24 is not installed under "
            + toolsDir(System.getenv())
            + ": run scripts/test-tools (or ./test)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true and " + message);
    }
    return Assumptions.abort(message);
  }

  /** The argv words that start the CLI: {@code [node, openclaw.mjs]}. */
  public List<String> command() {
    return List.of(node.toString(), entry.toString());
  }

  static Path toolsDir(Map<String, String> env) {
    String explicit = env.get("NXS_TOOLS");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String cache = env.get("XDG_CACHE_HOME");
    Path base =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("nxs").resolve("tools");
  }
}
