package io.nxs.session.transfer;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.nxs.session.SessionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads staged bundle files in chunks, compresses (and seals) them in parallel, and hands the
 * frames to a {@link Sink} strictly in order, resuming each file at a given offset.
 *
 * <p>At most {@link #IN_FLIGHT} chunks are read ahead, so memory stays a few chunks whatever the
 * bundle's size. An optional bandwidth cap (bytes of data per second) keeps a migration from
 * filling the uplink.
 */
public final class ChunkSender implements AutoCloseable {

  /** Chunks compressed ahead of the one being sent. */
  static final int IN_FLIGHT = 4;

  /** Where frames go: the target over HTTP, or an export file. */
  @FunctionalInterface
  public interface Sink {
    /**
     * Takes one frame of the chunk {@code chunk} (whose data is already in the frame).
     *
     * @throws IOException when it cannot take it; the sender stops
     */
    void accept(Chunk chunk, byte[] frame) throws IOException;
  }

  private final ChunkCodec codec;
  private final int chunkSize;
  private final Bucket bandwidth;
  private final long bytesPerSecond;
  private final ExecutorService compressors;

  /**
   * @param bytesPerSecond the cap; 0 for none
   */
  public ChunkSender(ChunkCodec codec, int chunkSize, long bytesPerSecond) {
    this.codec = codec;
    this.chunkSize = chunkSize;
    this.bytesPerSecond = bytesPerSecond;
    this.bandwidth =
        bytesPerSecond <= 0
            ? null
            : Bucket.builder()
                .addLimit(
                    Bandwidth.builder()
                        .capacity(bytesPerSecond)
                        .refillGreedy(bytesPerSecond, Duration.ofSeconds(1))
                        .initialTokens(0)
                        .build())
                .build();
    this.compressors =
        Executors.newFixedThreadPool(
            threads(), Thread.ofPlatform().daemon().name("session-zstd-", 0).factory());
  }

  /** The threads that compress chunks while earlier ones are sent. */
  public static int threads() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Sends {@code files} (staged under {@code dir}) from {@code start[i]} on.
   *
   * @throws IOException when the sink fails
   */
  public void send(Path dir, List<BundleFile> files, long[] start, Sink sink) throws IOException {
    for (int i = 0; i < files.size(); i++) {
      BundleFile f = files.get(i);
      if (start[i] >= f.size()) {
        continue;
      }
      sendFile(dir.resolve(f.name()), i, start[i], f.size(), sink);
    }
  }

  private void sendFile(Path file, int index, long from, long size, Sink sink) throws IOException {
    Deque<Future<Framed>> pending = new ArrayDeque<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.position(from);
      InputStream in = Channels.newInputStream(ch);
      long offset = from;
      while (offset < size || !pending.isEmpty()) {
        while (offset < size && pending.size() < IN_FLIGHT) {
          int n = (int) Math.min(chunkSize, size - offset);
          byte[] data = in.readNBytes(n);
          if (data.length < n) {
            throw new SessionException(
                file + " changed while it was sent: it ended at " + (offset + data.length));
          }
          Chunk chunk = new Chunk(index, offset, data);
          pending.add(compressors.submit(() -> new Framed(chunk, codec.encode(chunk))));
          offset += n;
        }
        Framed next = await(pending.removeFirst());
        throttle(next.chunk.data().length);
        sink.accept(next.chunk, next.frame);
      }
    } finally {
      pending.forEach(f -> f.cancel(true));
    }
  }

  private void throttle(long bytes) {
    if (bandwidth == null) {
      return;
    }
    // One consume may not ask for more than the bucket holds: take a second's worth at a time.
    long left = bytes;
    while (left > 0) {
      long step = Math.min(left, bytesPerSecond);
      try {
        bandwidth.asBlocking().consume(step);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SessionException("interrupted while sending", e);
      }
      left -= step;
    }
  }

  private static Framed await(Future<Framed> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionException("interrupted while compressing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e.getCause());
    }
  }

  private record Framed(Chunk chunk, byte[] frame) {}

  @Override
  public void close() {
    compressors.shutdownNow();
  }
}
