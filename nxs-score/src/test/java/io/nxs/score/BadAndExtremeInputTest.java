package io.nxs.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC SC2 at the service: every malformed input is rejected with a clear reason (never an
 * exception), every extreme one is scored by its special case, flagged {@code edge_case}, with the
 * dimensions that cannot be judged left out, and no score is ever NaN.
 */
class BadAndExtremeInputTest {

  @Test
  void malformedInputIsRejectedWithItsReason() {
    try (ScoreFixture f = new ScoreFixture()) {
      for (Map.Entry<String, Object[]> c : BadInput.cases().entrySet()) {
        Score s = f.service.score((byte[]) c.getValue()[0], c.getKey(), null);
        assertThat(s.status()).as(c.getKey() + ": " + s.reason()).isEqualTo(Score.REJECTED);
        assertThat(f.store.find(s.id())).isPresent();
        assertThat(s.reason()).as(c.getKey()).isNotBlank().doesNotContain("\n");
        assertThat(s.quality()).isNull();
        assertThat(s.dimensions()).isEmpty();
        String code =
            f.metrics
                .scrape()
                .lines()
                .filter(l -> l.startsWith("nxs_score_rejections_total"))
                .toList()
                .toString();
        assertThat(code).as(c.getKey()).containsPattern("reason=\"(" + c.getValue()[1] + ")\"");
      }
    }
  }

  @Test
  void theBombIsRefusedFromItsHeaderWithTheLimitNamed() {
    try (ScoreFixture f = new ScoreFixture()) {
      Score s = f.service.score(BadInput.bombPng(100_000, 100_000), "bomb.png", "image/png");
      assertThat(s.reason()).contains("100000x100000").contains("score.limits.max_pixels");
    }
  }

  @Test
  void theContentTypeMustMatchTheBytes() {
    try (ScoreFixture f = new ScoreFixture()) {
      Score s = f.service.score(Goldens.read("scene-clean.png"), null, "audio/wav");
      assertThat(s.status()).isEqualTo(Score.REJECTED);
      assertThat(s.reason()).contains("audio/wav").contains("PNG");
    }
  }

  @Test
  void flatImagesAreEdgeCasesWithoutTheDimensionsTheyCannotHave() {
    try (ScoreFixture f = new ScoreFixture()) {
      for (Color c : new Color[] {Color.BLACK, Color.WHITE, new Color(30, 120, 200)}) {
        Score s = f.service.score(TestMedia.png(TestMedia.solid(300, 200, c)), "flat.png", null);
        assertThat(s.status()).isEqualTo(Score.SCORED);
        assertThat(s.flags()).contains(Flags.EDGE_CASE);
        assertThat(s.dimensions())
            .doesNotContainKeys("brisque", "sharpness", "noise", "compression");
        assertThat(s.dimensions()).containsKeys("exposure", "contrast", "colorfulness");
        assertThat(s.quality().value()).isZero();
        assertThat(s.reason()).contains("single colour");
      }
      Score black =
          f.service.score(TestMedia.png(TestMedia.solid(300, 200, Color.BLACK)), "b.png", null);
      assertThat(black.dimensions().get("exposure").value()).isEqualTo(1.0);
    }
  }

  @Test
  void tinyAndExtremelyWideImagesAreEdgeCases() {
    try (ScoreFixture f = new ScoreFixture()) {
      Score one = f.service.score(TestMedia.png(TestMedia.scene(1, 1, 1)), "one.png", null);
      assertThat(one.status()).isEqualTo(Score.SCORED);
      assertThat(one.flags()).contains(Flags.EDGE_CASE);
      assertThat(one.reason()).contains("single colour"); // one pixel is one colour
      assertThat(one.dimensions()).doesNotContainKey("brisque");

      Score small = f.service.score(TestMedia.png(TestMedia.scene(24, 12, 1)), "small.png", null);
      assertThat(small.status()).isEqualTo(Score.SCORED);
      assertThat(small.flags()).contains(Flags.EDGE_CASE);
      assertThat(small.dimensions())
          .doesNotContainKeys("brisque", "sharpness", "noise")
          .containsKey("contrast");
      assertThat(small.quality()).isNull();
      assertThat(small.reason()).contains("24x12").contains("at least 32 px");

      Score wide = f.service.score(TestMedia.png(TestMedia.scene(20_000, 40, 2)), "wide.png", null);
      assertThat(wide.status()).isEqualTo(Score.SCORED);
      assertThat(wide.flags()).contains(Flags.EDGE_CASE);
      assertThat(wide.reason()).contains("aspect ratio 500:1");
      assertThat(wide.quality()).isNotNull();
    }
  }

  @Test
  void silenceTonesAndTinyClipsAreEdgeCases() {
    try (ScoreFixture f = new ScoreFixture()) {
      Score silence = f.service.score(TestMedia.wav(16000, 16, new float[32000]), "s.wav", null);
      assertThat(silence.flags()).contains(Flags.EDGE_CASE);
      assertThat(silence.dimensions())
          .doesNotContainKeys("loudness_lufs", "snr_db", "bandwidth_hz");
      assertThat(silence.dimensions().get("silence").value()).isEqualTo(1.0);
      assertThat(silence.quality().value()).isZero();

      Score tone =
          f.service.score(
              TestMedia.wav(16000, 16, TestMedia.tone(16000, 2, 1000, 0.5)), "t.wav", null);
      assertThat(tone.flags()).contains(Flags.EDGE_CASE);
      assertThat(tone.reason()).contains("pure tone at 1000 Hz");
      assertThat(tone.dimensions()).doesNotContainKey("snr_db").containsKey("loudness_lufs");

      Score tiny =
          f.service.score(
              TestMedia.wav(16000, 16, TestMedia.voice(16000, 0.1, 30, 1)), "tiny.wav", null);
      assertThat(tiny.status()).isEqualTo(Score.SCORED);
      assertThat(tiny.flags()).contains(Flags.EDGE_CASE);
      assertThat(tiny.dimensions()).doesNotContainKeys("loudness_lufs", "snr_db");
      assertThat(tiny.quality()).isNull();
      assertThat(tiny.reason()).contains("0.10 s");
    }
  }

  @Test
  void everyFormatScoresAndNoValueIsEverNaN() {
    try (ScoreFixture f = new ScoreFixture()) {
      var scene = TestMedia.scene(240, 180, 9);
      Map<String, byte[]> files =
          Map.of(
              "a.png", TestMedia.png(scene),
              "a.jpg", TestMedia.jpeg(scene, 0.8f),
              "a.bmp", TestMedia.encode(scene, "bmp"),
              "a.gif", TestMedia.encode(scene, "gif"),
              "a.tiff", TestMedia.encode(scene, "tiff"),
              "a.wav", TestMedia.wav(44100, 24, TestMedia.voice(44100, 1.5, 20, 2)),
              "b.wav", TestMedia.wav(8000, 8, TestMedia.voice(8000, 1.5, 20, 3)));
      for (var e : files.entrySet()) {
        Score s = f.service.score(e.getValue(), e.getKey(), null);
        assertThat(s.status()).as(e.getKey() + " " + s.reason()).isEqualTo(Score.SCORED);
        assertThat(s.quality().value()).isBetween(0.0, 100.0);
        s.dimensions().forEach((k, d) -> assertThat(Double.isFinite(d.value())).as(k).isTrue());
        assertThat(s.scorer().version()).isNotBlank();
      }
      Score webp = f.service.score(webp(), "a.webp", null);
      assertThat(webp.kind()).isEqualTo("image");
      assertThat(webp.status()).as(webp.reason()).isIn(Score.SCORED);
    }
  }

  /** A lossless 1x1 WebP (VP8L), the smallest one the format allows, from its specification. */
  private static byte[] webp() {
    return java.util.HexFormat.of()
        .parseHex("524946461a000000574542505650384c0d0000002f0000001007100011114888fe0700");
  }
}
