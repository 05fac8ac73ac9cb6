package io.nxs.session.transfer;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The wire and file form of a {@link Chunk}: a fixed header, then the payload — the data compressed
 * with zstd and, when a key is given, sealed with AES-256-GCM.
 *
 * <pre>
 *   "NXSC"  version(1)  flags(1: 1=zstd, 2=aes-gcm)  file(int32)  offset(int64)
 *   length(int32, uncompressed)  sha256(32, of the uncompressed data)  payload-length(int32)
 *   payload  (aes-gcm: 12-byte nonce, then ciphertext and tag; the header is the AAD)
 * </pre>
 *
 * <p>Decoding checks everything before a byte is used: the length (a cut chunk is {@link
 * ChunkException.Kind#TRUNCATED}), the GCM tag (a wrong key is {@link ChunkException.Kind#KEY}) and
 * the SHA-256 of the decompressed data ({@link ChunkException.Kind#CHECKSUM}).
 */
public final class ChunkCodec {

  static final byte[] MAGIC = {'N', 'X', 'S', 'C'};
  static final int VERSION = 1;
  static final int HEADER = 4 + 1 + 1 + 4 + 8 + 4 + 32 + 4;
  static final int FLAG_ZSTD = 1;
  static final int FLAG_AES = 2;

  /** Largest payload accepted: the largest chunk plus zstd's worst case and the GCM overhead. */
  static final int MAX_PAYLOAD = 17 * 1024 * 1024;

  /**
   * zstd's level 1: on OpenClaw stores it compresses 3–5× faster than level 3 to the same size (a
   * 164 MB store: 0.170 of it at level 1, 0.177 at 3; bench/results/2026-12-07-session.md).
   */
  private static final int ZSTD_LEVEL = 1;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final BundleKey key;

  /**
   * @param key seals and opens payloads; null for plain (compressed only) chunks
   */
  public ChunkCodec(BundleKey key) {
    this.key = key;
  }

  /** Whether this codec seals chunks. */
  public boolean encrypted() {
    return key != null;
  }

  /** Whether {@code bytes} begin as a chunk's frame does (its magic bytes). */
  public static boolean isFrame(byte[] bytes) {
    return bytes.length >= HEADER && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /** The chunk as one frame. */
  public byte[] encode(Chunk chunk) {
    byte[] payload = Zstd.compress(chunk.data(), ZSTD_LEVEL);
    int flags = FLAG_ZSTD;
    byte[] header;
    if (key != null) {
      flags |= FLAG_AES;
      int sealedLength = 12 + payload.length + 16;
      header = header(flags, chunk, sealedLength);
      payload = seal(header, payload);
    } else {
      header = header(flags, chunk, payload.length);
    }
    return ByteBuffer.allocate(header.length + payload.length).put(header).put(payload).array();
  }

  private static byte[] header(int flags, Chunk chunk, int payloadLength) {
    return ByteBuffer.allocate(HEADER)
        .put(MAGIC)
        .put((byte) VERSION)
        .put((byte) flags)
        .putInt(chunk.file())
        .putLong(chunk.offset())
        .putInt(chunk.data().length)
        .put(sha256(chunk.data()))
        .putInt(payloadLength)
        .array();
  }

  /**
   * Decodes exactly one frame.
   *
   * @throws ChunkException when it is cut short, longer than one frame, damaged or sealed with
   *     another key
   */
  public Chunk decode(byte[] frame) {
    if (frame.length < HEADER) {
      throw new ChunkException(
          ChunkException.Kind.TRUNCATED,
          "the chunk is truncated: "
              + frame.length
              + " bytes, fewer than its "
              + HEADER
              + "-byte header");
    }
    Header h = Header.parse(Arrays.copyOf(frame, HEADER));
    long expected = (long) HEADER + h.payloadLength;
    if (frame.length < expected) {
      throw new ChunkException(
          ChunkException.Kind.TRUNCATED,
          "chunk "
              + h.describe()
              + " is truncated: "
              + frame.length
              + " of "
              + expected
              + " bytes arrived");
    }
    if (frame.length > expected) {
      throw new ChunkException(
          ChunkException.Kind.FORMAT,
          "chunk " + h.describe() + " has " + (frame.length - expected) + " bytes after its end");
    }
    return open(h, Arrays.copyOfRange(frame, HEADER, frame.length));
  }

  /**
   * Reads the next frame from a stream.
   *
   * @return the chunk, or null at a clean end of the stream (between frames)
   * @throws ChunkException as {@link #decode(byte[])}
   */
  public Chunk read(InputStream in) throws IOException {
    byte[] head = in.readNBytes(HEADER);
    if (head.length == 0) {
      return null;
    }
    if (head.length < HEADER) {
      throw new ChunkException(
          ChunkException.Kind.TRUNCATED,
          "the last chunk is truncated: its header has "
              + head.length
              + " of "
              + HEADER
              + " bytes");
    }
    Header h = Header.parse(head);
    byte[] payload = in.readNBytes(h.payloadLength);
    if (payload.length < h.payloadLength) {
      throw new ChunkException(
          ChunkException.Kind.TRUNCATED,
          "chunk "
              + h.describe()
              + " is truncated: "
              + payload.length
              + " of "
              + h.payloadLength
              + " payload bytes");
    }
    return open(h, payload);
  }

  private Chunk open(Header h, byte[] payload) {
    if ((h.flags & FLAG_AES) != 0) {
      if (key == null) {
        throw new ChunkException(
            ChunkException.Kind.KEY,
            "chunk " + h.describe() + " is encrypted: give its key with --key-file");
      }
      payload = unseal(h, payload);
    } else if (key != null) {
      throw new ChunkException(
          ChunkException.Kind.FORMAT,
          "chunk " + h.describe() + " is not encrypted, but this bundle must be");
    }
    byte[] data;
    if ((h.flags & FLAG_ZSTD) != 0) {
      try {
        long size = Zstd.getFrameContentSize(payload);
        if (size != h.length) {
          throw new ChunkException(
              ChunkException.Kind.CHECKSUM,
              "chunk "
                  + h.describe()
                  + " fails its check: it decompresses to "
                  + size
                  + " bytes, its header says "
                  + h.length);
        }
        data = Zstd.decompress(payload, h.length);
      } catch (ZstdException e) {
        throw new ChunkException(
            ChunkException.Kind.CHECKSUM,
            "chunk " + h.describe() + " fails its check: its zstd data is damaged",
            e);
      }
    } else {
      data = payload;
    }
    byte[] actual = sha256(data);
    if (data.length != h.length || !MessageDigest.isEqual(actual, h.sha256)) {
      throw new ChunkException(
          ChunkException.Kind.CHECKSUM,
          "chunk "
              + h.describe()
              + " fails its SHA-256 check (expected "
              + HexFormat.of().formatHex(h.sha256, 0, 6)
              + "…, got "
              + HexFormat.of().formatHex(actual, 0, 6)
              + "…)");
    }
    return new Chunk(h.file, h.offset, data);
  }

  private byte[] seal(byte[] header, byte[] plain) {
    try {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key.spec(), new GCMParameterSpec(128, nonce));
      c.updateAAD(header);
      byte[] sealed = c.doFinal(plain);
      return ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available", e);
    }
  }

  private byte[] unseal(Header h, byte[] sealed) {
    if (sealed.length < 12 + 16) {
      throw new ChunkException(
          ChunkException.Kind.TRUNCATED, "chunk " + h.describe() + " is too short to be sealed");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(128, Arrays.copyOf(sealed, 12)));
      c.updateAAD(h.raw);
      return c.doFinal(sealed, 12, sealed.length - 12);
    } catch (AEADBadTagException e) {
      throw new ChunkException(
          ChunkException.Kind.KEY,
          "chunk " + h.describe() + " does not open with this key: wrong key, or damaged",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Reads a frame header from a stream and fails on a short read (for callers that skip). */
  static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException();
    }
    return b;
  }

  private record Header(
      byte[] raw, int flags, int file, long offset, int length, byte[] sha256, int payloadLength) {

    static Header parse(byte[] raw) {
      ByteBuffer b = ByteBuffer.wrap(raw);
      byte[] magic = new byte[4];
      b.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new ChunkException(
            ChunkException.Kind.FORMAT, "not an NXS session chunk (bad magic bytes)");
      }
      int version = b.get();
      if (version != VERSION) {
        throw new ChunkException(
            ChunkException.Kind.FORMAT,
            "chunk format version " + version + " is not " + VERSION + ": upgrade this NXS");
      }
      int flags = b.get();
      int file = b.getInt();
      long offset = b.getLong();
      int length = b.getInt();
      byte[] sha = new byte[32];
      b.get(sha);
      int payloadLength = b.getInt();
      if (file < 0
          || offset < 0
          || length < 0
          || payloadLength < 0
          || payloadLength > MAX_PAYLOAD) {
        throw new ChunkException(
            ChunkException.Kind.FORMAT,
            "chunk header out of range (file "
                + file
                + ", offset "
                + offset
                + ", payload "
                + payloadLength
                + " bytes)");
      }
      return new Header(raw, flags, file, offset, length, sha, payloadLength);
    }

    String describe() {
      return "#" + file + "@" + offset;
    }
  }
}
