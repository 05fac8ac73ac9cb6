package io.nxs.session.transfer;

import io.nxs.session.SessionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key an encrypted session export is sealed with, from a key file: 64 hex digits are
 * the key itself; anything else is a passphrase, stretched with PBKDF2-HMAC-SHA256 (the JDK's) over
 * a random salt kept in the export's header. The key never leaves this object except to the cipher.
 */
public final class BundleKey {

  /** PBKDF2 iterations (OWASP 2023 guidance for PBKDF2-HMAC-SHA256). */
  static final int ITERATIONS = 600_000;

  private final SecretKeySpec key;

  private BundleKey(byte[] raw) {
    this.key = new SecretKeySpec(raw, "AES");
    Arrays.fill(raw, (byte) 0);
  }

  /** A fresh random salt for a new export. */
  public static byte[] newSalt() {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return salt;
  }

  /**
   * The key a key file holds, for an export with this salt.
   *
   * @throws SessionException when the file cannot be read or is empty
   */
  public static BundleKey fromFile(Path file, byte[] salt) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new SessionException("cannot read the key file " + file + ": " + e.getMessage(), e);
    }
    if (text.isEmpty()) {
      throw new SessionException("the key file " + file + " is empty");
    }
    if (text.matches("[0-9a-fA-F]{64}")) {
      return new BundleKey(HexFormat.of().parseHex(text));
    }
    char[] passphrase = text.toCharArray();
    try {
      PBEKeySpec spec = new PBEKeySpec(passphrase, salt, ITERATIONS, 256);
      byte[] raw =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      spec.clearPassword();
      return new BundleKey(raw);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA256", e);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  SecretKeySpec spec() {
    return key;
  }

  @Override
  public String toString() {
    return "BundleKey[redacted]";
  }
}
