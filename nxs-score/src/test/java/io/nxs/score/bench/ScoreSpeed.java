package io.nxs.score.bench;

import io.nxs.score.MediaFormat;
import io.nxs.score.audio.AudioDecoder;
import io.nxs.score.audio.AudioScorer;
import io.nxs.score.audio.Sound;
import io.nxs.score.image.Brisque;
import io.nxs.score.image.BrisqueModel;
import io.nxs.score.image.BrisqueWorkspaces;
import io.nxs.score.image.ImageDecoder;
import io.nxs.score.image.ImageScorer;
import io.nxs.score.image.Picture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Times NXS's scorers for {@code bench/score/speed.sh}, which runs OpenCV's QualityBRISQUE on the
 * same images in the same run:
 *
 * <pre>
 *   java -cp ... io.nxs.score.bench.ScoreSpeed brisque DIR ROUNDS   # ms per image, BRISQUE only
 *   java -cp ... io.nxs.score.bench.ScoreSpeed image DIR ROUNDS     # ms per image, decode + all
 *   java -cp ... io.nxs.score.bench.ScoreSpeed voice DIR ROUNDS     # x real time, decode + all
 * </pre>
 *
 * Each file is decoded once for {@code brisque} (as the Python side decodes with cv2.imread before
 * timing), the first round warms the JIT up and is not counted, and the median per file of the
 * other rounds is printed, with their total, in wall time and in the thread's own CPU time (the
 * latter less distorted on a shared, overloaded machine).
 */
public final class ScoreSpeed {

  private ScoreSpeed() {}

  public static void main(String[] args) throws Exception {
    String what = args[0];
    Path dir = Path.of(args[1]);
    int rounds = Integer.parseInt(args[2]);
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(f -> MediaFormat.ofName(f.toString()).isPresent()).sorted().toList();
    }
    BrisqueModel model = BrisqueModel.live();
    List<byte[]> bytes = new ArrayList<>();
    for (Path f : files) {
      bytes.add(Files.readAllBytes(f));
    }
    List<Picture> pictures = new ArrayList<>();
    if (what.equals("brisque")) {
      for (byte[] b : bytes) {
        pictures.add(ImageDecoder.decode(b, MediaFormat.sniff(b).orElseThrow(), Long.MAX_VALUE));
      }
    }
    ImageScorer images = new ImageScorer(model, Clock.systemUTC());
    BrisqueWorkspaces workspaces = images.workspaces();
    AudioScorer voices = new AudioScorer();
    double audioSeconds = 0;
    double[][] ms = new double[files.size()][rounds];
    double[][] cpu = new double[files.size()][rounds];
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    for (int r = 0; r <= rounds; r++) {
      for (int i = 0; i < files.size(); i++) {
        long t0 = System.nanoTime();
        long c0 = threads.getCurrentThreadCpuTime();
        switch (what) {
          case "brisque" -> {
            Picture p = pictures.get(i);
            Brisque.compute(p.grey(), p.width(), p.height(), model, workspaces).orElseThrow();
          }
          case "image" -> {
            byte[] b = bytes.get(i);
            images.assess(
                ImageDecoder.decode(b, MediaFormat.sniff(b).orElseThrow(), Long.MAX_VALUE));
          }
          case "voice" -> {
            byte[] b = bytes.get(i);
            Sound s = AudioDecoder.decode(b, MediaFormat.sniff(b).orElseThrow(), 86_400);
            voices.assess(s);
            if (r == 1) {
              audioSeconds += s.seconds();
            }
          }
          default -> throw new IllegalArgumentException("brisque, image or voice, not " + what);
        }
        if (r > 0) {
          ms[i][r - 1] = (System.nanoTime() - t0) / 1e6;
          cpu[i][r - 1] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        }
      }
    }
    double total = 0;
    double cpuTotal = 0;
    for (int i = 0; i < files.size(); i++) {
      double[] m = ms[i].clone();
      Arrays.sort(m);
      total += m[m.length / 2];
      double[] c = cpu[i].clone();
      Arrays.sort(c);
      cpuTotal += c[c.length / 2];
    }
    if (what.equals("voice")) {
      System.out.printf(
          Locale.ROOT,
          "voice %d files %.1f s of audio: median total %.1f ms = %.0fx real time"
              + " (thread CPU %.1f ms = %.0fx)%n",
          files.size(),
          audioSeconds,
          total,
          audioSeconds * 1000 / total,
          cpuTotal,
          audioSeconds * 1000 / cpuTotal);
    } else {
      System.out.printf(
          Locale.ROOT,
          "%s %d files: median %.1f ms per image (%.1f images/s on one thread); thread CPU"
              + " %.1f ms per image%n",
          what,
          files.size(),
          total / files.size(),
          files.size() * 1000 / total,
          cpuTotal / files.size());
    }
  }
}
