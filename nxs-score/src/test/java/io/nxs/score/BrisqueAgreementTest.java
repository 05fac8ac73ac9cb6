package io.nxs.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.score.image.Brisque;
import io.nxs.score.image.ImageDecoder;
import io.nxs.score.image.Picture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NXS's BRISQUE agrees with OpenCV's own {@code cv2.quality.QualityBRISQUE} (Debian's
 * python3-opencv, the same LIVE model from opencv-data) within 2 points on the same images: the
 * goldens and images this test makes, sharp, blurred, noisy and JPEG-compressed, PNG and JPEG.
 */
class BrisqueAgreementTest {

  @TempDir Path dir;

  @Test
  void agreesWithOpenCvWithinTwoPoints() throws Exception {
    ToolCheck.opencv();
    Map<String, byte[]> images = new LinkedHashMap<>();
    for (String golden : List.of("scene-clean.png", "scene-blur.png", "scene-jpeg30.jpg")) {
      images.put(golden, Goldens.read(golden));
    }
    var scene = TestMedia.scene(400, 300, 11);
    images.put("scene.png", TestMedia.png(scene));
    images.put("scene-q70.jpg", TestMedia.jpeg(scene, 0.7f));
    images.put("scene-q20.jpg", TestMedia.jpeg(scene, 0.2f));
    images.put("odd-size.png", TestMedia.png(TestMedia.scene(333, 211, 12)));
    images.put("portrait.png", TestMedia.png(TestMedia.scene(180, 320, 13)));
    List<String> paths = new ArrayList<>();
    for (var e : images.entrySet()) {
      Path p = dir.resolve(e.getKey());
      Files.write(p, e.getValue());
      paths.add(p.toString());
    }
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", PY));
    cmd.addAll(paths);
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(proc.waitFor()).as(out).isZero();
    String[] lines = out.strip().split("\n");
    assertThat(lines).hasSize(images.size());
    int i = 0;
    for (var e : images.entrySet()) {
      double opencv = Double.parseDouble(lines[i++].strip());
      Picture p = decode(e.getValue());
      double ours =
          Brisque.compute(p.grey(), p.width(), p.height(), ScoreFixture.MODEL)
              .orElseThrow()
              .whole();
      assertThat(ours)
          .as(e.getKey() + " (OpenCV " + opencv + ")")
          .isCloseTo(opencv, org.assertj.core.data.Offset.offset(2.0));
    }
  }

  private static Picture decode(byte[] b) throws IOException {
    return ImageDecoder.decode(b, MediaFormat.sniff(b).orElseThrow(), Long.MAX_VALUE);
  }

  private static final String PY =
      """
      import sys, cv2
      m = '/usr/share/opencv4/quality/brisque_model_live.yml'
      r = '/usr/share/opencv4/quality/brisque_range_live.yml'
      for f in sys.argv[1:]:
          print(cv2.quality.QualityBRISQUE_compute(cv2.imread(f), m, r)[0])
      """;
}
