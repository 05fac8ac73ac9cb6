package io.nxs.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.ext.MetricSource;
import io.nxs.score.drift.Drift;
import io.nxs.score.drift.DriftMonitor;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * SPEC SC3: PSI and the KS test between a scorer version's reference window and its recent one; a
 * stream whose images change (noisier, here) shows drift on the dimensions that changed, an
 * unchanged stream shows none; feedback gives the agreement rate.
 */
class DriftTest {

  private static final ScoreConfig CONFIG =
      ScoreConfig.defaults().withDrift(new ScoreConfig.Drift(30, 30, Duration.ofMinutes(1)));

  @Test
  void psiAndKsSeparateAShiftFromNoise() {
    Random r = new Random(1);
    double[] a = r.doubles(500).map(x -> r.nextGaussian()).toArray();
    double[] b = r.doubles(500).map(x -> r.nextGaussian()).toArray();
    double[] shifted = r.doubles(500).map(x -> r.nextGaussian() + 1).toArray();
    Drift.Result same = Drift.between(a, b);
    Drift.Result moved = Drift.between(a, shifted);
    assertThat(same.psi()).isLessThan(0.1);
    assertThat(same.ksP()).isGreaterThan(0.01);
    assertThat(moved.psi()).isGreaterThan(0.25);
    assertThat(moved.ksP()).isLessThan(1e-6);
  }

  @Test
  void aShiftedStreamDriftsAndAnUnshiftedOneDoesNot() {
    assertThat(drifting(i -> image(i, 0))).isEmpty();
    assertThat(drifting(i -> image(i, i < 30 ? 0 : 25))).contains("noise", "quality");
  }

  @Test
  void feedbackGivesTheAgreementRate() {
    try (ScoreFixture f = new ScoreFixture(CONFIG, java.util.Map.of())) {
      Score good = f.service.score(Goldens.read("scene-clean.png"), "g.png", null);
      Score bad = f.service.score(Goldens.read("scene-blur.png"), "b.png", null);
      assertThat(good.quality().value()).isGreaterThan(50);
      assertThat(bad.quality().value()).isLessThan(50);
      f.service.feedback(good.id(), "kept", "test");
      f.service.feedback(bad.id(), "kept", "test");
      DriftMonitor.Report r = f.service.refreshDrift();
      DriftMonitor.Trust t =
          r.trust().stream().filter(x -> x.kind().equals("image")).findFirst().orElseThrow();
      assertThat(t.agreementRate()).isEqualTo(0.5);
      assertThat(t.feedbackCount()).isEqualTo(2);
      assertThat(f.drift.collect())
          .filteredOn(s -> s.metric().equals("score.agreement_percent"))
          .extracting(MetricSource.Sample::value)
          .containsExactly(50.0);
    }
  }

  /** The dimensions whose drift the built-in rule would alert on (PSI > 0.25 and KS p < 0.01). */
  private static List<String> drifting(IntFunction<byte[]> stream) {
    try (ScoreFixture f = new ScoreFixture(CONFIG, java.util.Map.of())) {
      for (int i = 0; i < 60; i++) {
        f.service.score(stream.apply(i), "img" + i + ".png", null);
        f.clock.advance(Duration.ofMinutes(1));
      }
      DriftMonitor.Report r = f.service.refreshDrift();
      assertThat(r.dimensions()).isNotEmpty();
      assertThat(f.drift.collect())
          .extracting(MetricSource.Sample::metric)
          .contains("score.drift_psi", "score.drift_ks_p");
      return r.dimensions().stream()
          .filter(d -> d.psi() > 0.25 && d.ksP() < 0.01)
          .map(DriftMonitor.DimensionDrift::dimension)
          .toList();
    }
  }

  /** A small generated photo, with extra Gaussian noise of the given sigma. */
  private static byte[] image(int i, double noise) {
    var img = TestMedia.scene(96, 72, 100 + i);
    Random r = new Random(i);
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int n = (int) Math.round(r.nextGaussian() * noise);
        int red = Math.max(0, Math.min(255, ((rgb >> 16) & 0xff) + n));
        int green = Math.max(0, Math.min(255, ((rgb >> 8) & 0xff) + n));
        int blue = Math.max(0, Math.min(255, (rgb & 0xff) + n));
        img.setRGB(x, y, (red << 16) | (green << 8) | blue);
      }
    }
    return TestMedia.png(img);
  }
}
