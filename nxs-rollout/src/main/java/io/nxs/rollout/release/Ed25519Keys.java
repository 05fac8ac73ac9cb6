package io.nxs.rollout.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys in the PEM files {@code openssl} writes: {@code openssl genpkey -algorithm ed25519}
 * (an unencrypted PKCS#8 {@code PRIVATE KEY}) and {@code openssl pkey -pubout} (an X.509 {@code
 * PUBLIC KEY}). A PEM block is Base64 of the DER the JDK's key specs take, so the JDK reads them
 * without a PEM library.
 */
public final class Ed25519Keys {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  private Ed25519Keys() {}

  /**
   * Reads a private key file.
   *
   * @throws ReleaseException when the file is missing or is not an unencrypted Ed25519 PKCS#8 key
   */
  public static PrivateKey readPrivate(Path pem) {
    byte[] der = block(read(pem), pem, "PRIVATE KEY");
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new ReleaseException(
          pem + ": not an Ed25519 private key (make one with 'openssl genpkey -algorithm ed25519')",
          e);
    }
  }

  /**
   * Reads a public key file.
   *
   * @throws ReleaseException when the file is missing or holds no Ed25519 public key
   */
  public static PublicKey readPublic(Path pem) {
    return parsePublic(read(pem), pem.toString());
  }

  /**
   * Parses a public key from PEM text, e.g. {@code release.public_key} written inline.
   *
   * @param source what to call the text in an error message
   * @throws ReleaseException when the text holds no Ed25519 public key
   */
  public static PublicKey parsePublic(String pem, String source) {
    byte[] der = block(pem, source, "PUBLIC KEY");
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new ReleaseException(
          source + ": not an Ed25519 public key (write one with 'openssl pkey -pubout')", e);
    }
  }

  /** The PEM text of a public key, as {@code openssl pkey -pubout} writes it. */
  public static String toPem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** The PEM text of a private key in PKCS#8, as {@code openssl genpkey} writes it. */
  public static String toPem(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static String read(Path pem) {
    try {
      return Files.readString(pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ReleaseException(pem + ": cannot read the key file (" + e.getMessage() + ")", e);
    }
  }

  private static byte[] block(String text, Object source, String type) {
    Matcher m = BLOCK.matcher(text);
    if (!m.find()) {
      throw new ReleaseException(source + ": no PEM block (-----BEGIN " + type + "-----) in it");
    }
    if (!m.group(1).equals(type)) {
      String hint =
          m.group(1).startsWith("ENCRYPTED")
              ? ": the key is encrypted; sign with an unencrypted copy kept offline"
              : "";
      throw new ReleaseException(source + ": holds a " + m.group(1) + ", not a " + type + hint);
    }
    try {
      return Base64.getMimeDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw new ReleaseException(source + ": the PEM block is not valid Base64", e);
    }
  }
}
