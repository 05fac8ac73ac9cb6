package io.nxs.score.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BrisqueWorkspaceTest {

  private static final BrisqueModel MODEL = BrisqueModel.live();

  /**
   * Grey noise above a flat band (whose MSCN values are NaN or 0), blurred a little by averaging.
   */
  private static byte[] grey(int w, int h, long seed) {
    Random random = new Random(seed);
    byte[] g = new byte[w * h];
    for (int i = 0; i < g.length; i++) {
      int y = i / w;
      g[i] = (byte) (y >= h - h / 4 ? 128 : (random.nextInt(256) + random.nextInt(256)) / 2);
    }
    return g;
  }

  private static void assertSame(Optional<Brisque.Result> a, Optional<Brisque.Result> b) {
    assertThat(a).isPresent();
    assertThat(b).isPresent();
    assertThat(b.get().whole()).isEqualTo(a.get().whole());
    assertThat(b.get().quadrants()).containsExactly(a.get().quadrants());
    assertThat(b.get().features()).containsExactly(a.get().features());
  }

  @Test
  void anImageScoredInAWorkspaceALargerImageLeftBehindScoresExactlyAsBefore() {
    byte[] small = grey(97, 61, 1);
    Optional<Brisque.Result> before = Brisque.compute(small, 97, 61, MODEL);
    // every kept workspace now holds a larger, different image's values, borders included
    for (int i = 0; i < Runtime.getRuntime().availableProcessors() + 1; i++) {
      Brisque.compute(grey(1200, 700, 2 + i), 1200, 700, MODEL);
    }

    assertSame(before, Brisque.compute(small, 97, 61, MODEL));
  }

  @Test
  void anImageLargerThanAKeptWorkspaceGetsItsOwnAndScoresAsTheSameImageDoesAlone() {
    int w = 2100;
    int h = 1010; // over Workspace.RETAIN_PIXELS: never kept
    byte[] large = grey(w, h, 7);
    Optional<Brisque.Result> first = Brisque.compute(large, w, h, MODEL);
    Brisque.compute(grey(300, 200, 8), 300, 200, MODEL);

    assertThat((long) w * h).isGreaterThan(Brisque.Workspace.RETAIN_PIXELS);
    assertSame(first, Brisque.compute(large, w, h, MODEL));
  }

  @Test
  void theShippedModelIsReadOnceAndSharedAcrossThreads() throws Exception {
    BrisqueModel fromAnotherThread =
        java.util.concurrent.CompletableFuture.supplyAsync(BrisqueModel::live).get();

    assertThat(fromAnotherThread).isSameAs(MODEL);
  }
}
