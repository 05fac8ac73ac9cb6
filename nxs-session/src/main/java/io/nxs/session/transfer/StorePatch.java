package io.nxs.session.transfer;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictContentType;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdException;
import io.nxs.session.SessionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A store sent as the difference from an older copy both sides hold (SE4's delta migration): zstd
 * compresses the new file with the old one as its reference, the way {@code zstd --patch-from}
 * does, so whatever the new file shares with the old one — wherever it moved to — costs a few bytes
 * of back-reference, and only what changed is sent. The receiver decompresses with its own copy of
 * the reference; the result is checked against the new file's size and SHA-256, so a reference that
 * differs on the receiver is caught, never imported.
 *
 * <p>zstd-jni 1.5.7 has no {@code refPrefix}; the reference is loaded as a raw-content dictionary
 * with parameters set as zstd's own CLI sets them for {@code --patch-from}: a window that spans the
 * reference and the new file, a match finder whose tables are sized for the reference (the defaults
 * of a level keep tables for a few MiB, and zstd's fastest strategies index only the last 16 MiB of
 * a dictionary), greedy parsing, a one-step search. Both files are memory-mapped: the new file and
 * the patch never enter the heap; the reference does once, while zstd copies it.
 */
public final class StorePatch {

  /** zstd's largest window on 64-bit hosts: the reference and the new file must fit in it. */
  static final long MAX_SPAN = 1L << 31;

  private static final int LEVEL = 3;
  private static final int STRATEGY_GREEDY = 3;

  private StorePatch() {}

  /** What a patch saved: the patch's size against the new file's. */
  public record Stats(long patchBytes, long fileBytes) {}

  /**
   * Whether a patch of {@code file} against {@code base} can be made here: their sum must fit in
   * zstd's window, and the reference (which zstd-jni copies from the heap) in a quarter of the
   * heap.
   *
   * @return why not, or empty when it can
   */
  public static Optional<String> unsupported(long baseBytes, long fileBytes) {
    if (baseBytes + fileBytes >= MAX_SPAN) {
      return Optional.of(
          "the earlier copy and the store together are "
              + mib(baseBytes + fileBytes)
              + " MiB, more than zstd's 2 GiB window");
    }
    long heap = Runtime.getRuntime().maxMemory();
    if (baseBytes > heap / 4) {
      return Optional.of(
          "the earlier copy ("
              + mib(baseBytes)
              + " MiB) is more than a quarter of this daemon's heap ("
              + mib(heap)
              + " MiB)");
    }
    return Optional.empty();
  }

  /**
   * Writes {@code patch}: {@code file} compressed with {@code base} as its reference.
   *
   * @throws SessionException when the pair is {@link #unsupported} or a file cannot be read
   */
  public static Stats write(Path base, Path file, Path patch) throws IOException {
    long baseBytes = Files.size(base);
    long fileBytes = Files.size(file);
    unsupported(baseBytes, fileBytes)
        .ifPresent(
            why -> {
              throw new SessionException("cannot patch " + file + ": " + why);
            });
    int windowLog = windowLog(baseBytes + fileBytes);
    byte[] reference = Files.readAllBytes(base);
    long bound = Zstd.compressBound(fileBytes);
    if (bound > Integer.MAX_VALUE) {
      throw new SessionException("cannot patch " + file + ": it is too large for one zstd frame");
    }
    Path tmp = patch.resolveSibling(patch.getFileName() + ".part");
    int written;
    try (ZstdCompressCtx ctx = new ZstdCompressCtx();
        FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(
                tmp,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
      configure(ctx, baseBytes, windowLog).loadDict(reference, ZstdDictContentType.RAW_CONTENT);
      reference = null;
      MappedByteBuffer src = in.map(FileChannel.MapMode.READ_ONLY, 0, fileBytes);
      MappedByteBuffer dst = out.map(FileChannel.MapMode.READ_WRITE, 0, bound);
      try {
        written = ctx.compress(dst, src);
      } catch (ZstdException e) {
        throw new SessionException("zstd cannot patch " + file + ": " + e.getMessage(), e);
      }
      dst.force();
      out.truncate(written);
      out.force(true);
    }
    Files.move(tmp, patch, StandardCopyOption.REPLACE_EXISTING);
    return new Stats(written, fileBytes);
  }

  /**
   * What making a patch costs this machine now: a set-up paid once (the match finder's tables,
   * sized for the whole reference) and a rate in bytes of reference plus file a second.
   */
  public record Cost(double fixedSeconds, double bytesPerSecond) {

    /** The seconds a patch of {@code bytes} of reference plus file takes. */
    public double seconds(double bytes) {
      return fixedSeconds + bytes / bytesPerSecond;
    }
  }

  /**
   * How fast this machine makes a patch now: patches of {@code small} and of {@code large} bytes
   * from the middle of {@code file} against as many from the middle of {@code base}, with the
   * parameters {@link #write} uses, timed. The difference of the two is the per-byte cost; what is
   * left of the small one is the set-up, so a sample's set-up is not spread over a real patch's
   * bytes. When noise makes the larger sample no slower, the larger one's average rate is taken,
   * set-up included.
   */
  public static Cost cost(Path base, Path file, int small, int large) throws IOException {
    long baseBytes = Files.size(base);
    double[] a = timeSample(base, file, baseBytes, small);
    double[] b = timeSample(base, file, baseBytes, large);
    double perByte = (b[1] - a[1]) / (b[0] - a[0]);
    if (!(perByte > 0) || b[0] <= a[0]) {
      return new Cost(0, b[0] / b[1]);
    }
    return new Cost(Math.max(0, a[1] - perByte * a[0]), 1 / perByte);
  }

  /** {bytes of reference plus data, seconds} of one timed sample patch. */
  private static double[] timeSample(Path base, Path file, long baseBytes, int sample)
      throws IOException {
    byte[] reference = middle(base, sample);
    byte[] data = middle(file, sample);
    long started = System.nanoTime();
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      // The tables sized for the whole reference, as the real patch's: their set-up and cache
      // misses are most of its cost.
      configure(ctx, baseBytes, windowLog((long) reference.length + data.length))
          .loadDict(reference, ZstdDictContentType.RAW_CONTENT);
      ctx.compress(data);
    } catch (ZstdException e) {
      throw new SessionException(
          "zstd cannot patch a sample of " + file + ": " + e.getMessage(), e);
    }
    return new double[] {
      reference.length + data.length, Math.max(1, System.nanoTime() - started) / 1e9
    };
  }

  /** Up to {@code n} bytes from the middle of {@code file}. */
  public static byte[] middle(Path file, int n) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      int length = (int) Math.min(n, ch.size());
      ByteBuffer buf = ByteBuffer.allocate(length);
      long at = (ch.size() - length) / 2;
      while (buf.hasRemaining()) {
        if (ch.read(buf, at + buf.position()) < 0) {
          throw new IOException(file + " ended while it was read");
        }
      }
      return buf.array();
    }
  }

  /** zstd's {@code --patch-from} parameters for a reference of {@code baseBytes}. */
  private static ZstdCompressCtx configure(ZstdCompressCtx ctx, long baseBytes, int windowLog) {
    return ctx.setLevel(LEVEL)
        .setStrategy(STRATEGY_GREEDY)
        .setWindowLog(windowLog)
        .setHashLog(hashLog(baseBytes))
        .setChainLog(16)
        .setSearchLog(1)
        .setChecksum(true);
  }

  /**
   * Rebuilds the file a patch describes from this side's copy of its reference into {@code result},
   * and checks it is the file the source patched.
   *
   * @param size the rebuilt file's size
   * @param sha256 its SHA-256 (hex)
   * @throws SessionException when the patch is damaged, or the result is not that file (the
   *     reference here differs from the source's); nothing is left at {@code result} then
   */
  public static void apply(Path base, Path patch, Path result, long size, String sha256)
      throws IOException {
    long baseBytes = Files.size(base);
    if (baseBytes + size >= MAX_SPAN) {
      throw new SessionException(patch + " needs a window larger than zstd's 2 GiB");
    }
    Path tmp = result.resolveSibling(result.getFileName() + ".part");
    try (FileChannel ref = FileChannel.open(base, StandardOpenOption.READ);
        FileChannel in = FileChannel.open(patch, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(
                tmp,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ZstdDictDecompress dict =
            new ZstdDictDecompress(
                ref.map(FileChannel.MapMode.READ_ONLY, 0, baseBytes),
                true,
                ZstdDictContentType.RAW_CONTENT);
        ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
      ctx.setLongMax(windowLog(baseBytes + size)).loadDict(dict);
      ByteBuffer src = in.map(FileChannel.MapMode.READ_ONLY, 0, in.size());
      MappedByteBuffer dst = out.map(FileChannel.MapMode.READ_WRITE, 0, size);
      int n;
      try {
        n = ctx.decompress(dst, src);
      } catch (ZstdException e) {
        throw new SessionException(
            patch
                + " does not rebuild against "
                + base
                + " ("
                + e.getMessage()
                + "): the earlier copy here differs from the source's; send the store whole",
            e);
      }
      if (n != size) {
        throw new SessionException(
            patch + " rebuilds " + n + " bytes, the store has " + size + ": send it whole");
      }
      dst.force();
      out.force(true);
    } catch (SessionException | IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    String actual =
        SnapshotExporter.describe(tmp.getParent(), tmp.getFileName().toString()).sha256();
    if (!actual.equals(sha256)) {
      Files.deleteIfExists(tmp);
      throw new SessionException(
          "the store rebuilt from "
              + patch
              + " does not match its SHA-256: the earlier copy here differs from the source's;"
              + " send the store whole");
    }
    Files.move(tmp, result, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The smallest window (log2) that spans {@code bytes}: zstd reaches back over all of it. */
  static int windowLog(long bytes) {
    return Math.max(Zstd.windowLogMin(), 64 - Long.numberOfLeadingZeros(Math.max(1, bytes - 1)));
  }

  /**
   * One hash slot for every two to four positions of the reference: enough for a match to be found
   * soon after any change (zstd then extends it as far as the data agree), at most 128 MiB.
   */
  static int hashLog(long baseBytes) {
    int log = 64 - Long.numberOfLeadingZeros(Math.max(1, baseBytes - 1));
    return Math.clamp(log - 1, 16, 25);
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
