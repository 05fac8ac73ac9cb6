package io.nxs.vault.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One data key of the vault's {@link KeyRing}: 32 bytes from which HKDF-Expand (RFC 5869, one block
 * of HMAC-SHA-256 from the JDK) derives the key that encrypts objects (AES-256-GCM) and the key
 * that names blobs (HMAC-SHA-256 of the content). Key 0 of a repository written before key rings is
 * the vault key itself, so its objects and blob names stay what they were.
 */
public final class DataKey {

  /** The id of the data key a repository without a key ring uses: the vault key's own bytes. */
  public static final int LEGACY = 0;

  private final int id;
  private final byte[] material;
  private final SecretKey encryption;
  private final SecretKey naming;

  private DataKey(int id, byte[] material) {
    if (material.length != 32) {
      throw new IllegalArgumentException("a data key holds 32 bytes, not " + material.length);
    }
    this.id = id;
    this.material = material.clone();
    this.encryption = new SecretKeySpec(expand(material, "nxs-vault/aes-256-gcm"), "AES");
    this.naming = new SecretKeySpec(expand(material, "nxs-vault/blob-id"), "HmacSHA256");
  }

  /** A data key from its bytes. */
  static DataKey of(int id, byte[] material) {
    return new DataKey(id, material);
  }

  /** A new data key of 32 random bytes. */
  static DataKey random(int id) {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    try {
      return new DataKey(id, fresh);
    } finally {
      Arrays.fill(fresh, (byte) 0);
    }
  }

  /** Its id in the ring, recorded in every object sealed under it. */
  public int id() {
    return id;
  }

  /** Its bytes, for wrapping into the ring; a copy. */
  byte[] material() {
    return material.clone();
  }

  SecretKey encryption() {
    return encryption;
  }

  /** A fresh MAC that names blobs under this key: hex HMAC-SHA-256 of the content. */
  public Mac newNamingMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(naming);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }

  /** HKDF-Expand of one block: HMAC-SHA-256(key, info || 0x01). */
  static byte[] expand(byte[] key, String info) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(info.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 1);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "DataKey[" + id + "]";
  }
}
