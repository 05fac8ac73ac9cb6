package io.nxs.score;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Tests that need a Debian tool skip without it, but fail in CI, where it is installed. */
final class ToolCheck {

  private ToolCheck() {}

  static void require(String what, boolean present) {
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(what + " is missing in CI: scripts/test-tools installs it");
    }
    assumeTrue(present, what + " is not installed (scripts/test-tools installs it)");
  }

  /** Debian's python3 with OpenCV's contrib quality module and the LIVE model files. */
  static void opencv() {
    boolean present =
        Files.isExecutable(Path.of("/usr/bin/python3"))
            && Files.exists(Path.of("/usr/share/opencv4/quality/brisque_model_live.yml"))
            && Files.exists(Path.of("/usr/lib/python3/dist-packages"))
            && cv2();
    require("python3-opencv with opencv-data", present);
  }

  static void ffmpeg() {
    require("ffmpeg", Files.isExecutable(Path.of("/usr/bin/ffmpeg")));
  }

  private static boolean cv2() {
    try {
      Process p =
          new ProcessBuilder(
                  "/usr/bin/python3", "-c", "import cv2; cv2.quality.QualityBRISQUE_compute")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
