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
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The vault's 256-bit master key, kept in {@code keys/vault.key} (0600, base64), apart from the
 * backups (SPEC VA6), or derived from a passphrase with PBKDF2-HMAC-SHA-256 (ADR 0058), and the two
 * keys derived from it with HKDF-Expand (RFC 5869, one block of HMAC-SHA-256 from the JDK): one
 * encrypts (AES-256-GCM), one names blobs (HMAC-SHA-256 of the content, so a repository's reader
 * cannot confirm a guessed file by its plain hash).
 */
public final class VaultKey {

  /** PBKDF2 iterations for a new repository: OWASP's figure for PBKDF2-HMAC-SHA-256. */
  public static final int PBKDF2_ITERATIONS = 600_000;

  /** The shortest passphrase accepted. */
  public static final int MIN_PASSPHRASE = 12;

  private static final String PBKDF2 = "PBKDF2WithHmacSHA256";

  private final Path file;
  private final String source;
  private final Kdf kdf;
  private final SecretKey encryption;
  private final SecretKey naming;

  /**
   * How a passphrase becomes the master key; stored in plain in every repository's {@code config}
   * so a restore on a new machine needs only the passphrase.
   *
   * @param algorithm {@code PBKDF2WithHmacSHA256}
   * @param iterations at least 100,000 when read back
   * @param salt 16 random bytes, base64
   */
  public record Kdf(String algorithm, int iterations, String salt) {
    /** Fresh parameters: a new random salt, today's iteration count. */
    public static Kdf fresh() {
      byte[] salt = new byte[16];
      new SecureRandom().nextBytes(salt);
      return new Kdf(PBKDF2, PBKDF2_ITERATIONS, Base64.getEncoder().encodeToString(salt));
    }

    /** Checks parameters read from a repository. */
    public Kdf {
      if (!PBKDF2.equals(algorithm)) {
        throw new VaultException("the repository's key derivation '" + algorithm + "' is unknown");
      }
      if (iterations < 100_000 || iterations > 100_000_000) {
        throw new VaultException(
            "the repository's key derivation asks for "
                + iterations
                + " iterations, outside [100000, 100000000]");
      }
      try {
        if (Base64.getDecoder().decode(salt).length < 16) {
          throw new VaultException("the repository's key derivation salt is shorter than 16 bytes");
        }
      } catch (IllegalArgumentException e) {
        throw new VaultException("the repository's key derivation salt is not base64");
      }
    }
  }

  private VaultKey(Path file, String source, Kdf kdf, byte[] master) {
    this.file = file;
    this.source = source;
    this.kdf = kdf;
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
          file,
          (Base64.getEncoder().encodeToString(fresh) + "\n").getBytes(StandardCharsets.US_ASCII));
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
          "cannot read the vault key "
              + file
              + " ("
              + e.getClass().getSimpleName()
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
    return new VaultKey(file, "the vault key " + file, null, master);
  }

  /**
   * Derives the master key from a passphrase.
   *
   * @param variable the environment variable it came from, for messages
   * @throws VaultException when it is shorter than {@link #MIN_PASSPHRASE}
   */
  public static VaultKey fromPassphrase(String variable, String passphrase, Kdf kdf) {
    if (passphrase.length() < MIN_PASSPHRASE) {
      throw new VaultException(
          "the passphrase in "
              + variable
              + " is shorter than "
              + MIN_PASSPHRASE
              + " characters: choose a longer one (a few random words)");
    }
    char[] chars = passphrase.toCharArray();
    PBEKeySpec spec =
        new PBEKeySpec(chars, Base64.getDecoder().decode(kdf.salt()), kdf.iterations(), 256);
    try {
      byte[] master = SecretKeyFactory.getInstance(PBKDF2).generateSecret(spec).getEncoded();
      return new VaultKey(null, "the passphrase in " + variable, kdf, master);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + PBKDF2, e);
    } finally {
      spec.clearPassword();
      java.util.Arrays.fill(chars, '\0');
    }
  }

  /** The key file; null for a key derived from a passphrase. */
  public Path file() {
    return file;
  }

  /** Where the key came from, for messages: a file or a passphrase's variable. */
  public String source() {
    return source;
  }

  /** The passphrase derivation's parameters; null for a key file. */
  public Kdf kdf() {
    return kdf;
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
