package io.nxs.sync;

import io.nxs.core.openclaw.OpenClawLayout;
import io.nxs.testkit.openclaw.OpenClawHome;
import io.nxs.testkit.openclaw.OpenClawInstall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A workspace made by the real OpenClaw 2026.9.6 ({@code openclaw setup --baseline}: its bootstrap
 * files and its {@code git init} without commits), made once per test JVM and copied for each test;
 * tests grow it with memory files on top. Skips the test when OpenClaw is not installed (fails
 * under {@code CI=true}).
 */
final class RealOpenClawWorkspace {

  private static Path template;

  private RealOpenClawWorkspace() {}

  /** Copies OpenClaw's workspace (its {@code .git} included) to {@code target}. */
  static Path copyTo(Path target) {
    Path source = template();
    try {
      Files.walkFileTree(
          source,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              Files.createDirectories(target.resolve(source.relativize(dir).toString()));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.copy(
                  file,
                  target.resolve(source.relativize(file).toString()),
                  StandardCopyOption.COPY_ATTRIBUTES);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  static synchronized Path template() {
    OpenClawInstall install = OpenClawInstall.assumeInstalled();
    if (template != null) {
      return template;
    }
    try {
      Path dir = Files.createTempDirectory("nxs-sync-openclaw-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      OpenClawHome home =
          OpenClawHome.create(
              install,
              dir,
              OpenClawHome.Provider.of("http://127.0.0.1:9/v1", "nxs_unused_for_setup"));
      home.run("setup", "--baseline").requireSuccess();
      OpenClawLayout layout = home.layout();
      Path workspace = layout.workspace();
      if (!Files.isRegularFile(workspace.resolve("AGENTS.md"))
          || !Files.isDirectory(workspace.resolve(".git"))) {
        throw new IllegalStateException(
            "openclaw setup --baseline made no workspace with AGENTS.md and .git in " + workspace);
      }
      template = workspace;
      return template;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort at JVM exit: the directory is under the temporary directory.
    }
  }
}
