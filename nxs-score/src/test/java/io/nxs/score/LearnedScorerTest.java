package io.nxs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.NxsException;
import io.nxs.score.learned.OnnxScorer;
import java.awt.Color;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learned-scorer path through the real ONNX Runtime, with tiny models the tests ship ({@code
 * onnx/make-models.py} writes them): loading, both output forms, the primary/fallback order, and
 * refusal of a model that does not fit its config.
 */
class LearnedScorerTest {

  @TempDir Path dir;

  private Path model(String name) throws Exception {
    Path p = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/io/nxs/score/onnx/" + name)) {
      Files.write(p, in.readAllBytes());
    }
    return p;
  }

  private static ScoreConfig.Model image(String path, List<Double> range) {
    return new ScoreConfig.Model(
        path, 32, 32, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0), null, null, range);
  }

  @Test
  void aScalarModelIsThePrimaryScorerAndTheBuiltInOneASecondOpinion() throws Exception {
    OnnxScorer mean =
        OnnxScorer.load(
            model("image-mean.onnx"),
            image("image-mean.onnx", List.of(0.0, 1.0)),
            MediaFormat.Kind.IMAGE);
    try (ScoreFixture f =
        new ScoreFixture(ScoreConfig.defaults(), Map.of(MediaFormat.Kind.IMAGE, mean))) {
      Score bright =
          f.service.score(
              TestMedia.png(TestMedia.solid(64, 64, new Color(230, 230, 230))), "b.png", null);
      Score dark =
          f.service.score(
              TestMedia.png(TestMedia.solid(64, 64, new Color(20, 20, 20))), "d.png", null);
      // the model's score is the mean pixel: it must come through, mapped to 0-100
      assertThat(bright.quality().value())
          .isCloseTo(100 * 230 / 255.0, org.assertj.core.data.Offset.offset(0.5));
      assertThat(dark.quality().value())
          .isCloseTo(100 * 20 / 255.0, org.assertj.core.data.Offset.offset(0.5));
      assertThat(bright.scorer().name()).isEqualTo("onnx:image-mean.onnx");
      assertThat(bright.scorer().version()).contains("builtin-image@");
      assertThat(bright.dimensions()).containsKey("learned_quality").containsKey("exposure");
      // the built-in scorer says 0 for a flat image: the two disagree, so a person looks
      assertThat(bright.flags()).contains(Flags.DISAGREEMENT, Flags.REVIEW);
      assertThat(f.service.reviewQueue(10)).extracting(Score::id).contains(bright.id());
    }
  }

  @Test
  void aDistributionModelGivesItsMeanAndSpread() throws Exception {
    try (OnnxScorer dist =
        OnnxScorer.load(
            model("image-dist.onnx"),
            image("image-dist.onnx", List.of(1.0, 3.0)),
            MediaFormat.Kind.IMAGE)) {
      Dimension d =
          dist.score(io.nxs.score.image.Picture.of(TestMedia.solid(64, 64, new Color(255, 0, 0))));
      // softmax over channel means (1, 0, 0): p = (0.576, 0.212, 0.212) over scores 1, 2, 3
      double p1 = Math.exp(1) / (Math.exp(1) + 2);
      double p2 = 1 / (Math.exp(1) + 2);
      double mean = p1 + 2 * p2 + 3 * p2;
      assertThat(d.value())
          .isCloseTo((mean - 1) / 2 * 100, org.assertj.core.data.Offset.offset(0.1));
      assertThat(d.uncertainty()).isGreaterThan(10);
    }
  }

  @Test
  void anAudioModelScoresResampledMonoAudio() throws Exception {
    ScoreConfig.Model spec =
        new ScoreConfig.Model(
            "audio-mean.onnx", null, null, null, null, 16000, 16000, List.of(0.0, 1.0));
    try (OnnxScorer m = OnnxScorer.load(model("audio-mean.onnx"), spec, MediaFormat.Kind.AUDIO)) {
      var s =
          io.nxs.score.audio.AudioDecoder.decode(
              TestMedia.wav(48000, 16, TestMedia.tone(48000, 1, 440, 0.5)), MediaFormat.WAV, 60);
      // the mean |sine| of amplitude 0.5 is 0.5 * 2 / pi
      assertThat(m.score(s).value())
          .isCloseTo(100 * 0.5 * 2 / Math.PI, org.assertj.core.data.Offset.offset(1.0));
    }
  }

  @Test
  void whenThePrimaryFailsTheBuiltInScorerAnswersAndSaysSo() throws Exception {
    // a "range" the model's answers fall far outside of: every answer is refused as not a score
    OnnxScorer wrong =
        OnnxScorer.load(
            model("image-mean.onnx"),
            image("image-mean.onnx", List.of(5.0, 6.0)),
            MediaFormat.Kind.IMAGE);
    try (ScoreFixture f =
        new ScoreFixture(ScoreConfig.defaults(), Map.of(MediaFormat.Kind.IMAGE, wrong))) {
      Score s = f.service.score(Goldens.read("scene-clean.png"), "c.png", null);
      assertThat(s.status()).isEqualTo(Score.SCORED);
      assertThat(s.scorer().name()).isEqualTo("builtin-image");
      assertThat(s.scorer().fallback())
          .contains("onnx:image-mean.onnx")
          .contains("outside its configured range");
      assertThat(s.flags()).contains(Flags.FALLBACK, Flags.REVIEW);
    }
  }

  @Test
  void aModelThatDoesNotFitItsConfigOrIsNoModelIsRefused() throws Exception {
    assertThatThrownBy(
            () ->
                OnnxScorer.load(
                    model("image-mean.onnx"),
                    new ScoreConfig.Model("x", 224, 224, null, null, null, null, null),
                    MediaFormat.Kind.IMAGE))
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("[1, 3, 32, 32]")
        .hasMessageContaining("[1, 3, 224, 224]");
    Path junk = dir.resolve("junk.onnx");
    Files.writeString(junk, "not a model");
    assertThatThrownBy(
            () ->
                OnnxScorer.load(
                    junk, image("junk.onnx", List.of(0.0, 1.0)), MediaFormat.Kind.IMAGE))
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("cannot load");
  }
}
