package io.nxs.vault.internal;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What the vault takes from OpenClaw (SPEC VA1): its whole state directory — {@code openclaw.json},
 * {@code .env}, credentials, auth profiles, plugin state, sessions — with its SQLite stores copied
 * online (SQLite's {@code VACUUM INTO} on a read-only connection, so rows still in a live WAL are
 * included), and every file of the agent's workspace, the agent's memory. Left out is what OpenClaw
 * makes again by itself: logs, caches, temporary files, downloaded packages and UI assets, the
 * generated plugin-skill index, and SQLite's side files.
 *
 * <p>In a snapshot the state directory is {@code openclaw/} and the workspace {@code
 * openclaw/workspace/}, so a restored {@code openclaw/} is a state directory OpenClaw starts on.
 */
public final class OpenClawSources {

  /** Where OpenClaw appears in a snapshot. */
  public static final String PREFIX = "openclaw";

  /** Paths of the state directory (globs, relative) that OpenClaw makes again by itself. */
  static final List<String> LEFT_OUT =
      List.of(
          "logs/**",
          "*.log",
          "**/*.log",
          "cache/**",
          "**/cache/**",
          ".cache/**",
          "**/.cache/**",
          "tmp/**",
          "**/node_modules/**",
          "plugin-skills/**",
          "canvas/**",
          "control-ui/**",
          "update-check.json",
          "node.pid");

  /** SQLite's side files: the online copy holds their content. */
  private static final List<String> SQLITE_SIDE_FILES =
      List.of("*-wal", "**/*-wal", "*-shm", "**/*-shm", "*-journal", "**/*-journal");

  private final Path stateDir;
  private final Path workspace;

  /**
   * @param stateDir OpenClaw's state directory ({@code ~/.openclaw} or {@code $OPENCLAW_STATE_DIR})
   * @param workspace the agent's workspace, inside the state directory or elsewhere
   */
  public OpenClawSources(Path stateDir, Path workspace) {
    this.stateDir = stateDir.toAbsolutePath().normalize();
    this.workspace = workspace.toAbsolutePath().normalize();
  }

  /**
   * Copies every SQLite store online under {@code staging} and returns the trees to read.
   *
   * @throws IOException when a directory cannot be walked
   */
  public List<SourceTree> stage(Path staging) throws IOException {
    List<SourceTree> trees = new ArrayList<>();
    boolean workspaceInside = workspace.startsWith(stateDir) && !workspace.equals(stateDir);
    String workspaceRel = workspaceInside ? glob(stateDir.relativize(workspace)) : null;
    Path copies = staging.resolve(PREFIX);

    List<String> stateExclude = new ArrayList<>(LEFT_OUT);
    stateExclude.addAll(SQLITE_SIDE_FILES);
    if (workspaceRel != null) {
      stateExclude.add(workspaceRel + "/**");
    }
    for (Path db : databases(stateDir, workspaceInside ? workspace : null)) {
      Path rel = stateDir.relativize(db);
      SqliteCopy.copyReadOnly(db, copies.resolve(rel.toString()));
      stateExclude.add(glob(rel));
    }
    if (Files.isDirectory(stateDir)) {
      trees.add(new SourceTree(PREFIX, stateDir, List.of("**"), stateExclude));
    }

    List<String> workspaceExclude = new ArrayList<>(SQLITE_SIDE_FILES);
    for (Path db : databases(workspace, null)) {
      Path rel = workspace.relativize(db);
      SqliteCopy.copyReadOnly(db, copies.resolve("workspace").resolve(rel.toString()));
      workspaceExclude.add(glob(rel));
    }
    if (Files.isDirectory(workspace)) {
      trees.add(new SourceTree(PREFIX + "/workspace", workspace, List.of("**"), workspaceExclude));
    }
    if (Files.isDirectory(copies)) {
      trees.add(SourceTree.all(PREFIX, copies));
    }
    return trees;
  }

  /** The SQLite databases under a directory (by their header), outside what is left out. */
  private static List<Path> databases(Path root, Path skip) throws IOException {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return found;
    }
    SourceTree.Filter kept = new SourceTree("", root, List.of("**"), LEFT_OUT).filter();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            boolean prune =
                dir.equals(skip)
                    || (!dir.equals(root) && kept.excludesAllUnder(root.relativize(dir)));
            return prune ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()
                && kept.accepts(root.relativize(file))
                && SqliteCopy.isDatabase(file)) {
              found.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            // A file removed while walking (OpenClaw is running) is simply not there.
            if (e instanceof java.nio.file.NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    found.sort(null);
    return found;
  }

  /** A relative path as a glob that matches exactly it. */
  private static String glob(Path rel) {
    return rel.toString().replace('\\', '/').replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
  }
}
