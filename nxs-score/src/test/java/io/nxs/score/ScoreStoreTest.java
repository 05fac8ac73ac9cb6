package io.nxs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.NxsException;
import io.nxs.core.state.StateStore;
import io.nxs.score.image.ImageScorer;
import io.nxs.score.store.ScoreStore;
import io.nxs.testkit.TempHome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scores are saved on one kept connection: each save is committed when it returns (other
 * connections, and a store opened afresh on the file, read it), a failed save leaves nothing behind
 * and the next one works, and a closed store saves again on a new connection.
 */
class ScoreStoreTest {

  @Test
  void everySavedScoreIsCommittedWhenTheSaveReturns() {
    try (TempHome home = TempHome.create()) {
      Path db = home.resolve("state.db");
      ScoreStore store = new ScoreStore(StateStore.open(db));
      store.save(score("sc-one", 71.5, 1), null, false);
      store.save(score("sc-two", 12.0, 2), null, true);

      // read on other connections, while the writer's is still open
      assertThat(store.find("sc-one")).get().extracting(s -> s.quality().value()).isEqualTo(71.5);
      assertThat(store.reviewCount()).isEqualTo(1);
      // and by a store opened afresh on the file, without closing the first
      ScoreStore other = new ScoreStore(StateStore.open(db));
      assertThat(other.recent(10)).extracting(Score::id).containsExactly("sc-two", "sc-one");

      store.close();
      store.save(score("sc-three", 50.0, 3), "corrupt", false); // a new connection after close
      assertThat(other.countsByStatus()).containsEntry(Score.SCORED, 3);
      other.close();
      store.close();
    }
  }

  @Test
  void aFailedSaveLeavesNothingAndTheNextSaveWorks() {
    try (TempHome home = TempHome.create()) {
      ScoreStore store = new ScoreStore(StateStore.open(home.resolve("state.db")));
      store.save(score("sc-same", 40.0, 1), null, false);

      assertThatThrownBy(() -> store.save(score("sc-same", 90.0, 2), null, false))
          .isInstanceOf(NxsException.class)
          .hasMessageContaining("cannot save score sc-same");

      store.save(score("sc-next", 60.0, 3), null, false);
      assertThat(store.find("sc-same")).get().extracting(s -> s.quality().value()).isEqualTo(40.0);
      assertThat(store.recent(10))
          .extracting(Score::id)
          .containsExactlyInAnyOrder("sc-same", "sc-next");
      store.close();
    }
  }

  private static Score score(String id, double quality, int second) {
    return new Score(
        id,
        id + ".jpg",
        "image",
        "JPEG",
        "00".repeat(32),
        Score.SCORED,
        new Dimension(quality, 1.5),
        Map.of("brisque", new Dimension(20, 2)),
        List.of(),
        new Score.ScorerInfo(ImageScorer.NAME, "1", null),
        null,
        Instant.parse("2026-12-01T10:00:00Z").plusSeconds(second));
  }
}
