package io.nxs.score.image;

import java.time.Clock;
import java.time.Duration;

/**
 * The BRISQUE workspaces kept between images, and their release when scoring stops.
 *
 * <p>A Full HD image needs about 15 MB of float arrays: allocated anew for every image they were
 * most of what the scorer allocated, and under the daemon's small young generation copying them
 * cost more than computing with them, so up to {@code capacity} of them (one per core) are kept for
 * images up to {@link Brisque.Workspace#RETAIN_PIXELS}. Kept for ever, they would hold ~15 MB per
 * core in a daemon that scored a few Full HD images once and then sat idle, so a workspace not used
 * for {@code idle} is let go by {@link #releaseIdle()} (which the score module runs periodically).
 *
 * <p>The most recently returned workspace is taken first, so under a light load the others age and
 * are released while the busy one stays.
 */
public final class BrisqueWorkspaces {

  /** How long a kept workspace may go unused before {@link #releaseIdle()} lets it go. */
  public static final Duration IDLE = Duration.ofMinutes(1);

  private final KeptPool<Brisque.Workspace> kept;

  /**
   * @param clock the time a workspace is returned and the time {@link #releaseIdle()} compares
   * @param idle how long a workspace may go unused before it is released
   * @param capacity how many workspaces are kept at most (one per thread that scores at once)
   */
  public BrisqueWorkspaces(Clock clock, Duration idle, int capacity) {
    this.kept = new KeptPool<>(clock, idle, capacity, Brisque.Workspace::bytes);
  }

  /** One workspace per core, released after {@link #IDLE}, on the system clock. */
  public static BrisqueWorkspaces perCore(Clock clock) {
    return new BrisqueWorkspaces(clock, IDLE, Runtime.getRuntime().availableProcessors());
  }

  /**
   * A kept workspace large enough for this image, or a new one of the image's size (a kept one too
   * small for it is left to the collector: the workspaces kept grow to the largest images scored,
   * up to {@link Brisque.Workspace#RETAIN_PIXELS}).
   */
  Brisque.Workspace take(int width, int height) {
    Brisque.Workspace k = kept.poll();
    return k != null && k.pixels() >= (long) width * height
        ? k
        : new Brisque.Workspace(width, height);
  }

  /** Keeps a workspace for the next image when it is not too large and there is room. */
  void give(Brisque.Workspace workspace) {
    if (workspace.pixels() > Brisque.Workspace.RETAIN_PIXELS) {
      return;
    }
    kept.offer(workspace);
  }

  /**
   * Lets go of every kept workspace unused for the idle period.
   *
   * @return the bytes of float arrays let go (0 when nothing was idle)
   */
  public long releaseIdle() {
    return kept.releaseIdle();
  }

  /** The bytes of float arrays kept now. */
  public long keptBytes() {
    return kept.keptBytes();
  }
}
