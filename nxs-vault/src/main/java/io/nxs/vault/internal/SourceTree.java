package io.nxs.vault.internal;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * A directory whose files go into a snapshot under a prefix, filtered by glob patterns matched
 * against the path relative to the directory.
 *
 * @param prefix where it appears in the snapshot, e.g. {@code nxs} or {@code openclaw/workspace}
 * @param root the directory on disk
 * @param include patterns a file must match (one of)
 * @param exclude patterns that leave a file out
 */
public record SourceTree(String prefix, Path root, List<String> include, List<String> exclude) {

  public SourceTree {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }

  /** Everything under a directory. */
  public static SourceTree all(String prefix, Path root) {
    return new SourceTree(prefix, root, List.of("**"), List.of());
  }

  /** Whether directories are recorded too (only when nothing is filtered). */
  boolean keepsDirectories() {
    return include.equals(List.of("**")) && exclude.isEmpty();
  }

  /** A compiled filter. */
  Filter filter() {
    return new Filter(compile(include), compile(exclude));
  }

  private static List<PathMatcher> compile(List<String> globs) {
    return globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
  }

  record Filter(List<PathMatcher> include, List<PathMatcher> exclude) {
    private static final String PROBE = ".nxs-probe-\u2400";

    boolean accepts(Path relative) {
      return include.stream().anyMatch(m -> m.matches(relative))
          && exclude.stream().noneMatch(m -> m.matches(relative));
    }

    /**
     * Whether nothing under a directory can be accepted (an exclude such as {@code logs/**} covers
     * it), so a walk need not enter it.
     */
    boolean excludesAllUnder(Path relativeDir) {
      Path probe = relativeDir.resolve(PROBE);
      return exclude.stream().anyMatch(m -> m.matches(probe));
    }
  }
}
