package io.nxs.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.score.image.BrisqueModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in scorers agree with their golden references, as the module checks at first use. */
class GoldensTest {

  @Test
  void builtInScorersAgreeWithTheirGoldens() {
    try (ScoreFixture f = new ScoreFixture()) {
      Map<MediaFormat.Kind, List<String>> problems = Goldens.check(f.engine);
      assertThat(problems.get(MediaFormat.Kind.IMAGE)).isEmpty();
      assertThat(problems.get(MediaFormat.Kind.AUDIO)).isEmpty();
    }
  }

  @Test
  void aCheckOfOneKindJudgesThatKindsScorerAlone() {
    try (ScoreFixture f = new ScoreFixture()) {
      Map<MediaFormat.Kind, List<String>> problems =
          Goldens.check(f.engine, java.util.EnumSet.of(MediaFormat.Kind.AUDIO));
      assertThat(problems).containsOnlyKeys(MediaFormat.Kind.AUDIO);
      assertThat(problems.get(MediaFormat.Kind.AUDIO)).isEmpty();
    }
  }

  @Test
  void aScorerThatDisagreesWithItsGoldensIsNotUsedAndSaysWhy() {
    try (ScoreFixture f = new ScoreFixture()) {
      f.engine.disable(MediaFormat.Kind.IMAGE, "it disagrees with its golden references: brisque");
      Score s = f.service.score(Goldens.read("scene-clean.png"), "a.png", null);
      assertThat(s.status()).isEqualTo(Score.UNABLE);
      assertThat(s.quality()).isNull();
      assertThat(s.reason()).contains("builtin-image is out of service").contains("golden");
      Score voice = f.service.score(Goldens.read("speech-clean.wav"), "v.wav", null);
      assertThat(voice.status()).isEqualTo(Score.SCORED);
    }
  }

  @Test
  void theModelReaderMatchesAFullYamlParse() throws Exception {
    // Jackson's YAML parser reads the published files completely (slowly); the fast reader must
    // find the same numbers.
    var yaml =
        new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    String text;
    try (var in =
        BrisqueModel.class.getResourceAsStream("/io/nxs/score/brisque/brisque_model_live.yml")) {
      text =
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .replaceFirst("^%YAML:1.0\\s*\\n", "");
    }
    var svm = yaml.readTree(text).path("opencv_ml_svm");
    assertThat(svm.path("support_vectors").size())
        .isEqualTo(ScoreFixture.MODEL.supportVectorCount());
    assertThat(svm.path("decision_functions").get(0).path("alpha").size()).isEqualTo(774);
    assertThat(ScoreFixture.MODEL.version()).hasSize(12);
  }
}
