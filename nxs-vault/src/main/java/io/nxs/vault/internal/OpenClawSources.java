package io.nxs.vault.internal;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.nxs.core.openclaw.OpenClawLayout;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(OpenClawSources.class);

  /** The live-database patterns of {@link OpenClawLayout#BACKUP_EXCLUDES}. */
  private static final List<String> LIVE_SQLITE =
      List.of("**.sqlite", "**.sqlite-wal", "**.sqlite-shm", "**.sqlite-journal");

  /** Where OpenClaw appears in a snapshot. */
  public static final String PREFIX = "openclaw";

  /**
   * What OpenClaw makes again by itself ({@link OpenClawLayout#BACKUP_EXCLUDES}, the set OpenClaw's
   * own archive skips) without the live SQLite files themselves: those are found by their header
   * and copied online.
   */
  static final List<String> LEFT_OUT =
      OpenClawLayout.BACKUP_EXCLUDES.stream().filter(g -> !LIVE_SQLITE.contains(g)).toList();

  /** SQLite's side files: the online copy holds their content. */
  private static final List<String> SQLITE_SIDE_FILES = List.of("**-wal", "**-shm", "**-journal");

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
   * The sources of the OpenClaw whose state directory a layout names; the workspace is the one its
   * {@code openclaw.json} configures ({@code agents.defaults.workspace}), else OpenClaw's default.
   */
  public static OpenClawSources of(OpenClawLayout layout) {
    return new OpenClawSources(layout.home(), workspace(layout));
  }

  /**
   * {@code agents.defaults.workspace} from {@code openclaw.json} (JSON5: comments, trailing commas,
   * unquoted names and single quotes are read), {@code ~} expanded; OpenClaw's default when the
   * file or the key is absent. An unreadable file is OpenClaw's to report: the default is used.
   */
  static Path workspace(OpenClawLayout layout) {
    Path config = layout.configFile();
    if (!Files.isRegularFile(config)) {
      return layout.workspace();
    }
    try {
      JsonNode node = JSON5.readTree(Files.readString(config)).at("/agents/defaults/workspace");
      if (!node.isTextual() || node.asText().isBlank()) {
        return layout.workspace();
      }
      String configured = node.asText().strip();
      Path path =
          configured.equals("~") || configured.startsWith("~/")
              ? Path.of(System.getProperty("user.home") + configured.substring(1))
              : Path.of(configured);
      return path.isAbsolute() ? path : layout.home().resolve(path);
    } catch (IOException e) {
      LOG.warn(
          "cannot read the workspace from {} ({}): backing up {}",
          config,
          e.getMessage(),
          layout.workspace());
      return layout.workspace();
    }
  }

  private static final ObjectMapper JSON5 =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .build();

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
