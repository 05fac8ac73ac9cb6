package io.nxs.session.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SHA-256 of files received chunk by chunk, kept up as the chunks are written, so a file's hash
 * is known when its last chunk lands without reading it back from disk.
 *
 * <p>A hash is held in memory only: after a restart, or when chunks arrive in an unexpected order,
 * the bytes already on disk are hashed once and the running hash resumes from there. A hash in use
 * is taken out of the map, so two requests for one file never update the same digest; the second
 * one simply rehashes what is on disk.
 */
public final class RunningHashes {

  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /** A file's hash up to {@link #offset()}: take it, add the chunk, give it back or finish it. */
  public static final class Running {
    private final MessageDigest sha;
    private long offset;

    private Running(MessageDigest sha, long offset) {
      this.sha = sha;
      this.offset = offset;
    }

    /** The bytes hashed so far. */
    public long offset() {
      return offset;
    }

    /** Adds the next bytes of the file. */
    public void update(byte[] data) {
      sha.update(data);
      offset += data.length;
    }

    /** The hash of everything added, lower-case hex; the digest is spent. */
    public String finish() {
      return HexFormat.of().formatHex(sha.digest());
    }
  }

  /**
   * The hash of {@code file}'s first {@code offset} bytes under {@code key}: the running one when
   * it stands exactly there, else read from disk.
   *
   * @throws IOException when the file cannot be read or is shorter than {@code offset}
   */
  public Running take(String key, Path file, long offset) throws IOException {
    Running r = running.remove(key);
    if (r != null && r.offset == offset) {
      return r;
    }
    Running fresh = new Running(sha256(), 0);
    if (offset > 0) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
          InputStream in = Channels.newInputStream(ch)) {
        byte[] buffer = new byte[1 << 20];
        while (fresh.offset < offset) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, offset - fresh.offset));
          if (n < 0) {
            throw new IOException(file + " has " + fresh.offset + " of " + offset + " bytes");
          }
          fresh.sha.update(buffer, 0, n);
          fresh.offset += n;
        }
      }
    }
    return fresh;
  }

  /** Keeps a hash for the next chunk of its file. */
  public void put(String key, Running r) {
    running.put(key, r);
  }

  /** Drops every hash whose key starts with {@code prefix} (a migration that ended). */
  public void forget(String prefix) {
    running.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
