package io.nxs.app.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nxs.app.ModuleDoctor;
import io.nxs.audit.AuditLog;
import io.nxs.core.event.EventBus;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.Doctor;
import io.nxs.doctor.alert.Alert;
import io.nxs.doctor.alert.AlertState;
import io.nxs.doctor.rule.RuleLoader;
import io.nxs.score.ScoreConfig;
import io.nxs.score.ScoreModule;
import io.nxs.score.ScoreService;
import io.nxs.score.ScoringEngine;
import io.nxs.score.drift.DriftMonitor;
import io.nxs.score.store.ScoreStore;
import io.nxs.testkit.MutableClock;
import io.nxs.testkit.TempHome;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * SPEC SC3 end to end: the score module's drift figures (its MetricSource) and its built-in rule
 * (its RuleSource's YAML, loaded by the Doctor's own rule loader from the home's rules/ directory,
 * the Doctor's path for rules not its own until it loads registered rule sources itself) make a
 * shifted stream of images an alert, and leave an unshifted one alone.
 */
class ScoreDriftDoctorTest {

  @Test
  void theBuiltInRulesLoadInTheSeedFormat() {
    RuleLoader.Result r =
        RuleLoader.parse(ScoreModule.rules().rulesYaml(), ScoreModule.rules().origin());
    assertThat(r.problems()).isEmpty();
    assertThat(r.rules())
        .extracting(io.nxs.doctor.rule.Rule::id)
        .containsExactly("score-drift", "score-agreement-low", "score-review-backlog");
  }

  @Test
  void aShiftedStreamRaisesTheDriftAlertAndAnUnshiftedOneDoesNot() throws Exception {
    assertThat(firing(i -> image(i, 0))).isEmpty();
    assertThat(firing(i -> image(i, i < 30 ? 0 : 25)))
        .extracting(a -> a.labels().get("dimension"))
        .contains("noise");
  }

  private static List<Alert> firing(IntFunction<byte[]> stream) throws Exception {
    try (TempHome home = TempHome.create()) {
      MutableClock clock = MutableClock.startingAt2026();
      StateStore state = StateStore.open(home.resolve("state.db"));
      state.migrate("core");
      try (AuditLog audit = AuditLog.open(state, home.resolve("keys"), clock)) {
        ScoreConfig config =
            ScoreConfig.defaults().withDrift(new ScoreConfig.Drift(30, 30, Duration.ofMinutes(1)));
        ScoreStore store = new ScoreStore(state);
        DriftMonitor drift = new DriftMonitor(store, config.drift(), clock);
        try (ScoringEngine engine = ScoreModule.engine(home.path(), config, clock, audit)) {
          ScoreService service =
              new ScoreService(
                  engine, store, drift, audit, new EventBus(), new SimpleMeterRegistry(), clock);
          Doctor doctor =
              ModuleDoctor.of(home.path(), state, audit, clock, drift, ScoreModule.rules());
          try {
            for (int i = 0; i < 60; i++) {
              service.score(stream.apply(i), "img" + i + ".png", null);
              clock.advance(Duration.ofSeconds(20));
            }
            service.refreshDrift();
            clock.advance(Duration.ofSeconds(10));
            doctor.tick();
            clock.advance(Duration.ofSeconds(10));
            doctor.tick();
            return doctor.alerts().open().stream()
                .filter(a -> a.ruleId().equals("score-drift") && a.state() == AlertState.FIRING)
                .toList();
          } finally {
            doctor.close();
          }
        }
      }
    }
  }

  private static byte[] image(int i, double noise) {
    Random r = new Random(i);
    BufferedImage img = new BufferedImage(96, 72, BufferedImage.TYPE_3BYTE_BGR);
    double fx = 0.03 + r.nextDouble() * 0.1;
    double fy = 0.03 + r.nextDouble() * 0.1;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int g =
            (int) Math.round(120 + 50 * Math.sin(x * fx) * Math.cos(y * fy) + r.nextGaussian() * 3);
        g = Math.max(0, Math.min(255, g));
        img.setRGB(x, y, (Math.min(255, g + 25) << 16) | (g << 8) | Math.max(0, g - 25));
      }
    }
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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
