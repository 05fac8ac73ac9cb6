package io.nxs.session.migrate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.session.DeltaMode;
import io.nxs.session.transfer.Chunk;
import io.nxs.session.transfer.ChunkCodec;
import io.nxs.session.transfer.ChunkSender;
import io.nxs.session.transfer.StorePatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a store moves as a patch or whole, from what each costs end to end rather than from bytes
 * alone: a patch saves wire bytes but is one single-threaded zstd pass over the earlier copy and
 * the store, while the whole store's chunks are compressed in parallel as they are sent. On a fast
 * link the whole store is sooner; on a slow one the patch is.
 *
 * <p>A pure function of measured figures (the link, the machine's compression and patch rates), so
 * the choice is tested without a network or a clock.
 */
public final class DeltaChoice {

  private DeltaChoice() {}

  /**
   * What the choice is made from.
   *
   * @param storeBytes the store to move
   * @param baseBytes the earlier copy both sides hold
   * @param linkBytesPerSecond wire bytes a second to the target: a real chunk's frame over its
   *     round trip; NaN when it could not be measured
   * @param capBytesPerSecond {@code session.bandwidth} (uncompressed bytes a second; 0: no cap)
   * @param compressRatio wire bytes per store byte when a chunk is compressed (a measured sample)
   * @param compressBytesPerSecond store bytes one thread compresses a second (the same sample)
   * @param compressThreads the threads that compress chunks while they are sent
   * @param patchBytesPerSecond bytes of earlier copy plus store one patch pass reads a second (the
   *     difference of two measured samples)
   * @param chunkBytesPerSecond store bytes a second one chunk moves end to end: its data over the
   *     round trip of its frame, the target's work on it (decompression, SHA-256, fsync) included;
   *     NaN when not measured (the whole store is then timed by the link alone)
   * @param patchFixedSeconds a patch's set-up apart from its bytes (what is left of the smaller
   *     sample once its bytes are paid at the patch rate)
   */
  public record Figures(
      @JsonProperty("store_bytes") long storeBytes,
      @JsonProperty("base_bytes") long baseBytes,
      @JsonProperty("link_bytes_per_second") double linkBytesPerSecond,
      @JsonProperty("cap_bytes_per_second") long capBytesPerSecond,
      @JsonProperty("compress_ratio") double compressRatio,
      @JsonProperty("compress_bytes_per_second") double compressBytesPerSecond,
      @JsonProperty("compress_threads") int compressThreads,
      @JsonProperty("patch_bytes_per_second") double patchBytesPerSecond,
      @JsonProperty("chunk_bytes_per_second") double chunkBytesPerSecond,
      @JsonProperty("patch_fixed_seconds") double patchFixedSeconds) {}

  /**
   * The choice and why, as logged and kept in the migration's record.
   *
   * @param agent whose store
   * @param mode {@code session.migration.delta}
   * @param patch whether the store moves as a patch
   * @param reason one line for the operator
   * @param wholeSeconds the estimated time to send the store whole; null when not estimated
   * @param patchSeconds the estimated time to make and send the patch; null when not estimated
   * @param figures what the estimates come from; null when nothing was measured
   * @param patchBytes the patch's size once made; null before (or when not made)
   * @param patchMillis how long making it took; null before
   */
  public record Decision(
      @JsonProperty("agent") String agent,
      @JsonProperty("mode") String mode,
      @JsonProperty("patch") boolean patch,
      @JsonProperty("reason") String reason,
      @JsonProperty("whole_seconds_estimate") @JsonInclude(JsonInclude.Include.NON_NULL)
          Double wholeSeconds,
      @JsonProperty("patch_seconds_estimate") @JsonInclude(JsonInclude.Include.NON_NULL)
          Double patchSeconds,
      @JsonProperty("figures") @JsonInclude(JsonInclude.Include.NON_NULL) Figures figures,
      @JsonProperty("patch_bytes") @JsonInclude(JsonInclude.Include.NON_NULL) Long patchBytes,
      @JsonProperty("patch_millis") @JsonInclude(JsonInclude.Include.NON_NULL) Long patchMillis) {

    /** The same decision with the patch as made. */
    Decision made(long bytes, long millis) {
      return new Decision(
          agent, mode, patch, reason, wholeSeconds, patchSeconds, figures, bytes, millis);
    }

    /** The patch was made but is sent whole after all, for {@code why}. */
    Decision whole(String why) {
      return new Decision(
          agent, mode, false, why, wholeSeconds, patchSeconds, figures, patchBytes, patchMillis);
    }
  }

  /** A choice the mode settles without measuring. */
  static Decision byMode(String agent, DeltaMode mode) {
    return switch (mode) {
      case ALWAYS ->
          new Decision(
              agent,
              mode.toString(),
              true,
              "session.migration.delta is always",
              null,
              null,
              null,
              null,
              null);
      case NEVER ->
          new Decision(
              agent,
              mode.toString(),
              false,
              "session.migration.delta is never",
              null,
              null,
              null,
              null,
              null);
      case AUTO -> throw new IllegalArgumentException("auto is decided from figures");
    };
  }

  /**
   * The faster of the two for {@code session.migration.delta: auto}.
   *
   * <p>Whole: the chunks are compressed on {@code compressThreads} while earlier ones are on the
   * wire, so the slower of the two is the time; a chunk on the wire takes what the probe chunk took
   * end to end (the target's per-chunk work included). Patch: its set-up and one pass over the
   * earlier copy and the store first, then its bytes on the wire. The patch's size is not known
   * before it is made; it is taken as small as it can be — the bytes the store grew by, compressed
   * — so the patch is chosen whenever it could be faster, and only a link fast enough to beat even
   * that sends whole. The target's rebuild (a zstd decompression, far faster than either) is left
   * out of both.
   */
  public static Decision decide(String agent, Figures f) {
    String mode = DeltaMode.AUTO.toString();
    if (!(f.linkBytesPerSecond() > 0)) {
      return new Decision(
          agent,
          mode,
          true,
          "the link to the target could not be measured: the patch, which moves fewer bytes",
          null,
          null,
          null,
          null,
          null);
    }
    double wholeWire = f.storeBytes() * f.compressRatio();
    double wholeSeconds =
        Math.max(
            f.storeBytes() / (f.compressBytesPerSecond() * Math.max(1, f.compressThreads())),
            f.chunkBytesPerSecond() > 0
                ? Math.max(f.storeBytes() / f.chunkBytesPerSecond(), onWire(0, f.storeBytes(), f))
                : onWire(wholeWire, f.storeBytes(), f));
    double patchWire = Math.max(0, f.storeBytes() - f.baseBytes()) * f.compressRatio();
    double build =
        Math.max(0, f.patchFixedSeconds())
            + (f.baseBytes() + f.storeBytes()) / f.patchBytesPerSecond();
    double patchSeconds = build + onWire(patchWire, patchWire, f);
    boolean patch = patchSeconds < wholeSeconds;
    String reason =
        String.format(
            java.util.Locale.ROOT,
            "%s: whole ~%.2f s (%.1f MB on a %.2f MB/s link), patch ~%.2f s (making it %.2f s)",
            patch ? "the patch is faster" : "the whole store is faster",
            wholeSeconds,
            wholeWire / 1e6,
            f.linkBytesPerSecond() / 1e6,
            patchSeconds,
            build);
    return new Decision(agent, mode, patch, reason, wholeSeconds, patchSeconds, f, null, null);
  }

  /** The target's side of a probe: the round trip of one frame, in seconds. */
  @FunctionalInterface
  public interface Probe {
    /**
     * @throws IOException when the target does not answer
     */
    double seconds(byte[] frame) throws IOException;
  }

  /** The patch rate's two samples: bytes of each side. */
  static final int PATCH_SMALL = 512 * 1024;

  static final int PATCH_LARGE = 2 << 20;

  /**
   * The figures for moving {@code store}: one real chunk of {@code chunkSize} bytes from the middle
   * of the store is encoded as a migration encodes it (timed: the compression rate and ratio) and
   * sent to the target's probe twice (the faster counts: the first may open a connection), which
   * treats it as a chunk (the link and the target's per-chunk work); the patch rate is the
   * difference of two sample patches ({@link StorePatch#cost}). Measured now, under the load there
   * is.
   *
   * @param probe the target's probe; when it fails the link counts as unmeasured (NaN)
   * @param failed told why the probe failed
   */
  public static Figures measure(
      Path base,
      Path store,
      int chunkSize,
      Probe probe,
      long cap,
      java.util.function.Consumer<Exception> failed)
      throws IOException {
    byte[] sample = StorePatch.middle(store, chunkSize);
    long started = System.nanoTime();
    byte[] frame = new ChunkCodec(null).encode(new Chunk(0, 0, sample));
    long nanos = Math.max(1, System.nanoTime() - started);
    double link = Double.NaN;
    double chunk = Double.NaN;
    try {
      double seconds = Math.min(probe.seconds(frame), probe.seconds(frame));
      link = frame.length / seconds;
      chunk = sample.length / seconds;
    } catch (IOException | RuntimeException e) {
      failed.accept(e);
    }
    StorePatch.Cost patch = StorePatch.cost(base, store, PATCH_SMALL, PATCH_LARGE);
    return new Figures(
        Files.size(store),
        Files.size(base),
        link,
        cap,
        (double) frame.length / Math.max(1, sample.length),
        sample.length * 1e9 / nanos,
        ChunkSender.threads(),
        patch.bytesPerSecond(),
        chunk,
        patch.fixedSeconds());
  }

  /** Seconds {@code wire} bytes take on the link, or {@code raw} bytes under the cap if slower. */
  private static double onWire(double wire, double raw, Figures f) {
    double seconds = wire / f.linkBytesPerSecond();
    if (f.capBytesPerSecond() > 0) {
      seconds = Math.max(seconds, raw / f.capBytesPerSecond());
    }
    return seconds;
  }
}
