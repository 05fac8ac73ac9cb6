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
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The vault's 256-bit master key, kept in {@code keys/vault.key} (0600, base64), apart from the
 * backups (SPEC VA6), or derived from a passphrase with PBKDF2-HMAC-SHA-256 (ADR 0058).
 *
 * <p>It wraps the repository's {@link KeyRing} of data keys (ADR 0152) under a key derived from it
 * with HKDF-Expand. A repository without a ring (written before rings, or never rotated) uses the
 * master key's own bytes as its only data key ({@link #legacyDataKey}), which derives the
 * encryption and naming keys exactly as before.
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
  private final byte[] master;

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
    this.master = master.clone();
  }

  /** 32 fresh random bytes, base64 with a newline: the content of a new key file. */
  static byte[] freshFileContent() {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    try {
      return (Base64.getEncoder().encodeToString(fresh) + "\n").getBytes(StandardCharsets.US_ASCII);
    } finally {
      java.util.Arrays.fill(fresh, (byte) 0);
    }
  }

  /** Loads the key file, creating it (0600, 32 random bytes) when it does not exist. */
  public static VaultKey loadOrCreate(Path file) {
    if (!Files.exists(file)) {
      SecureFiles.ensureDirectory(file.toAbsolutePath().getParent());
      SecureFiles.writeAtomically(file, freshFileContent());
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

  /** The data key of a repository without a key ring: these very bytes, id {@code 0}. */
  DataKey legacyDataKey() {
    return DataKey.of(DataKey.LEGACY, master);
  }

  /** The key that wraps the key ring (AES-256-GCM): HKDF-Expand of the master key. */
  SecretKey wrapping() {
    return new SecretKeySpec(DataKey.expand(master, "nxs-vault/key-ring-wrap"), "AES");
  }

  /** Whether two keys are the same bytes (a rotation must never "rotate" to the same key). */
  boolean sameAs(VaultKey other) {
    return java.security.MessageDigest.isEqual(master, other.master);
  }

  @Override
  public String toString() {
    return "VaultKey[" + source + "]";
  }
}
