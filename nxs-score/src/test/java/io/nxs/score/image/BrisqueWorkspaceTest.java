package io.nxs.score.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.testkit.MutableClock;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BrisqueWorkspaceTest {

  private static final BrisqueModel MODEL = BrisqueModel.live();

  private final MutableClock clock = MutableClock.startingAt2026();
  private final BrisqueWorkspaces workspaces =
      new BrisqueWorkspaces(clock, Duration.ofMinutes(1), 2);

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
    // the kept workspace now holds a larger, different image's values, borders included
    for (int i = 0; i < 3; i++) {
      Brisque.compute(grey(1200, 700, 2 + i), 1200, 700, MODEL, workspaces);
    }
    long kept = workspaces.keptBytes();

    assertSame(before, Brisque.compute(small, 97, 61, MODEL, workspaces));
    assertThat(workspaces.keptBytes()).isEqualTo(kept).isGreaterThan(1200 * 700 * 7L);
  }

  @Test
  void anImageLargerThanAKeptWorkspaceGetsItsOwnAndScoresAsTheSameImageDoesAlone() {
    int w = 2100;
    int h = 1010; // over Workspace.RETAIN_PIXELS: never kept
    byte[] large = grey(w, h, 7);
    Optional<Brisque.Result> first = Brisque.compute(large, w, h, MODEL, workspaces);
    assertThat(workspaces.keptBytes()).isZero();
    Brisque.compute(grey(300, 200, 8), 300, 200, MODEL, workspaces);

    assertThat((long) w * h).isGreaterThan(Brisque.Workspace.RETAIN_PIXELS);
    assertSame(first, Brisque.compute(large, w, h, MODEL, workspaces));
  }

  @Test
  void aWorkspaceUnusedForTheIdlePeriodIsReleasedAndOneInUseIsKept() {
    byte[] image = grey(400, 300, 9);
    Optional<Brisque.Result> first = Brisque.compute(image, 400, 300, MODEL, workspaces);
    long one = workspaces.keptBytes();
    assertThat(one).isGreaterThan(400 * 300 * 7L);

    clock.advance(Duration.ofSeconds(59));
    assertThat(workspaces.releaseIdle()).isZero();
    Brisque.compute(image, 400, 300, MODEL, workspaces); // used again: idle from now
    clock.advance(Duration.ofSeconds(59));
    assertThat(workspaces.releaseIdle()).isZero();
    assertThat(workspaces.keptBytes()).isEqualTo(one);

    clock.advance(Duration.ofSeconds(1));
    assertThat(workspaces.releaseIdle()).isEqualTo(one);
    assertThat(workspaces.keptBytes()).isZero();
    // the next image makes a new workspace and scores the same
    assertSame(first, Brisque.compute(image, 400, 300, MODEL, workspaces));
    assertThat(workspaces.keptBytes()).isEqualTo(one);
  }

  @Test
  void onlyTheWorkspacesLeftIdleAreReleasedWhenSomeAreStillInUse() throws Exception {
    byte[] image = grey(200, 150, 10);
    // two images at once leave two workspaces
    Thread other = Thread.ofPlatform().start(this::hold);
    hold();
    other.join();
    long two = workspaces.keptBytes();
    long one = two / 2;
    clock.advance(Duration.ofSeconds(50));
    Brisque.compute(image, 200, 150, MODEL, workspaces); // the most recent one is taken and kept
    clock.advance(Duration.ofSeconds(10));

    assertThat(workspaces.releaseIdle()).isEqualTo(one);
    assertThat(workspaces.keptBytes()).isEqualTo(one);
  }

  private final java.util.concurrent.CyclicBarrier bothTaken =
      new java.util.concurrent.CyclicBarrier(2);

  /** Takes a workspace, waits until the other thread has taken one too, gives it back. */
  private void hold() {
    Brisque.Workspace ws = workspaces.take(200, 150);
    try {
      bothTaken.await();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    workspaces.give(ws);
  }

  @Test
  void theShippedModelIsReadOnceAndSharedAcrossThreads() throws Exception {
    BrisqueModel fromAnotherThread =
        java.util.concurrent.CompletableFuture.supplyAsync(BrisqueModel::live).get();

    assertThat(fromAnotherThread).isSameAs(MODEL);
  }
}
