package io.nxs.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Out-of-distribution input (far from the benchmark set in feature space) goes to the review queue;
 * ordinary input does not; a person's verdict takes a score out of the queue.
 */
class ReviewQueueTest {

  @Test
  void unusualAndUncertainScoresAreQueuedUntilAPersonAnswers() {
    try (ScoreFixture f = new ScoreFixture()) {
      Score ordinary = f.service.score(Goldens.read("scene-jpeg30.jpg"), "ordinary.jpg", null);
      assertThat(ordinary.flags()).doesNotContain(Flags.OUT_OF_DISTRIBUTION, Flags.REVIEW);

      Random r = new Random(5);
      BufferedImage static_ = new BufferedImage(256, 192, BufferedImage.TYPE_3BYTE_BGR);
      for (int y = 0; y < 192; y++) {
        for (int x = 0; x < 256; x++) {
          static_.setRGB(x, y, r.nextInt(1 << 24)); // television static: every pixel random
        }
      }
      Score odd = f.service.score(TestMedia.png(static_), "static.png", null);
      assertThat(odd.status()).isEqualTo(Score.SCORED);
      assertThat(odd.flags()).contains(Flags.OUT_OF_DISTRIBUTION, Flags.REVIEW);
      assertThat(odd.reason()).contains("standard deviations from the benchmark set");
      assertThat(f.service.reviewQueue(10)).extracting(Score::id).containsExactly(odd.id());

      // a scene whose quadrants differ a lot: its quality is uncertain, so a person looks too
      f.clock.advance(java.time.Duration.ofSeconds(1));
      Score uneven = f.service.score(Goldens.read("scene-clean.png"), "uneven.png", null);
      assertThat(uneven.quality().uncertainty()).isGreaterThan(12);
      assertThat(uneven.flags()).contains(Flags.LOW_CONFIDENCE, Flags.REVIEW);
      assertThat(f.service.reviewQueue(10))
          .extracting(Score::id)
          .containsExactly(odd.id(), uneven.id());
      f.service.feedback(uneven.id(), "up", "test");
      assertThat(f.metrics.scrape())
          .contains("nxs_score_review_queue{application=\"nxs\"} 1.0")
          .as("the gauge counts the queue");

      assertThat(f.service.feedback(odd.id(), "deleted", "test")).isTrue();
      assertThat(f.service.reviewQueue(10)).isEmpty();
      assertThat(f.service.feedback("sc-none", "up", "test")).isFalse();
    }
  }
}
