package io.nxs.doctor.rule;

import io.nxs.core.NxsException;
import io.nxs.core.ext.RuleSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The rules in force: the Doctor's built-ins (classpath {@code io/nxs/doctor/rules/}) and the rules
 * other modules ship through {@link RuleSource}, overridden by id by the custom rules in the rule
 * directories, which are re-read when a file there changes (SPEC DR2). A rejected custom or module
 * rule is reported with its origin and line and leaves the others, and every built-in, running.
 */
public final class RuleSet {

  /** The built-in rule files, one per category of the seed's table. */
  public static final List<String> BUILTIN_FILES =
      List.of(
          "resources.yaml",
          "network.yaml",
          "services.yaml",
          "security.yaml",
          "performance.yaml",
          "providers.yaml",
          "backups.yaml");

  private final List<Path> dirs;
  private final List<RuleSource> sources;
  private final Consumer<List<RuleProblem>> onLoad;
  // The built-ins joined with the modules' rules: made at the first load, not in the constructor,
  // so the daemon's start does not parse and compile them (ADR 0064).
  private List<Rule> builtins;
  private List<RuleProblem> builtinProblems;
  private volatile Snapshot current;
  private String fingerprint = "";

  /** The rules of one load and what was rejected. */
  public record Snapshot(
      Map<String, Rule> rules, List<RuleProblem> problems, List<String> overridden) {
    public Snapshot {
      rules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rules));
      problems = List.copyOf(problems);
      overridden = List.copyOf(overridden);
    }

    public Optional<Rule> rule(String id) {
      return Optional.ofNullable(rules.get(id));
    }

    public Collection<Rule> all() {
      return rules.values();
    }
  }

  /**
   * @param dirs custom rule directories; missing ones are fine (no custom rules)
   */
  public RuleSet(List<Path> dirs) {
    this(dirs, List.of(), problems -> {});
  }

  /**
   * A rule set that loads its rules when first asked for them ({@link #current}, {@link
   * #reloadIfChanged}), not when made: parsing and compiling the built-ins is the largest part of
   * the Doctor's start, and the daemon asks only once it serves.
   *
   * @param dirs custom rule directories; missing ones are fine (no custom rules)
   * @param sources rules other modules ship; they join the built-ins, and a custom rule with the
   *     same id overrides one of them as it does a built-in
   * @param onLoad hears the problems of every load that made a new snapshot (the first one
   *     included), on the loading thread, before the snapshot is returned
   */
  public RuleSet(List<Path> dirs, List<RuleSource> sources, Consumer<List<RuleProblem>> onLoad) {
    this.dirs = List.copyOf(dirs);
    this.sources = List.copyOf(sources);
    this.onLoad = onLoad;
  }

  /** The built-ins and the modules' rules, by id, with the modules' rejected rules. */
  private void joinShipped() {
    List<Rule> all = new ArrayList<>(builtin());
    List<RuleProblem> problems = new ArrayList<>();
    Map<String, Rule> byId = new LinkedHashMap<>();
    all.forEach(r -> byId.put(r.id(), r));
    for (RuleSource source : sources) {
      RuleLoader.Result r = RuleLoader.parse(source.rulesYaml(), source.origin());
      problems.addAll(r.problems());
      for (Rule rule : r.rules()) {
        Rule previous = byId.putIfAbsent(rule.id(), rule);
        if (previous == null) {
          all.add(rule);
        } else {
          problems.add(
              new RuleProblem(
                  source.origin(),
                  rule.line(),
                  rule.id(),
                  "id already defined in " + previous.source() + ":" + previous.line()));
        }
      }
    }
    this.builtins = List.copyOf(all);
    this.builtinProblems = List.copyOf(problems);
  }

  /**
   * The built-in rules, parsed and compiled once per process (rules are immutable and their
   * compiled conditions thread-safe, so every rule set shares them). The daemon asks for them on a
   * background thread once it serves ({@code DoctorModule.serving}); a caller that comes while that
   * runs waits for it rather than compiling them twice. A failure is not kept: the next call tries
   * again and throws again.
   */
  public static synchronized List<Rule> builtin() {
    if (shippedRules == null) {
      shippedRules = parseBuiltins();
    }
    return shippedRules;
  }

  private static List<Rule> shippedRules;

  private static List<Rule> parseBuiltins() {
    List<Rule> rules = new ArrayList<>();
    for (String file : BUILTIN_FILES) {
      String resource = "/io/nxs/doctor/rules/" + file;
      try (InputStream in = RuleSet.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new NxsException("built-in rule file " + resource + " is missing from the build");
        }
        RuleLoader.Result r =
            RuleLoader.parse(
                new String(in.readAllBytes(), StandardCharsets.UTF_8), "builtin:" + file);
        if (!r.problems().isEmpty()) {
          throw new NxsException("built-in rules are broken: " + r.problems().getFirst());
        }
        rules.addAll(r.rules());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return List.copyOf(rules);
  }

  /**
   * The rules in force now; the first call loads them (a caller that comes while another thread
   * loads waits for it).
   *
   * @throws NxsException when the built-in rules are missing or broken (a broken build)
   */
  public Snapshot current() {
    Snapshot loaded = current;
    return loaded != null ? loaded : firstLoad();
  }

  private synchronized Snapshot firstLoad() {
    if (current == null) {
      reloadIfChanged();
    }
    return current;
  }

  /**
   * Re-reads the custom rules when a file in the directories was added, changed or removed; the
   * first call also loads the built-ins and the modules' rules.
   *
   * @return the new snapshot when it reloaded, empty when nothing changed
   */
  public synchronized Optional<Snapshot> reloadIfChanged() {
    if (builtins == null) {
      joinShipped();
    }
    List<Path> files = files();
    StringBuilder fp = new StringBuilder();
    for (Path f : files) {
      try {
        fp.append(f)
            .append('|')
            .append(Files.getLastModifiedTime(f).toMillis())
            .append('|')
            .append(Files.size(f))
            .append('\n');
      } catch (IOException e) {
        fp.append(f).append("|gone: ").append(e.getClass().getSimpleName()).append('\n');
      }
    }
    if (current != null && fp.toString().equals(fingerprint)) {
      return Optional.empty();
    }
    fingerprint = fp.toString();
    Map<String, Rule> rules = new LinkedHashMap<>();
    builtins.forEach(r -> rules.put(r.id(), r));
    List<RuleProblem> problems = new ArrayList<>(builtinProblems);
    List<String> overridden = new ArrayList<>();
    Map<String, Rule> custom = new LinkedHashMap<>();
    for (Path f : files) {
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        problems.add(new RuleProblem(f.toString(), 0, "", "cannot read: " + e.getMessage()));
        continue;
      }
      RuleLoader.Result r = RuleLoader.parse(text, f.toString());
      problems.addAll(r.problems());
      for (Rule rule : r.rules()) {
        Rule previous = custom.putIfAbsent(rule.id(), rule);
        if (previous != null) {
          problems.add(
              new RuleProblem(
                  f.toString(),
                  rule.line(),
                  rule.id(),
                  "id already defined in " + previous.source() + ":" + previous.line()));
        }
      }
    }
    for (Rule rule : custom.values()) {
      if (rules.containsKey(rule.id())) {
        overridden.add(rule.id());
      }
      rules.put(rule.id(), rule);
    }
    current = new Snapshot(rules, problems, overridden);
    onLoad.accept(current.problems());
    return Optional.of(current);
  }

  private List<Path> files() {
    List<Path> out = new ArrayList<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(
                p -> {
                  String n = p.getFileName().toString();
                  return (n.endsWith(".yaml") || n.endsWith(".yml")) && !n.startsWith(".");
                })
            .sorted()
            .forEach(out::add);
      } catch (IOException e) {
        throw new NxsException("cannot list rule directory " + dir + ": " + e.getMessage(), e);
      }
    }
    return out;
  }
}
