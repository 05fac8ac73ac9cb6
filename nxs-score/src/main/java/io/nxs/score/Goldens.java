package io.nxs.score;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.score.audio.AudioDecoder;
import io.nxs.score.image.ImageDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The golden references (resources {@code io/nxs/score/golden/}): a few images and recordings with
 * values from independent tools (OpenCV's BRISQUE, ffmpeg's ebur128 loudness and true peak) and the
 * quality recorded when they were made ({@code bench/score/make-goldens.py}). Checked before a
 * daemon's first score of each kind, by the CLI's offline engine as it starts, and in CI: a
 * built-in scorer that disagrees with its goldens beyond the tolerance is not used, and says why.
 */
public final class Goldens {

  private static final String DIR = "/io/nxs/score/golden/";

  private Goldens() {}

  /**
   * Checks both built-in scorers.
   *
   * @return per kind, the disagreements found (empty lists when the scorer agrees)
   */
  public static Map<MediaFormat.Kind, List<String>> check(ScoringEngine engine) {
    return check(engine, EnumSet.allOf(MediaFormat.Kind.class));
  }

  /**
   * Checks the built-in scorers of {@code kinds} against their goldens alone (a daemon's first
   * image need not wait for the voice scorer's check).
   *
   * @return per kind checked, the disagreements found (empty lists when the scorer agrees)
   */
  public static Map<MediaFormat.Kind, List<String>> check(
      ScoringEngine engine, Set<MediaFormat.Kind> kinds) {
    JsonNode expected;
    try (InputStream in = Goldens.class.getResourceAsStream(DIR + "expected.json")) {
      if (in == null) {
        throw new NxsException("the golden references are missing from the nxs-score jar");
      }
      expected = Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new NxsException("the golden references are damaged: " + e.getMessage(), e);
    }
    Map<MediaFormat.Kind, List<String>> out = new EnumMap<>(MediaFormat.Kind.class);
    kinds.forEach(kind -> out.put(kind, new ArrayList<>()));
    JsonNode tolerance = expected.path("tolerance");
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.path("items").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> item = it.next();
      String name = item.getKey();
      byte[] bytes = read(name);
      MediaFormat f =
          MediaFormat.sniff(bytes)
              .orElseThrow(() -> new NxsException("golden " + name + " is no known media"));
      List<String> problems = out.get(f.kind());
      if (problems == null) {
        continue;
      }
      Assessment a;
      try {
        a =
            f.kind() == MediaFormat.Kind.IMAGE
                ? engine.images().assess(ImageDecoder.decode(bytes, f, Long.MAX_VALUE))
                : engine.voices().assess(AudioDecoder.decode(bytes, f, 3600));
      } catch (RuntimeException e) {
        problems.add(name + ": the scorer failed: " + e.getMessage());
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> fields = item.getValue().fields();
          fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!field.getValue().isNumber()) {
          continue;
        }
        String dim = field.getKey();
        double want = field.getValue().asDouble();
        double tol = tolerance.path(dim).asDouble(0);
        Dimension got = dim.equals("quality") ? a.quality() : a.dimensions().get(dim);
        if (got == null) {
          problems.add(name + ": " + dim + " is missing (expected " + want + ")");
        } else if (Math.abs(got.value() - want) > tol) {
          problems.add(
              String.format(
                  Locale.ROOT,
                  "%s: %s is %.3f, the golden says %.3f (tolerance %.2f)",
                  name,
                  dim,
                  got.value(),
                  want,
                  tol));
        }
      }
    }
    return out;
  }

  /** The bytes of one golden file. */
  public static byte[] read(String name) {
    try (InputStream in = Goldens.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new NxsException("golden " + name + " is missing from the nxs-score jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new NxsException("cannot read golden " + name + ": " + e.getMessage(), e);
    }
  }
}
