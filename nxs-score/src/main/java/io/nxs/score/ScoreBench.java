package io.nxs.score;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Runs the benchmark set (SPEC SC4, built by {@code bench/score/make-set.py}) through the scorers
 * and reports the honest metric: for every ladder of known order and every source, the Spearman
 * rank correlation between the distortion level and {@code quality} (worse level, lower quality:
 * 1.0 is a perfect order), and for the noise ladder also between the true SNR and {@code snr_db};
 * with the mean and the worst source per ladder, and the set's version.
 */
public final class ScoreBench {

  private ScoreBench() {}

  /**
   * One ladder's result.
   *
   * @param kind image or audio
   * @param ladder e.g. {@code jpeg_quality}
   * @param metric {@code quality}, or {@code snr_db} against the true SNR
   * @param sources how many source files the ladder has
   * @param meanRho the mean Spearman over the sources
   * @param minRho the worst source's
   * @param goal the SPEC's goal for it
   */
  public record Ladder(
      String kind,
      String ladder,
      String metric,
      int sources,
      @JsonProperty("mean_rho") double meanRho,
      @JsonProperty("min_rho") double minRho,
      double goal) {

    /** Whether every source meets the goal. */
    public boolean met() {
      return minRho >= goal;
    }
  }

  /**
   * The whole run.
   *
   * @param set the set's version, e.g. {@code score-bench-1}
   * @param scorers the scorer versions that produced it, by kind
   * @param items how many files were scored
   * @param failed files that did not score (path and reason)
   * @param ladders per ladder and metric
   * @param imageSeconds total time decoding and scoring images
   * @param images how many images
   * @param audioSeconds total time decoding and scoring recordings
   * @param audioDuration their total duration in seconds
   */
  public record Report(
      String set,
      Map<String, String> scorers,
      int items,
      List<String> failed,
      List<Ladder> ladders,
      @JsonProperty("image_seconds") double imageSeconds,
      int images,
      @JsonProperty("audio_seconds") double audioSeconds,
      @JsonProperty("audio_duration") double audioDuration) {}

  /**
   * Scores every item of a set.
   *
   * @param progress told the index of each item done
   * @throws NxsException when the directory holds no readable manifest
   */
  public static Report run(Path dir, ScoringEngine engine, IntConsumer progress) {
    JsonNode manifest = manifest(dir);
    JsonNode items = manifest.path("items");
    // (kind, ladder, source) -> level -> score
    Map<String, TreeMap<Integer, Score>> byLadder = new TreeMap<>();
    Map<String, Double> trueSnr = new LinkedHashMap<>();
    List<String> failed = new ArrayList<>();
    Map<String, String> scorers = new TreeMap<>();
    long imageNanos = 0;
    long audioNanos = 0;
    double audioDuration = 0;
    int images = 0;
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      Path file = dir.resolve(item.path("file").asText());
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new NxsException(
            "the set is incomplete: cannot read " + file + ": " + e.getMessage());
      }
      long t0 = System.nanoTime();
      Score s = engine.score("bench-" + i, bytes, file.getFileName().toString(), null).score();
      long took = System.nanoTime() - t0;
      boolean image = "image".equals(item.path("kind").asText());
      if (image) {
        imageNanos += took;
        images++;
      } else {
        audioNanos += took;
        audioDuration += s.dimensions().isEmpty() ? 0 : duration(bytes);
      }
      if (!s.scored() || s.quality() == null) {
        failed.add(item.path("file").asText() + ": " + s.status() + " " + s.reason());
      } else {
        scorers.put(s.kind(), s.scorer().name() + "@" + s.scorer().version());
        String key =
            item.path("kind").asText()
                + "/"
                + item.path("ladder").asText()
                + "/"
                + item.path("source").asText();
        byLadder.computeIfAbsent(key, k -> new TreeMap<>()).put(item.path("level").asInt(), s);
        if (item.hasNonNull("true_snr_db")) {
          trueSnr.put(s.id(), item.path("true_snr_db").asDouble());
        }
      }
      progress.accept(i);
    }
    return new Report(
        manifest.path("version").asText("unknown"),
        scorers,
        items.size(),
        failed,
        ladders(byLadder, trueSnr),
        imageNanos / 1e9,
        images,
        audioNanos / 1e9,
        audioDuration);
  }

  private static List<Ladder> ladders(
      Map<String, TreeMap<Integer, Score>> byLadder, Map<String, Double> trueSnr) {
    // (kind/ladder/metric) -> rho per source
    Map<String, List<Double>> rhos = new TreeMap<>();
    SpearmansCorrelation spearman = new SpearmansCorrelation();
    for (Map.Entry<String, TreeMap<Integer, Score>> e : byLadder.entrySet()) {
      String[] k = e.getKey().split("/");
      List<Score> scores = new ArrayList<>(e.getValue().values());
      double[] level = e.getValue().keySet().stream().mapToDouble(l -> -l).toArray();
      double[] quality = scores.stream().mapToDouble(s -> s.quality().value()).toArray();
      if (level.length >= 3) {
        rhos.computeIfAbsent(k[0] + "/" + k[1] + "/quality", x -> new ArrayList<>())
            .add(spearman.correlation(level, quality));
      }
      List<double[]> snr = new ArrayList<>();
      for (Score s : scores) {
        Double truth = trueSnr.get(s.id());
        Dimension est = s.dimensions().get("snr_db");
        if (truth != null && est != null) {
          snr.add(new double[] {truth, est.value()});
        }
      }
      if (snr.size() >= 3) {
        rhos.computeIfAbsent(k[0] + "/" + k[1] + "/snr_db", x -> new ArrayList<>())
            .add(
                spearman.correlation(
                    snr.stream().mapToDouble(p -> p[0]).toArray(),
                    snr.stream().mapToDouble(p -> p[1]).toArray()));
      }
    }
    List<Ladder> out = new ArrayList<>();
    rhos.forEach(
        (key, values) -> {
          String[] k = key.split("/");
          double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
          double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
          out.add(
              new Ladder(
                  k[0], k[1], k[2], values.size(), mean, min, k[2].equals("snr_db") ? 0.95 : 0.9));
        });
    return out;
  }

  /**
   * The benchmark set's centre and spread of each dimension (mean and standard deviation, on a log
   * scale where {@link BenchReference#logScale} says), per kind, for the out-of-distribution check.
   */
  public static JsonNode reference(Path dir, ScoringEngine engine) {
    JsonNode items = manifest(dir).path("items");
    Map<String, Map<String, List<Double>>> values = new TreeMap<>();
    Map<String, String> versions = new TreeMap<>();
    for (int i = 0; i < items.size(); i++) {
      Path file = dir.resolve(items.get(i).path("file").asText());
      Score s;
      try {
        s =
            engine
                .score("ref-" + i, Files.readAllBytes(file), file.getFileName().toString(), null)
                .score();
      } catch (IOException e) {
        throw new NxsException("cannot read " + file + ": " + e.getMessage());
      }
      if (!s.scored() || s.flags().contains(Flags.EDGE_CASE)) {
        continue;
      }
      versions.put(s.kind(), s.scorer().version());
      s.dimensions()
          .forEach(
              (name, d) ->
                  values
                      .computeIfAbsent(s.kind(), k -> new TreeMap<>())
                      .computeIfAbsent(name, k -> new ArrayList<>())
                      .add(
                          BenchReference.logScale(name)
                              ? Math.log10(1 + Math.max(0, d.value()))
                              : d.value()));
    }
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("set", manifest(dir).path("version").asText());
    values.forEach(
        (kind, dims) -> {
          ObjectNode k = root.putObject(kind);
          k.put("scorer_version", versions.get(kind));
          ObjectNode d = k.putObject("dimensions");
          dims.forEach(
              (name, list) -> {
                double[] v = list.stream().mapToDouble(Double::doubleValue).toArray();
                double mean = Arrays.stream(v).average().orElse(0);
                double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
                ObjectNode n = d.putObject(name);
                n.put("center", mean);
                n.put("scale", v.length < 2 ? 0 : Math.sqrt(var / (v.length - 1)));
              });
        });
    return root;
  }

  private static double duration(byte[] bytes) {
    try {
      MediaFormat f = MediaFormat.sniff(bytes).orElseThrow();
      return io.nxs.score.audio.AudioDecoder.decode(bytes, f, 86_400).seconds();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static JsonNode manifest(Path dir) {
    try {
      return Json.mapper().readTree(Files.readString(dir.resolve("manifest.json")));
    } catch (NoSuchFileException e) {
      throw new NxsException(
          "no manifest.json in "
              + dir
              + ": build the set with /usr/bin/python3 bench/score/make-set.py "
              + dir);
    } catch (IOException e) {
      throw new NxsException("cannot read " + dir.resolve("manifest.json") + ": " + e.getMessage());
    }
  }
}
