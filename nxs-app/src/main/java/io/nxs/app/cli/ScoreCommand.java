package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nxs.app.ConfigCheck;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.score.MediaFormat;
import io.nxs.score.ScoreBench;
import io.nxs.score.ScoreConfig;
import io.nxs.score.ScoreModule;
import io.nxs.score.ScoreService;
import io.nxs.score.ScoringEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nxs score FILE|DIR...} and {@code nxs score show|review|feedback|drift|bench} (SPEC
 * SC1-SC4). With the daemon running each file goes to {@code POST /api/v1/score}; without it, the
 * home is opened directly. Exit 0 when every file was scored, 1 when any was rejected or could not
 * be scored, 2 on usage errors.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Score images and voice recordings: quality 0-100 with its uncertainty, or why not.",
      "A directory is searched for image and audio files by extension."
    },
    subcommands = {
      ScoreCommand.Show.class,
      ScoreCommand.Review.class,
      ScoreCommand.Feedback.class,
      ScoreCommand.Drift.class,
      ScoreCommand.Bench.class
    })
final class ScoreCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE|DIR", arity = "0..*", description = "files or directories")
  List<Path> paths = new ArrayList<>();

  @Override
  public Integer call() {
    if (paths.isEmpty()) {
      spec.commandLine().usage(spec.commandLine().getErr());
      return ExitCode.USAGE;
    }
    List<Path> files = expand(paths);
    if (files.isEmpty()) {
      throw new UsageException("no image or audio files in " + paths);
    }
    GlobalOptions global = Commands.global(spec);
    boolean bar =
        files.size() > 1
            && !global.json()
            && System.console() != null
            && paths.stream().anyMatch(Files::isDirectory);
    ArrayNode results = Json.mapper().createArrayNode();
    try (Scorer scorer = Scorer.open(global);
        ProgressBar progress = bar ? bar(files.size()) : null) {
      for (Path file : files) {
        JsonNode s = scorer.score(file);
        results.add(s);
        if (progress != null) {
          progress.step();
        }
        if (!global.json()) {
          Commands.out(spec).println(line(s));
        }
      }
    }
    int bad = 0;
    int review = 0;
    for (JsonNode s : results) {
      bad += "scored".equals(s.path("status").asText()) ? 0 : 1;
      review += contains(s.path("flags"), "review") ? 1 : 0;
    }
    if (global.json()) {
      Commands.printJson(spec, results);
    } else {
      Commands.out(spec)
          .println(
              results.size()
                  + " files: "
                  + (results.size() - bad)
                  + " scored, "
                  + bad
                  + " not"
                  + (review > 0 ? "; " + review + " for review (nxs score review)" : ""));
    }
    return bad == 0 ? ExitCode.OK : ExitCode.PROBLEM;
  }

  /** Files as given, and the image and audio files under directories, in name order. */
  static List<Path> expand(List<Path> paths) {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile)
              .filter(f -> MediaFormat.ofName(f.getFileName().toString()).isPresent())
              .sorted()
              .forEach(out::add);
        } catch (IOException e) {
          throw new UsageException("cannot read directory " + p + ": " + e.getMessage());
        } catch (UncheckedIOException e) {
          throw new UsageException("cannot read directory " + p + ": " + e.getCause().getMessage());
        }
      } else if (Files.isRegularFile(p)) {
        out.add(p);
      } else {
        throw new UsageException("no such file or directory: " + p);
      }
    }
    return out;
  }

  private static ProgressBar bar(int total) {
    return new ProgressBarBuilder()
        .setTaskName("scoring")
        .setInitialMax(total)
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .build();
  }

  static String line(JsonNode s) {
    String status = s.path("status").asText();
    String file = s.path("file").asText();
    if (!"scored".equals(status)) {
      return String.format(
          Locale.ROOT, "%-13s %-15s %s: %s", "", status, file, s.path("reason").asText());
    }
    JsonNode q = s.path("quality");
    String quality =
        q.isMissingNode() || q.isNull()
            ? "-"
            : String.format(
                Locale.ROOT,
                "%5.1f ±%-5.1f",
                q.path("value").asDouble(),
                q.path("uncertainty").asDouble());
    List<String> flags = new ArrayList<>();
    s.path("flags").forEach(f -> flags.add(f.asText()));
    return String.format(
        Locale.ROOT,
        "%-13s %-15s %s %s%s%s",
        quality,
        "scored " + s.path("kind").asText(),
        s.path("id").asText(),
        file,
        flags.isEmpty() ? "" : " [" + String.join(", ", flags) + "]",
        s.hasNonNull("reason") ? " (" + s.path("reason").asText() + ")" : "");
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode n : array) {
      if (value.equals(n.asText())) {
        return true;
      }
    }
    return false;
  }

  /** Scores through the daemon when it answers, else on the home directly. */
  abstract static class Scorer implements AutoCloseable {

    abstract JsonNode score(Path file);

    abstract JsonNode call(
        Function<DaemonClient, JsonNode> remote, Function<ScoreService, Object> offline);

    @Override
    public void close() {}

    static Scorer open(GlobalOptions global) {
      if (Files.exists(global.home().adminKey()) || global.env.containsKey("NXS_API_KEY")) {
        try {
          DaemonClient client = DaemonClient.connect(global);
          client.get("/api/v1/score/review?limit=1");
          return new Remote(client);
        } catch (DaemonUnreachableException expected) {
          // not running: score on the home directly below
        }
      }
      return new Offline(global);
    }
  }

  private static final class Remote extends Scorer {
    private final DaemonClient client;

    Remote(DaemonClient client) {
      this.client = client;
    }

    @Override
    JsonNode score(Path file) {
      byte[] bytes = read(file, 32L * 1024 * 1024);
      if (bytes == null) {
        return tooLarge(file, 32L * 1024 * 1024);
      }
      return client.postBytes(
          "/api/v1/score?file=" + URLEncoder.encode(file.toString(), StandardCharsets.UTF_8),
          bytes,
          null);
    }

    @Override
    JsonNode call(Function<DaemonClient, JsonNode> remote, Function<ScoreService, Object> offline) {
      return remote.apply(client);
    }
  }

  private static final class Offline extends Scorer {
    private final OfflineHome home;
    private final ScoringEngine engine;
    private final ScoreService service;
    private final long maxBytes;

    Offline(GlobalOptions global) {
      ScoreConfig config =
          ConfigCheck.check(global.home().config(), global.env).section(ScoreConfig.SECTION);
      this.home = OfflineHome.open(global, global.clock);
      this.engine = ScoreModule.engine(home.home.dir(), config, global.clock, home.audit);
      this.service = ScoreModule.offline(engine, home.store, config, home.audit, global.clock);
      this.maxBytes = config.limits().maxBytes().bytes();
    }

    @Override
    JsonNode score(Path file) {
      byte[] bytes = read(file, maxBytes);
      if (bytes == null) {
        return tooLarge(file, maxBytes);
      }
      return Json.mapper().valueToTree(service.score(bytes, file.toString(), null));
    }

    @Override
    JsonNode call(Function<DaemonClient, JsonNode> remote, Function<ScoreService, Object> offline) {
      return Json.mapper().valueToTree(offline.apply(service));
    }

    @Override
    public void close() {
      service.close();
      engine.close();
      home.close();
    }
  }

  /** The file's bytes, or null when it is over the limit (never read whole). */
  private static byte[] read(Path file, long limit) {
    try {
      if (Files.size(file) > limit) {
        return null;
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static JsonNode tooLarge(Path file, long limit) {
    return Json.mapper()
        .valueToTree(
            Map.of(
                "file",
                file.toString(),
                "status",
                "rejected",
                "reason",
                "the file is over the limit of "
                    + limit
                    + " bytes (score.limits.max_bytes); not sent",
                "flags",
                List.of()));
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one score.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "a score id, e.g. sc-0a1b2c...")
    String id;

    @Override
    public Integer call() {
      try (Scorer s = Scorer.open(Commands.global(spec))) {
        JsonNode r =
            s.call(
                c ->
                    c.find("/api/v1/score/" + enc(id))
                        .orElseThrow(() -> new NxsException("no score " + id)),
                svc -> svc.find(id).orElseThrow(() -> new NxsException("no score " + id)));
        if (Commands.global(spec).json()) {
          Commands.printJson(spec, r);
        } else {
          PrintWriter out = Commands.out(spec);
          out.println(line(r));
          r.path("dimensions")
              .fields()
              .forEachRemaining(
                  e ->
                      out.printf(
                          Locale.ROOT,
                          "  %-16s %12.4g ± %.3g%n",
                          e.getKey(),
                          e.getValue().path("value").asDouble(),
                          e.getValue().path("uncertainty").asDouble()));
          JsonNode scorer = r.path("scorer");
          if (!scorer.isMissingNode()) {
            out.println(
                "  scorer " + scorer.path("name").asText() + "@" + scorer.path("version").asText());
          }
        }
        return ExitCode.OK;
      }
    }
  }

  @Command(
      name = "review",
      mixinStandardHelpOptions = true,
      description = "The review queue: scores a person should look at, oldest first.")
  static final class Review implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--limit", description = "at most this many (default 50)")
    int limit = 50;

    @Override
    public Integer call() {
      if (limit < 1 || limit > 10_000) {
        throw new UsageException("--limit must be from 1 to 10000, but was " + limit);
      }
      try (Scorer s = Scorer.open(Commands.global(spec))) {
        JsonNode items =
            s.call(
                c -> c.get("/api/v1/score/review?limit=" + limit).path("items"),
                svc -> svc.reviewQueue(limit));
        if (Commands.global(spec).json()) {
          Commands.printJson(spec, items);
        } else {
          items.forEach(i -> Commands.out(spec).println(line(i)));
          Commands.out(spec)
              .println(
                  items.isEmpty()
                      ? "nothing to review"
                      : items.size()
                          + " to review: nxs score feedback ID up|down|kept|deleted takes one out");
        }
        return ExitCode.OK;
      }
    }
  }

  @Command(
      name = "feedback",
      mixinStandardHelpOptions = true,
      description = "Record a person's verdict on a score: up, down, kept or deleted.")
  static final class Feedback implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "VERDICT", description = "up, down, kept or deleted")
    String verdict;

    @Override
    public Integer call() {
      String v = verdict.toLowerCase(Locale.ROOT);
      if (!ScoreService.VERDICTS.contains(v)) {
        throw new UsageException(
            "verdict must be up, down, kept or deleted, but was '" + verdict + "'");
      }
      try (Scorer s = Scorer.open(Commands.global(spec))) {
        JsonNode r =
            s.call(
                c -> c.post("/api/v1/score/" + enc(id) + "/feedback", Map.of("verdict", v)),
                svc -> {
                  if (!svc.feedback(id, v, "cli")) {
                    throw new NxsException("no score " + id);
                  }
                  return Map.of("id", id, "verdict", v);
                });
        if (Commands.global(spec).json()) {
          Commands.printJson(spec, r);
        } else {
          Commands.out(spec).println("recorded " + v + " for " + id);
        }
        return ExitCode.OK;
      }
    }
  }

  @Command(
      name = "drift",
      mixinStandardHelpOptions = true,
      description =
          "Drift per kind, scorer version and dimension (PSI, KS p), agreement, confidence.")
  static final class Drift implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Scorer s = Scorer.open(Commands.global(spec))) {
        JsonNode r =
            s.call(c -> c.get("/api/v1/score/drift?refresh=true"), ScoreService::refreshDrift);
        if (Commands.global(spec).json()) {
          Commands.printJson(spec, r);
          return ExitCode.OK;
        }
        PrintWriter out = Commands.out(spec);
        boolean drifting = false;
        if (r.path("dimensions").isEmpty()) {
          out.println(
              "no drift figures yet: a scorer version needs drift.reference + drift.recent scores");
        }
        for (JsonNode d : r.path("dimensions")) {
          boolean bad = d.path("psi").asDouble() > 0.25 && d.path("ks_p").asDouble() < 0.01;
          drifting |= bad;
          out.printf(
              Locale.ROOT,
              "%-6s %-16s PSI %6.3f  KS p %-9.3g %s %s%n",
              d.path("kind").asText(),
              d.path("dimension").asText(),
              d.path("psi").asDouble(),
              d.path("ks_p").asDouble(),
              d.path("scorer").asText(),
              bad ? "DRIFT" : "");
        }
        for (JsonNode t : r.path("trust")) {
          out.printf(
              Locale.ROOT,
              "%-6s agreement %s over %d verdicts, confidence ratio %s%n",
              t.path("kind").asText(),
              t.hasNonNull("agreement_rate")
                  ? String.format(Locale.ROOT, "%.0f%%", 100 * t.path("agreement_rate").asDouble())
                  : "-",
              t.path("feedback_count").asInt(),
              t.hasNonNull("confidence_ratio")
                  ? String.format(Locale.ROOT, "%.2f", t.path("confidence_ratio").asDouble())
                  : "-");
        }
        return drifting ? ExitCode.PROBLEM : ExitCode.OK;
      }
    }
  }

  @Command(
      name = "bench",
      mixinStandardHelpOptions = true,
      description = {
        "Score the benchmark set (bench/score/make-set.py DIR builds it) and print the Spearman",
        "rank correlation per ladder; exit 1 when a ladder misses its goal."
      })
  static final class Bench implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "the set's directory (with manifest.json)")
    Path dir;

    @Option(
        names = "--reference-out",
        paramLabel = "FILE",
        description = "also write the set's dimension spread (the out-of-distribution reference)")
    Path referenceOut;

    @Override
    public Integer call() {
      if (!Files.isDirectory(dir)) {
        throw new UsageException("no such directory: " + dir);
      }
      GlobalOptions global = Commands.global(spec);
      ScoreConfig config = ScoreConfig.defaults();
      try (ScoringEngine engine = ScoreModule.engine(dir, config, global.clock, e -> 0L)) {
        ScoreBench.Report r = ScoreBench.run(dir, engine, i -> {});
        if (referenceOut != null) {
          try {
            Files.writeString(referenceOut, Json.writePretty(ScoreBench.reference(dir, engine)));
          } catch (IOException e) {
            throw new UsageException("cannot write " + referenceOut + ": " + e.getMessage());
          }
        }
        if (global.json()) {
          Commands.printJson(spec, r);
        } else {
          PrintWriter out = Commands.out(spec);
          out.println("set " + r.set() + ", " + r.items() + " files, scorers " + r.scorers());
          out.printf(
              Locale.ROOT,
              "%-6s %-16s %-8s %7s %9s %8s %5s  %s%n",
              "KIND",
              "LADDER",
              "METRIC",
              "SOURCES",
              "MEAN RHO",
              "MIN RHO",
              "GOAL",
              "");
          for (ScoreBench.Ladder l : r.ladders()) {
            out.printf(
                Locale.ROOT,
                "%-6s %-16s %-8s %7d %9.3f %8.3f %5.2f  %s%n",
                l.kind(),
                l.ladder(),
                l.metric(),
                l.sources(),
                l.meanRho(),
                l.minRho(),
                l.goal(),
                l.met() ? "ok" : "MISSED");
          }
          out.printf(
              Locale.ROOT,
              "images: %d in %.1f s (%.1f/s); voice: %.0f s of audio in %.1f s (%.0fx real time)%n",
              r.images(),
              r.imageSeconds(),
              r.images() / Math.max(1e-9, r.imageSeconds()),
              r.audioDuration(),
              r.audioSeconds(),
              r.audioDuration() / Math.max(1e-9, r.audioSeconds()));
          r.failed().forEach(f -> out.println("not scored: " + f));
        }
        boolean met = r.failed().isEmpty() && r.ladders().stream().allMatch(ScoreBench.Ladder::met);
        return met ? ExitCode.OK : ExitCode.PROBLEM;
      }
    }
  }

  private static String enc(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }
}
