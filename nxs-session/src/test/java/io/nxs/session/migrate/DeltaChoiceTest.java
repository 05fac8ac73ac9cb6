package io.nxs.session.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.session.DeltaMode;
import org.junit.jupiter.api.Test;

class DeltaChoiceTest {

  private static final long MB = 1_000_000;

  /**
   * A 17 MB store grown 1 % since the copy both sides hold; compresses to 14 %, 100 MB/s a thread
   * on two threads; a patch pass reads 4 MB/s (the figures of a busy two-core host). No chunk round
   * trip measured, no patch set-up.
   */
  private static DeltaChoice.Figures store(double linkBytesPerSecond, long cap) {
    return figures(linkBytesPerSecond, cap, Double.NaN, 0);
  }

  private static DeltaChoice.Figures figures(
      double linkBytesPerSecond, long cap, double chunkBytesPerSecond, double patchFixedSeconds) {
    return new DeltaChoice.Figures(
        17 * MB,
        17 * MB * 100 / 101,
        linkBytesPerSecond,
        cap,
        0.14,
        100 * MB,
        2,
        4 * MB,
        chunkBytesPerSecond,
        patchFixedSeconds);
  }

  @Test
  void onALoopbackFastLinkTheWholeStoreIsSoonerThanMakingThePatch() {
    DeltaChoice.Decision d = DeltaChoice.decide("main", store(500 * MB, 0));

    assertThat(d.patch()).isFalse();
    assertThat(d.wholeSeconds()).isLessThan(d.patchSeconds());
    assertThat(d.reason()).startsWith("the whole store is faster");
    assertThat(d.figures().linkBytesPerSecond()).isEqualTo(500 * MB);
  }

  @Test
  void onAOneMegabitUplinkThePatchIsSooner() {
    DeltaChoice.Decision d = DeltaChoice.decide("main", store(125_000, 0));

    assertThat(d.patch()).isTrue();
    // Whole: 2.38 MB on the wire at 125 kB/s ≈ 19 s; patch: 34 MB read at 4 MB/s ≈ 8.5 s + 0.2 s.
    assertThat(d.wholeSeconds()).isBetween(18.0, 20.0);
    assertThat(d.patchSeconds()).isBetween(8.0, 9.5);
    assertThat(d.reason()).startsWith("the patch is faster");
  }

  @Test
  void aBandwidthCapSlowsTheWholeStoreLikeASlowLink() {
    // The cap counts uncompressed bytes: 17 MB at 1 MB/s is 17 s, however fast the link.
    DeltaChoice.Decision capped = DeltaChoice.decide("main", store(500 * MB, MB));

    assertThat(capped.patch()).isTrue();
    assertThat(capped.wholeSeconds()).isEqualTo(17.0);
  }

  @Test
  void aStoreThatMostlyChangedIsNeverWorthPatchingOnAFastLink() {
    // Grown by half: even the smallest patch is the new half compressed, after a 25.5 MB pass.
    DeltaChoice.Figures f =
        new DeltaChoice.Figures(
            17 * MB, 17 * MB / 2, 10 * MB, 0, 0.14, 100 * MB, 2, 4 * MB, Double.NaN, 0);

    assertThat(DeltaChoice.decide("main", f).patch()).isFalse();
  }

  @Test
  void aLinkThatCouldNotBeMeasuredLeavesTheChoiceToTheBytes() {
    DeltaChoice.Decision d = DeltaChoice.decide("main", store(Double.NaN, 0));

    assertThat(d.patch()).isTrue();
    assertThat(d.reason()).contains("could not be measured");
    assertThat(d.wholeSeconds()).isNull();
  }

  @Test
  void alwaysAndNeverDecideWithoutMeasuring() {
    assertThat(DeltaChoice.byMode("main", DeltaMode.ALWAYS).patch()).isTrue();
    assertThat(DeltaChoice.byMode("main", DeltaMode.NEVER).patch()).isFalse();
    assertThat(DeltaChoice.byMode("main", DeltaMode.NEVER).reason())
        .isEqualTo("session.migration.delta is never");
  }

  @Test
  void theDecisionKeepsThePatchAsMadeAndWhyItWasSentWholeAfterAll() {
    DeltaChoice.Decision d =
        DeltaChoice.decide("main", store(125_000, 0))
            .made(16 * MB, 9_000)
            .whole("saves too little");

    assertThat(d.patch()).isFalse();
    assertThat(d.patchBytes()).isEqualTo(16 * MB);
    assertThat(d.patchMillis()).isEqualTo(9_000);
    assertThat(d.reason()).isEqualTo("saves too little");
  }

  @Test
  void theTargetsPerChunkWorkTimesTheWholeStoreWhenItIsSlowerThanTheLink() {
    // The link carries 500 MB/s, but a chunk's round trip (decompression, SHA-256, fsync on the
    // target) moves 10 MB of store a second: 17 MB take 1.7 s, not the link's 5 ms.
    DeltaChoice.Decision d = DeltaChoice.decide("main", figures(500 * MB, 0, 10 * MB, 0));

    assertThat(d.wholeSeconds()).isEqualTo(1.7);
    assertThat(d.patch()).isFalse();
  }

  @Test
  void aChunkRoundTripFasterThanTheCompressorsLeavesTheCompressorsToTimeTheWholeStore() {
    // 17 MB on two threads at 100 MB/s each: 0.085 s; the chunks' 1 GB/s is not the limit.
    assertThat(DeltaChoice.decide("main", figures(500 * MB, 0, 1000 * MB, 0)).wholeSeconds())
        .isEqualTo(0.085);
  }

  @Test
  void aCapStillBoundsTheWholeStoreWhenTheChunkRoundTripIsMeasured() {
    assertThat(DeltaChoice.decide("main", figures(500 * MB, MB, 10 * MB, 0)).wholeSeconds())
        .isEqualTo(17.0);
  }

  @Test
  void thePatchsSetUpIsPaidOnceOnTopOfItsBytes() {
    double without = DeltaChoice.decide("main", figures(125_000, 0, Double.NaN, 0)).patchSeconds();
    double with = DeltaChoice.decide("main", figures(125_000, 0, Double.NaN, 0.4)).patchSeconds();

    assertThat(with - without).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aSlowChunkRoundTripTipsTheChoiceToThePatch() {
    // The link alone says whole (2.38 MB at 1 MB/s ≈ 2.4 s against a patch's 8.5 s); a target
    // that takes a second per 1 MB of store makes the whole store 17 s.
    assertThat(DeltaChoice.decide("main", figures(MB, 0, Double.NaN, 0)).patch()).isFalse();
    assertThat(DeltaChoice.decide("main", figures(MB, 0, MB, 0)).patch()).isTrue();
  }
}
