package io.nxs.vault.internal;

import com.github.luben.zstd.Zstd;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Compresses (zstd) and encrypts (AES-256-GCM from the JDK) one object of the repository, and
 * undoes it.
 *
 * <p>Layout: {@code "NXV2" | flags | nonce prefix (8 random bytes) | segments} under data key 0
 * (the only key of a repository without a key ring, so those objects stay what they were), {@code
 * "NXV3" | flags | data key id (4 bytes) | nonce prefix | segments} under any other key of the
 * {@link KeyRing} (ADR 0152); flags bit 0 = zstd, bits 4-7 = log2 of the segment size. A changed
 * key id picks another key, which fails authentication like any other change. The body is cut into
 * 4 KiB segments, each sealed by AES-256-GCM on its own with the nonce {@code prefix || segment
 * index (4 bytes)} and the additional data {@code name || 0x00 || last} ({@code last} = 1 on the
 * final segment only): the online-AE "STREAM" construction (Hoang et al. 2015) that Tink's
 * streaming AEAD and age also use. So a reordered, dropped, truncated or appended segment fails, as
 * does an object renamed to another name. Nonces never repeat within an object (the counter) and
 * differ between objects by the random prefix. Segments, rather than one GCM call per 4 MiB chunk,
 * also keep the JDK fast: its GCM reaches AES-NI/PCLMUL speed only once the JIT has compiled it,
 * which takes many calls, never one long call (ADR 0053).
 */
public final class Sealer {

  private static final byte[] MAGIC = "NXV2".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAGIC_KEYED = "NXV3".getBytes(StandardCharsets.US_ASCII);
  private static final int PREFIX = 8;
  private static final int TAG = 16;
  private static final int KEY_ID = 4;

  /** Segment size as a power of two, 2^12 = 4 KiB; recorded in the flags, so it may change. */
  private static final int SEGMENT_BITS = 12;

  private static final int SEGMENT = 1 << SEGMENT_BITS;
  private static final int ZSTD_LEVEL = 3;

  private final KeyRing ring;
  private final SecureRandom random = new SecureRandom();

  public Sealer(KeyRing ring) {
    this.ring = ring;
  }

  /** The data keys it opens with; it seals under the current one. */
  public KeyRing ring() {
    return ring;
  }

  /** A MAC naming new blobs, under the current data key. */
  public Mac namingMac() {
    return ring.current().newNamingMac();
  }

  /**
   * A MAC naming blobs under the data key a sealed object was written with, to check a blob's name
   * against its content.
   *
   * @throws DamagedObjectException when the header is bad or names a key the ring lacks
   */
  public Mac namingMacOf(String name, byte[] sealed) {
    return namingMacOf(name, sealed, sealed.length);
  }

  /** {@link #namingMacOf(String, byte[])} of the first {@code length} bytes of {@code sealed}. */
  public Mac namingMacOf(String name, byte[] sealed, int length) {
    return keyOf(name, sealed, length).newNamingMac();
  }

  /** Seals plain bytes under a name. */
  public byte[] seal(String name, byte[] plain, int offset, int length) {
    Plain sealed = seal(name, plain, offset, length, new Scratch());
    return sealed.bytes().length == sealed.length()
        ? sealed.bytes()
        : Arrays.copyOf(sealed.bytes(), sealed.length());
  }

  /**
   * Seals plain bytes under a name into a scratch's buffers, which grow as needed and are reused by
   * the next call: a backup seals thousands of 4 MiB chunks per thread without allocating (and
   * collecting) three arrays for each. The result is valid until the scratch is used again.
   */
  public Plain seal(String name, byte[] plain, int offset, int length, Scratch scratch) {
    byte[] body = plain;
    int bodyOff = offset;
    int bodyLen = length;
    byte flags = (byte) (SEGMENT_BITS << 4);
    if (length > 64) {
      byte[] packed = scratch.packed((int) Zstd.compressBound(length));
      long n = Zstd.compressByteArray(packed, 0, packed.length, plain, offset, length, ZSTD_LEVEL);
      if (Zstd.isError(n)) {
        throw new IllegalStateException("zstd failed: " + Zstd.getErrorName(n));
      }
      if (n < length) {
        body = packed;
        bodyOff = 0;
        bodyLen = (int) n;
        flags |= 1;
      }
    }
    DataKey key = ring.current();
    boolean keyed = key.id() != DataKey.LEGACY;
    int header = headerLength(keyed);
    byte[] prefix = new byte[PREFIX];
    random.nextBytes(prefix);
    int segments = Math.max(1, (bodyLen + SEGMENT - 1) / SEGMENT);
    int size = header + bodyLen + segments * TAG;
    byte[] out = scratch.sealed(size);
    System.arraycopy(keyed ? MAGIC_KEYED : MAGIC, 0, out, 0, MAGIC.length);
    out[MAGIC.length] = flags;
    if (keyed) {
      ByteBuffer.wrap(out, MAGIC.length + 1, KEY_ID).putInt(key.id());
    }
    System.arraycopy(prefix, 0, out, header - PREFIX, PREFIX);
    byte[] aadName = name.getBytes(StandardCharsets.UTF_8);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      int written = header;
      for (int i = 0; i < segments; i++) {
        int from = i * SEGMENT;
        int len = Math.min(SEGMENT, bodyLen - from);
        cipher.init(
            Cipher.ENCRYPT_MODE, key.encryption(), new GCMParameterSpec(TAG * 8, nonce(prefix, i)));
        cipher.updateAAD(aad(aadName, i == segments - 1));
        written += cipher.doFinal(body, bodyOff + from, len, out, written);
      }
      return new Plain(out, size);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed: " + e.getMessage(), e);
    }
  }

  public byte[] seal(String name, byte[] plain) {
    return seal(name, plain, 0, plain.length);
  }

  /**
   * Opens sealed bytes.
   *
   * @throws DamagedObjectException when the bytes are not a sealed object of that name under a key
   *     of the ring (tampered, truncated, renamed or written with another key)
   */
  public byte[] open(String name, byte[] sealed) {
    // A fresh scratch is sized exactly, so its array is the plain object itself.
    Plain plain = open(name, sealed, new Scratch());
    return plain.bytes().length == plain.length()
        ? plain.bytes()
        : Arrays.copyOf(plain.bytes(), plain.length());
  }

  /**
   * Opens sealed bytes into a scratch's buffers, which grow as needed and are reused by the next
   * call: a restore opens thousands of 4 MiB chunks per thread without allocating (and collecting)
   * two arrays for each. The result is valid until the scratch is used again.
   *
   * @throws DamagedObjectException as {@link #open(String, byte[])}
   */
  public Plain open(String name, byte[] sealed, Scratch scratch) {
    return open(name, sealed, sealed.length, scratch);
  }

  /**
   * {@link #open(String, byte[], Scratch)} of the first {@code length} bytes of {@code sealed}: an
   * object read into a reused buffer ({@link Target#get(String, Scratch)}), which must not be the
   * scratch's own {@code packed} or {@code plain} buffer.
   */
  public Plain open(String name, byte[] sealed, int length, Scratch scratch) {
    DataKey key = keyOf(name, sealed, length);
    int header = headerLength(key.id() != DataKey.LEGACY);
    byte flags = sealed[MAGIC.length];
    int bits = (flags >> 4) & 0x0f;
    if (bits < 10) {
      throw new DamagedObjectException(name, "bad segment size in the header");
    }
    int segment = 1 << bits;
    byte[] prefix = Arrays.copyOfRange(sealed, header - PREFIX, header);
    int total = length - header;
    int segments = Math.max(1, (total + segment + TAG - 1) / (segment + TAG));
    int bodyLen = total - segments * TAG;
    if (bodyLen < 0 || (segments > 1 && total - (segments - 1) * (segment + TAG) < TAG)) {
      throw new DamagedObjectException(name, "truncated");
    }
    boolean compressed = (flags & 1) == 1;
    byte[] body = compressed ? scratch.packed(bodyLen) : scratch.plain(bodyLen);
    byte[] aadName = name.getBytes(StandardCharsets.UTF_8);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      int read = header;
      int written = 0;
      for (int i = 0; i < segments; i++) {
        int len = Math.min(segment + TAG, length - read);
        cipher.init(
            Cipher.DECRYPT_MODE, key.encryption(), new GCMParameterSpec(TAG * 8, nonce(prefix, i)));
        cipher.updateAAD(aad(aadName, i == segments - 1));
        written += cipher.doFinal(sealed, read, len, body, written);
        read += len;
      }
    } catch (AEADBadTagException e) {
      throw new DamagedObjectException(name, "authentication failed (changed, or another key)");
    } catch (GeneralSecurityException e) {
      throw new DamagedObjectException(name, e.getMessage());
    }
    if (!compressed) {
      return new Plain(body, bodyLen);
    }
    long size = Zstd.getFrameContentSize(body, 0, bodyLen);
    if (size < 0 || size > Integer.MAX_VALUE) {
      throw new DamagedObjectException(name, "compressed frame has no valid size");
    }
    byte[] plain = scratch.plain((int) size);
    long got = Zstd.decompressByteArray(plain, 0, (int) size, body, 0, bodyLen);
    if (Zstd.isError(got) || got != size) {
      throw new DamagedObjectException(
          name,
          "compressed frame does not decompress: "
              + (Zstd.isError(got) ? Zstd.getErrorName(got) : got + " of " + size + " bytes"));
    }
    return new Plain(plain, (int) size);
  }

  /** An opened (or sealed) object: the first {@code length} bytes of {@code bytes}. */
  public record Plain(byte[] bytes, int length) {}

  /**
   * Buffers one thread reuses across {@code open} and {@code seal} calls, and for the sealed object
   * a restore reads before it opens it ({@link Target#get(String, Scratch)}).
   */
  public static final class Scratch {

    /** What a buffer that has to grow is rounded up to. */
    private static final int STEP = 1 << 20;

    private byte[] packed = new byte[0];
    private byte[] plain = new byte[0];
    private byte[] sealed = new byte[0];

    byte[] sealed(int length) {
      sealed = fit(sealed, length);
      return sealed;
    }

    byte[] packed(int length) {
      packed = fit(packed, length);
      return packed;
    }

    byte[] plain(int length) {
      plain = fit(plain, length);
      return plain;
    }

    /**
     * The buffer, or a larger one. The first is exact (a fresh scratch's array is then the object
     * itself); one that has to grow grows to whole MiB, so a run of objects each a little larger
     * than the last (compressed chunks: 3.9, 4.0, 4.01 MiB ...) makes one or two arrays, not one
     * per object: each was a 4 MiB array live across a young collection, which the daemon's small
     * young generation promoted, filling the old one during a restore.
     */
    private static byte[] fit(byte[] buffer, int length) {
      if (buffer.length >= length) {
        return buffer;
      }
      if (buffer.length == 0 || length <= STEP) {
        return new byte[length];
      }
      return new byte
          [(int) Math.min(Integer.MAX_VALUE - 8, ((long) length + STEP - 1) / STEP * STEP)];
    }
  }

  /** The data key an object names in its header. */
  private DataKey keyOf(String name, byte[] sealed, int length) {
    boolean legacy =
        length >= MAGIC.length && Arrays.equals(sealed, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    boolean keyed =
        length >= MAGIC.length
            && Arrays.equals(sealed, 0, MAGIC.length, MAGIC_KEYED, 0, MAGIC.length);
    if ((!legacy && !keyed) || length < headerLength(keyed) + TAG) {
      throw new DamagedObjectException(name, "not a vault object (bad header or too short)");
    }
    int id = keyed ? ByteBuffer.wrap(sealed, MAGIC.length + 1, KEY_ID).getInt() : DataKey.LEGACY;
    if (keyed && id == DataKey.LEGACY) {
      throw new DamagedObjectException(name, "bad data key id in the header");
    }
    return ring.key(id)
        .orElseThrow(
            () ->
                new DamagedObjectException(
                    name,
                    "sealed under data key "
                        + id
                        + ", which the repository's key ring lacks (another vault's key?)"));
  }

  private static int headerLength(boolean keyed) {
    return MAGIC.length + 1 + (keyed ? KEY_ID : 0) + PREFIX;
  }

  private static byte[] nonce(byte[] prefix, int segment) {
    return ByteBuffer.allocate(PREFIX + 4).put(prefix).putInt(segment).array();
  }

  private static byte[] aad(byte[] name, boolean last) {
    byte[] aad = Arrays.copyOf(name, name.length + 2);
    aad[name.length] = 0;
    aad[name.length + 1] = (byte) (last ? 1 : 0);
    return aad;
  }
}
