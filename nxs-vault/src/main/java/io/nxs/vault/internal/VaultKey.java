package io.nxs.vault.internal;

import io.nxs.core.state.SecureFiles;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The vault's 256-bit master key, kept in {@code keys/vault.key} (0600, base64), apart from the
 * backups (SPEC VA6), and the two keys derived from it with HKDF-Expand (RFC 5869, one block of
 * HMAC-SHA-256 from the JDK): one encrypts (AES-256-GCM), one names blobs (HMAC-SHA-256 of the
 * content, so a repository's reader cannot confirm a guessed file by its plain hash).
 */
public final class VaultKey {

  private final Path file;
  private final SecretKey encryption;
  private final SecretKey naming;

  private VaultKey(Path file, byte[] master) {
    this.file = file;
    this.encryption = new SecretKeySpec(expand(master, "nxs-vault/aes-256-gcm"), "AES");
    this.naming = new SecretKeySpec(expand(master, "nxs-vault/blob-id"), "HmacSHA256");
  }

  /** Loads the key file, creating it (0600, 32 random bytes) when it does not exist. */
  public static VaultKey loadOrCreate(Path file) {
    if (!Files.exists(file)) {
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      SecureFiles.ensureDirectory(file.toAbsolutePath().getParent());
      SecureFiles.writeAtomically(
          file, (Base64.getEncoder().encodeToString(fresh) + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    return load(file);
  }

  /**
   * Loads an existing key file.
   *
   * @throws VaultException when it is missing or not a base64 256-bit key
   */
  public static VaultKey load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new VaultException(
          "cannot read the vault key " + file + " (" + e.getClass().getSimpleName()
              + "): restore it from where you keep it apart from the backups");
    }
    byte[] master;
    try {
      master = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new VaultException("the vault key " + file + " is not base64 text");
    }
    if (master.length != 32) {
      throw new VaultException(
          "the vault key " + file + " must hold 32 bytes, but holds " + master.length);
    }
    return new VaultKey(file, master);
  }

  public Path file() {
    return file;
  }

  SecretKey encryption() {
    return encryption;
  }

  /** The blob name of some content: hex HMAC-SHA-256 under the naming key. */
  public Mac newNamingMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(naming);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }

  private static byte[] expand(byte[] master, String info) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(master, "HmacSHA256"));
      mac.update(info.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 1);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }
}
