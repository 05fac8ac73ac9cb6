package io.nxs.sync.internal;

import io.nxs.sync.Strategy;
import io.nxs.sync.SyncManifest;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.ignore.FastIgnoreRule;

/**
 * Which workspace paths sync and by which merge strategy, from a {@link SyncManifest}: include and
 * exclude patterns in git's ignore syntax (JGit's {@link FastIgnoreRule}), an exclude always
 * winning, and a file under an excluded directory excluded with it.
 *
 * <p>Copies the sync itself makes ({@link #conflictCopy}) are in scope when their original is, so a
 * conflict copy of {@code MEMORY.md} syncs although only {@code MEMORY.md} is included.
 */
public final class PathScope {

  /** {@code <stem>.conflict-<yyyyMMdd'T'HHmmss'Z'>-<node><ext>}. */
  private static final Pattern CONFLICT_COPY =
      Pattern.compile("(.+)\\.conflict-\\d{8}T\\d{6}Z-[A-Za-z0-9_-]+(?:-\\d+)?(\\.[^./]+)?");

  private final List<FastIgnoreRule> include;
  private final List<FastIgnoreRule> exclude;
  private final List<Rule> rules;

  private record Rule(FastIgnoreRule matcher, Strategy strategy) {}

  public PathScope(SyncManifest manifest) {
    this.include = manifest.include().stream().map(FastIgnoreRule::new).toList();
    this.exclude = manifest.effectiveExclude().stream().map(FastIgnoreRule::new).toList();
    this.rules =
        manifest.mergeRules().stream()
            .map(r -> new Rule(new FastIgnoreRule(r.pattern()), r.strategy()))
            .toList();
  }

  /** Whether a directory (relative, {@code /}-separated) and all below it are excluded. */
  public boolean excludesDirectory(String dir) {
    for (FastIgnoreRule r : exclude) {
      if (r.isMatch(dir, true)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a file (relative, {@code /}-separated) syncs. */
  public boolean syncs(String path) {
    return !underExcludedDirectory(path) && syncsInIncludedDirectory(path);
  }

  /**
   * Whether a file syncs, given that no directory above it is excluded (a walk that skips excluded
   * directories, as the scan does, knows that already).
   */
  public boolean syncsInIncludedDirectory(String path) {
    if (excludedFile(path)) {
      return false;
    }
    if (include.isEmpty() || included(path)) {
      return true;
    }
    return originalOf(path).map(this::included).orElse(false);
  }

  /** The strategy of the first merge rule matching the path, if any. */
  public Optional<Strategy> strategyFor(String path) {
    String subject = originalOf(path).orElse(path);
    for (Rule r : rules) {
      if (r.matcher().isMatch(subject, false)) {
        return Optional.of(r.strategy());
      }
    }
    return Optional.empty();
  }

  /**
   * The name of a copy the sync keeps of {@code path}: {@code <stem>.conflict-<stamp>-<node><ext>},
   * e.g. {@code MEMORY.conflict-20261206T140312Z-home-1a2b3c.md}.
   */
  public static String conflictCopy(String path, String stamp, String node) {
    return insertBeforeExtension(path, ".conflict-" + stamp + "-" + node);
  }

  /**
   * The dated name {@code append-date} gives the newcomer of a collision: {@code
   * <stem>.<stamp>-<node><ext>}, e.g. {@code memory/2026-12-06.20261206T140312Z-edge-9f8e7d.md}.
   */
  public static String datedCopy(String path, String stamp, String node) {
    return insertBeforeExtension(path, "." + stamp + "-" + node);
  }

  /** {@code name} with {@code -2}, {@code -3} ... before its extension, for a taken name. */
  public static String numbered(String path, int n) {
    return insertBeforeExtension(path, "-" + n);
  }

  private static String insertBeforeExtension(String path, String insert) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    if (dot <= slash + 1) {
      return path + insert;
    }
    return path.substring(0, dot) + insert + path.substring(dot);
  }

  private static Optional<String> originalOf(String path) {
    int slash = path.lastIndexOf('/');
    Matcher m = CONFLICT_COPY.matcher(path.substring(slash + 1));
    if (!m.matches()) {
      return Optional.empty();
    }
    String ext = m.group(2) == null ? "" : m.group(2);
    return Optional.of(path.substring(0, slash + 1) + m.group(1) + ext);
  }

  private boolean included(String path) {
    for (FastIgnoreRule r : include) {
      if (r.isMatch(path, false)) {
        return true;
      }
    }
    return false;
  }

  private boolean excludedFile(String path) {
    for (FastIgnoreRule r : exclude) {
      if (r.isMatch(path, false)) {
        return true;
      }
    }
    return false;
  }

  private boolean underExcludedDirectory(String path) {
    for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
      if (excludesDirectory(path.substring(0, i))) {
        return true;
      }
    }
    return false;
  }
}
