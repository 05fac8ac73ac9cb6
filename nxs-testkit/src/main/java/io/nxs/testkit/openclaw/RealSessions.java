package io.nxs.testkit.openclaw;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nxs.testkit.upstream.FakeUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Real OpenClaw sessions for session tests, made once per build: three real {@code agent --local}
 * turns (80-150 s each on the shared machine) against a FakeUpstream — {@code agent:main:alpha},
 * {@code agent:main:beta} and {@code agent:archive:old} of a second agent. Each test gets its own
 * copy (no OpenClaw process has the template open) and grows it in bulk with {@link
 * TranscriptGrower}.
 */
public final class RealSessions {

  public static final Provider PROVIDER =
      new Provider("fake", "http://127.0.0.1:9/v1", "sk-fake-0123456789", "m1");

  /**
   * Where the template lives, one per OpenClaw version: {@code -Dnxs.openclaw.sessions} (the build
   * sets it to the root's {@code target/openclaw-sessions}, so every module's tests share one),
   * else the module's own {@code target/openclaw-sessions}.
   */
  private static final Path TEMPLATE =
      Path.of(System.getProperty("nxs.openclaw.sessions", "target/openclaw-sessions"))
          .resolve(OpenClawInstall.VERSION)
          .toAbsolutePath()
          .normalize();

  private RealSessions() {}

  /** The provider the template's config names (only its turns reached it). */
  public record Provider(String name, String baseUrl, String apiKey, String model) {
    public OpenClawHome.Provider of(String url) {
      return new OpenClawHome.Provider(name, url, apiKey, model);
    }
  }

  /** The config: one provider, and agents {@code main} (default) and {@code archive}. */
  public static ObjectNode config(OpenClawHome.Provider provider) {
    ObjectNode config = OpenClawHome.config(provider);
    ObjectNode entries = ((ObjectNode) config.get("agents")).putObject("entries");
    entries.putObject("main").put("default", true);
    entries.putObject("archive");
    return config;
  }

  /** A copy of the template's OpenClaw home under {@code dir} (HOME = dir). */
  public static OpenClawHome copy(OpenClawInstall install, Path dir) {
    Path template = template(install);
    copyTree(template.resolve(".openclaw"), dir.resolve(".openclaw"));
    OpenClawHome home = OpenClawHome.create(install, dir, PROVIDER.of(PROVIDER.baseUrl()));
    home.writeConfig(config(PROVIDER.of(PROVIDER.baseUrl())));
    return home;
  }

  /** A home with only a config: OpenClaw has not run there yet (a fresh target). */
  public static OpenClawHome fresh(OpenClawInstall install, Path dir) {
    OpenClawHome home = OpenClawHome.create(install, dir, PROVIDER.of(PROVIDER.baseUrl()));
    home.writeConfig(config(PROVIDER.of(PROVIDER.baseUrl())));
    return home;
  }

  private static synchronized Path template(OpenClawInstall install) {
    Path done = TEMPLATE.resolve("done");
    if (Files.exists(done)) {
      return TEMPLATE.resolve("home");
    }
    // Test JVMs of several modules may ask at once: one makes it, the others wait for it.
    try {
      Files.createDirectories(TEMPLATE.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (java.nio.channels.FileChannel lockFile =
            java.nio.channels.FileChannel.open(
                TEMPLATE.resolveSibling(TEMPLATE.getFileName() + ".lock"),
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock = lockFile.lock()) {
      return make(install, done);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path make(OpenClawInstall install, Path done) {
    if (Files.exists(done)) {
      return TEMPLATE.resolve("home");
    }
    try {
      if (Files.exists(TEMPLATE)) {
        io.nxs.core.state.SecureFiles.deleteTree(TEMPLATE);
      }
      try (FakeUpstream upstream = FakeUpstream.start("session-template")) {
        OpenClawHome home =
            OpenClawHome.create(install, TEMPLATE.resolve("home"), PROVIDER.of(upstream.baseUrl()));
        home.writeConfig(config(PROVIDER.of(upstream.baseUrl())));
        home.agentTurn("alpha", "first question for alpha");
        home.agentTurn("beta", "first question for beta");
        home.run(
                "agent",
                "--local",
                "--agent",
                "archive",
                "--session-key",
                "agent:archive:old",
                "--message",
                "an old question",
                "--json")
            .requireSuccess();
      }
      Files.writeString(done, "made by RealSessions\n");
      return TEMPLATE.resolve("home");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void copyTree(Path from, Path to) {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path rel = from.relativize(p);
        String name = rel.toString();
        // Sidecars of closed databases and OpenClaw's scratch files are not part of the state.
        if (name.endsWith("-shm")
            || name.contains(".memory-reindex-")
            || name.contains("reindex-lock")) {
          continue;
        }
        Path dest = to.resolve(rel);
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else if (Files.isRegularFile(p)) {
          Files.copy(
              p, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
