package io.nxs.sync;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigException;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.errors.InvalidPatternException;
import org.eclipse.jgit.ignore.IMatcher;

/**
 * What is synced and how conflicts resolve: the seed's {@code sync-manifest.yaml} (seed 002 §3,
 * SPEC SY1), which loads as written.
 *
 * <pre>{@code
 * sync:
 *   interval: "5m"
 *   conflict_resolution: "last-write-wins"
 *   include: ["memory/*.md", "MEMORY.md", "DECISION-LOG.md"]
 *   exclude: ["*.tmp", "*.log", "credentials/**", "cache/**"]
 *   merge_rules:
 *     - pattern: "DECISION-LOG.md"
 *       strategy: "append"
 * }</pre>
 *
 * <p>Patterns use git's ignore syntax (JGit's implementation): a pattern without a slash matches a
 * name at any depth ({@code *.log}), one with a slash is relative to the workspace ({@code
 * memory/*.md}), {@code **} spans directories. An empty {@code include} means every file. {@link
 * #ALWAYS_EXCLUDED} is added to every manifest's {@code exclude}, and an exclude always wins over
 * an include (SPEC SY4). The first merge rule whose pattern matches a path applies; a path no rule
 * matches resolves by {@code conflict_resolution}.
 *
 * @param interval how often to sync when {@code sync.interval} is not set in {@code nxs.yaml};
 *     default 5m, at least 1s
 * @param conflictResolution what resolves a conflict no merge rule covers; only {@code
 *     last-write-wins} (the later write wins, the other is kept as a conflict copy)
 * @param include the files to sync; default every file
 * @param exclude files never to sync, on top of {@link #ALWAYS_EXCLUDED}
 * @param mergeRules strategies per pattern, first match wins
 */
public record SyncManifest(
    Duration interval,
    String conflictResolution,
    List<String> include,
    List<String> exclude,
    List<MergeRule> mergeRules) {

  /**
   * Never synced, whatever a manifest says (SPEC SY4): secrets, scratch files, logs, caches, and
   * the workspace's own git repository (the operator's, see ADR 0081). A directory pattern ending
   * in {@code /} matches that directory at any depth.
   */
  public static final List<String> ALWAYS_EXCLUDED =
      List.of("credentials/", "cache/", "*.tmp", "*.log", ".git/");

  /** The only conflict resolution the seed names. */
  public static final String LAST_WRITE_WINS = "last-write-wins";

  /** The manifest a daemon uses without {@code sync.manifest}: the seed's, as written. */
  public static final String DEFAULT_RESOURCE = "io/nxs/sync/default-sync-manifest.yaml";

  /** The file's one top-level key. */
  static final ConfigSection<SyncManifest> SECTION = ConfigSection.of("sync", SyncManifest.class);

  @JsonCreator
  public SyncManifest(
      @JsonProperty("interval") Duration interval,
      @JsonProperty("conflict_resolution") String conflictResolution,
      @JsonProperty("include") List<String> include,
      @JsonProperty("exclude") List<String> exclude,
      @JsonProperty("merge_rules") List<MergeRule> mergeRules) {
    this.interval = interval == null ? Duration.ofMinutes(5) : interval;
    if (this.interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "interval must be at least 1s, but was " + Durations.format(this.interval));
    }
    this.conflictResolution = conflictResolution == null ? LAST_WRITE_WINS : conflictResolution;
    if (!this.conflictResolution.equals(LAST_WRITE_WINS)) {
      throw new IllegalArgumentException(
          "conflict_resolution must be '"
              + LAST_WRITE_WINS
              + "', but was '"
              + this.conflictResolution
              + "'");
    }
    this.include = patterns("include", include);
    this.exclude = patterns("exclude", exclude);
    this.mergeRules = mergeRules == null ? List.of() : List.copyOf(mergeRules);
  }

  /**
   * Reads a manifest file.
   *
   * @throws ConfigException with the manifest's file:line:column when it is missing or invalid
   */
  public static SyncManifest load(Path file) {
    return loader().load(file).section(SECTION);
  }

  /**
   * Parses manifest text.
   *
   * @param source the name errors report
   * @throws ConfigException with {@code source:line:column} when the text is invalid
   */
  public static SyncManifest parse(String text, String source) {
    return loader().parse(text, source).section(SECTION);
  }

  /** The seed's manifest, bundled. */
  public static SyncManifest defaults() {
    try (InputStream in =
        SyncManifest.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the build");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
    }
  }

  /** Every exclude that applies: {@link #ALWAYS_EXCLUDED} and the manifest's. */
  public List<String> effectiveExclude() {
    List<String> all = new ArrayList<>(ALWAYS_EXCLUDED);
    all.addAll(exclude);
    return List.copyOf(all);
  }

  private static ConfigLoader loader() {
    return new ConfigLoader(List.of(SECTION), Map.of());
  }

  private static List<String> patterns(String key, List<String> patterns) {
    if (patterns == null) {
      return List.of();
    }
    for (String p : patterns) {
      checkPattern(key, p);
    }
    return List.copyOf(patterns);
  }

  static void checkPattern(String key, String pattern) {
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException(key + " has an empty pattern");
    }
    if (pattern.startsWith("!")) {
      throw new IllegalArgumentException(
          key + " pattern '" + pattern + "' is a negation, which the manifest does not support");
    }
    String body = pattern.startsWith("/") ? pattern.substring(1) : pattern;
    boolean dirOnly = body.endsWith("/");
    try {
      IMatcher.createPathMatcher(dirOnly ? body.substring(0, body.length() - 1) : body, dirOnly);
    } catch (InvalidPatternException e) {
      throw new IllegalArgumentException(
          key + " pattern '" + pattern + "' is not a valid glob: " + e.getMessage());
    }
  }

  /**
   * One merge rule.
   *
   * @param pattern which paths it covers (git ignore syntax)
   * @param strategy how they merge
   */
  public record MergeRule(String pattern, Strategy strategy) {

    @JsonCreator
    public MergeRule(
        @JsonProperty(value = "pattern", required = true) String pattern,
        @JsonProperty(value = "strategy", required = true) Strategy strategy) {
      checkPattern("merge_rules", pattern);
      this.pattern = pattern;
      this.strategy = strategy;
    }
  }
}
