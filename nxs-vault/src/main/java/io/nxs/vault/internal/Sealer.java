package io.nxs.vault.internal;

import com.github.luben.zstd.Zstd;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Compresses (zstd) and encrypts (AES-256-GCM, JCA) one object of the repository, and undoes it.
 *
 * <p>Layout: {@code "NXV1" | flags (1 byte: 1 = zstd) | nonce (12 bytes) | ciphertext | tag (16
 * bytes)}. Each object gets a fresh random 96-bit nonce from {@link SecureRandom}, so a nonce is
 * not reused under one key far beyond the number of objects a vault ever writes (NIST SP 800-38D
 * allows 2^32 random nonces per key). The object's name is the additional authenticated data: a
 * blob copied over another blob's name, or a manifest renamed to another snapshot, fails to open.
 */
public final class Sealer {

  private static final byte[] MAGIC = "NXV1".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final int HEADER = MAGIC.length + 1 + NONCE;
  private static final int ZSTD_LEVEL = 3;
  private static final int SLICE = 64 * 1024;

  private final VaultKey key;
  private final SecureRandom random = new SecureRandom();

  public Sealer(VaultKey key) {
    this.key = key;
  }

  public VaultKey key() {
    return key;
  }

  /** Seals plain bytes under a name. */
  public byte[] seal(String name, byte[] plain, int offset, int length) {
    byte[] body = plain;
    int bodyOff = offset;
    int bodyLen = length;
    byte flags = 0;
    if (length > 64) {
      byte[] packed = Zstd.compress(Arrays.copyOfRange(plain, offset, offset + length), ZSTD_LEVEL);
      if (packed.length < length) {
        body = packed;
        bodyOff = 0;
        bodyLen = packed.length;
        flags = 1;
      }
    }
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key.encryption(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(name));
      byte[] out = new byte[HEADER + cipher.getOutputSize(bodyLen)];
      System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
      out[MAGIC.length] = flags;
      System.arraycopy(nonce, 0, out, MAGIC.length + 1, NONCE);
      int written = HEADER;
      // Slices, not one call: the JIT compiles (and so intrinsifies with AES-NI/PCLMUL) a method
      // called often, never one long call; one 4 MiB doFinal stays interpreted at ~40 MB/s.
      for (int pos = 0; pos < bodyLen; pos += SLICE) {
        written += cipher.update(body, bodyOff + pos, Math.min(SLICE, bodyLen - pos), out, written);
      }
      cipher.doFinal(out, written);
      return out;
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
   * @throws DamagedObjectException when the bytes are not a sealed object of that name under this
   *     key (tampered, truncated, renamed or written with another key)
   */
  public byte[] open(String name, byte[] sealed) {
    if (sealed.length < HEADER + TAG_BITS / 8
        || !Arrays.equals(sealed, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new DamagedObjectException(name, "not a vault object (bad header or too short)");
    }
    byte flags = sealed[MAGIC.length];
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          key.encryption(),
          new GCMParameterSpec(TAG_BITS, sealed, MAGIC.length + 1, NONCE));
      cipher.updateAAD(aad(name));
      int length = sealed.length - HEADER;
      byte[] body = new byte[cipher.getOutputSize(length)];
      int written = 0;
      for (int pos = 0; pos < length; pos += SLICE) {
        written += cipher.update(sealed, HEADER + pos, Math.min(SLICE, length - pos), body, written);
      }
      written += cipher.doFinal(body, written);
      if (written != body.length) {
        body = Arrays.copyOf(body, written);
      }
      if (flags == 1) {
        long size = Zstd.getFrameContentSize(body);
        if (size < 0 || size > Integer.MAX_VALUE) {
          throw new DamagedObjectException(name, "compressed frame has no valid size");
        }
        return Zstd.decompress(body, (int) size);
      }
      return body;
    } catch (AEADBadTagException e) {
      throw new DamagedObjectException(name, "authentication failed (changed, or another key)");
    } catch (GeneralSecurityException e) {
      throw new DamagedObjectException(name, e.getMessage());
    }
  }

  private static byte[] aad(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  /** Size of the sealed form's overhead, for size checks. */
  static int overhead() {
    return HEADER + TAG_BITS / 8;
  }

}
