package io.nxs.audit.internal;

import io.nxs.core.NxsException;
import io.nxs.core.log.Redaction;
import io.nxs.core.state.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The audit log's Ed25519 key pair (JDK crypto only), kept as PEM files in the keys directory:
 * {@code audit-signing.key} (PKCS#8, mode 0600) and {@code audit-signing.pub} (X.509).
 *
 * <p>Signatures are over a domain tag plus the 32-byte value signed, so an entry signature can
 * never be replayed as an archive or anchor signature.
 */
public final class SigningKeys {

  /** File name of the private key. */
  public static final String PRIVATE_FILE = "audit-signing.key";

  /** File name of the public key. */
  public static final String PUBLIC_FILE = "audit-signing.pub";

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final Ed25519.PublicPoint publicPoint;
  private final String id;

  private SigningKeys(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicPoint = publicPoint(publicKey);
    this.id = EntryCodec.hex(sha256(publicKey.getEncoded())).substring(0, 16);
  }

  /**
   * The key's point, decoded and validated once. An Ed25519 SubjectPublicKeyInfo ends in the raw
   * 32-byte key (RFC 8410).
   *
   * @throws IllegalArgumentException when the key is not a valid Ed25519 point
   */
  private static Ed25519.PublicPoint publicPoint(PublicKey key) {
    byte[] spki = key.getEncoded();
    Ed25519.PublicPoint point =
        Ed25519.validatePublicKeyFullExport(spki, spki.length - Ed25519.PUBLIC_KEY_SIZE);
    if (point == null) {
      throw new IllegalArgumentException("the audit public key is not a valid Ed25519 point");
    }
    return point;
  }

  /**
   * Loads the pair from {@code keysDir}, creating it when neither file exists and {@code
   * mayCreate}.
   *
   * @throws NxsException when one file is missing, a file is damaged, or the two do not match
   */
  public static SigningKeys loadOrCreate(Path keysDir, boolean mayCreate) {
    Path priv = keysDir.resolve(PRIVATE_FILE);
    Path pub = keysDir.resolve(PUBLIC_FILE);
    boolean havePriv = Files.exists(priv);
    boolean havePub = Files.exists(pub);
    if (!havePriv && !havePub) {
      if (!mayCreate) {
        throw new NxsException(
            "the audit signing key "
                + priv
                + " is missing but the audit log already has entries:"
                + " restore "
                + PRIVATE_FILE
                + " and "
                + PUBLIC_FILE
                + " from a backup");
      }
      return create(keysDir, priv, pub);
    }
    if (!havePriv || !havePub) {
      throw new NxsException(
          "only one half of the audit signing key pair exists in "
              + keysDir
              + " (missing "
              + (havePriv ? PUBLIC_FILE : PRIVATE_FILE)
              + "): restore both files from a backup");
    }
    return load(keysDir, priv, pub);
  }

  private static SigningKeys loadOrNull(Path keysDir, Path priv, Path pub) {
    try {
      return load(keysDir, priv, pub);
    } catch (NxsException e) {
      return null; // a half-written prepared pair: never committed, deleted below
    }
  }

  private static SigningKeys load(Path keysDir, Path priv, Path pub) {
    try {
      KeyFactory factory = KeyFactory.getInstance("Ed25519");
      PrivateKey privateKey =
          factory.generatePrivate(new PKCS8EncodedKeySpec(readPem(priv, "PRIVATE KEY", true)));
      PublicKey publicKey =
          factory.generatePublic(new X509EncodedKeySpec(readPem(pub, "PUBLIC KEY", false)));
      SigningKeys keys = new SigningKeys(privateKey, publicKey);
      byte[] probe = new byte[32];
      if (!keys.verify("probe", probe, keys.sign("probe", probe))) {
        throw new NxsException(
            "the audit signing keys "
                + priv
                + " and "
                + pub
                + " do not belong together:"
                + " restore the matching pair from a backup");
      }
      return keys;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new NxsException(
          "the audit signing key in "
              + keysDir
              + " is damaged ("
              + e.getMessage()
              + "): restore "
              + PRIVATE_FILE
              + " and "
              + PUBLIC_FILE
              + " from a backup",
          e);
    }
  }

  /** Suffix of a new pair written before its hand-over is committed ({@link #prepareNext}). */
  static final String NEXT = ".next";

  private static final String LOCK_FILE = "audit-signing.lock";
  private static final Object ROTATION = new Object();

  /**
   * Runs {@code work} holding the keys directory's rotation lock: a JVM-wide monitor and, for other
   * processes (the daemon and a CLI command share a home), a lock on {@code audit-signing.lock}. A
   * whole rotation runs under it, so two rotations never interleave and a prepared pair is never
   * taken for another rotation's.
   */
  public static <T> T underRotationLock(Path keysDir, java.util.function.Supplier<T> work) {
    synchronized (ROTATION) {
      SecureFiles.ensureDirectory(keysDir);
      try (java.nio.channels.FileChannel lockFile =
              java.nio.channels.FileChannel.open(
                  keysDir.resolve(LOCK_FILE),
                  java.nio.file.StandardOpenOption.CREATE,
                  java.nio.file.StandardOpenOption.WRITE);
          java.nio.channels.FileLock lock = lockFile.lock()) {
        return work.get();
      } catch (IOException e) {
        throw new NxsException(
            "cannot lock the audit keys in " + keysDir + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * A new pair for a rotation, written beside the current one as {@code audit-signing.key.next} and
   * {@code .pub.next} (mode 0600, durably) before the hand-over entry is committed, so a crash
   * right after the commit still finds the key the log now expects ({@link #promoteLocked}). Call
   * under {@link #underRotationLock}.
   */
  public static SigningKeys prepareNextLocked(Path keysDir) {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      String privPem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
      registerSecret(privPem);
      SecureFiles.writeAtomically(
          keysDir.resolve(PUBLIC_FILE + NEXT),
          pem("PUBLIC KEY", pair.getPublic().getEncoded()).getBytes(StandardCharsets.US_ASCII));
      SecureFiles.writeAtomically(
          keysDir.resolve(PRIVATE_FILE + NEXT), privPem.getBytes(StandardCharsets.US_ASCII));
      return new SigningKeys(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new NxsException("cannot create a new audit signing key: " + e.getMessage(), e);
    }
  }

  /** {@link #promoteLocked} under the rotation lock. */
  public static SigningKeys promote(Path keysDir, String committedId) {
    return underRotationLock(keysDir, () -> promoteLocked(keysDir, committedId));
  }

  /**
   * Makes the pair the log is signed with ({@code committedId}) the current files: a prepared
   * {@code .next} pair whose hand-over was committed replaces the current one (and with it the
   * retired private key); one whose hand-over never committed is deleted. Call under {@link
   * #underRotationLock}.
   *
   * @param committedId the key id the audit head names, or null for a log that names none yet
   * @return the current pair after promotion
   * @throws NxsException when neither the current nor a prepared pair is the committed key
   */
  public static SigningKeys promoteLocked(Path keysDir, String committedId) {
    try {
      Path nextPriv = keysDir.resolve(PRIVATE_FILE + NEXT);
      Path nextPub = keysDir.resolve(PUBLIC_FILE + NEXT);
      if (Files.exists(nextPriv)) {
        // A crash between the two moves below leaves the new public key already in place.
        Path pub = Files.exists(nextPub) ? nextPub : keysDir.resolve(PUBLIC_FILE);
        SigningKeys next = loadOrNull(keysDir, nextPriv, pub);
        if (next != null && next.id().equals(committedId)) {
          // Public first, then private: each move is atomic, and a crash in between is finished
          // here on the next open.
          if (pub.equals(nextPub)) {
            Files.move(
                nextPub,
                keysDir.resolve(PUBLIC_FILE),
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
          Files.move(
              nextPriv,
              keysDir.resolve(PRIVATE_FILE),
              java.nio.file.StandardCopyOption.ATOMIC_MOVE,
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          SecureFiles.syncDirectory(keysDir);
          return next;
        }
      }
      SigningKeys current = loadOrCreate(keysDir, false);
      if (committedId != null && !current.id().equals(committedId)) {
        throw new NxsException(
            "the audit log is signed with key "
                + committedId
                + " since its last key rotation, but "
                + keysDir.resolve(PRIVATE_FILE)
                + " holds key "
                + current.id()
                + ": restore the rotated key pair from a backup");
      }
      Files.deleteIfExists(nextPriv); // a hand-over that never committed
      Files.deleteIfExists(nextPub);
      return current;
    } catch (IOException e) {
      throw new NxsException(
          "cannot switch the audit signing key in " + keysDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * A short, stable name of the public key: the first 16 hex digits of the SHA-256 of its X.509
   * encoding. The audit head records it, so every process appending knows which key signs next.
   */
  public String id() {
    return id;
  }

  /** The public key's X.509 encoding in base64, as a key hand-over records it. */
  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(publicKey.getEncoded());
  }

  /**
   * A public-key-only verifier from a hand-over's base64 X.509 encoding.
   *
   * @throws IllegalArgumentException when the text is not an Ed25519 public key
   */
  public static SigningKeys fromPublicBase64(String base64) {
    try {
      return new SigningKeys(
          null,
          KeyFactory.getInstance("Ed25519")
              .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64))));
    } catch (GeneralSecurityException | NullPointerException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** A public-key-only verifier, e.g. for checking an archive copied to another machine. */
  public static SigningKeys verifierFrom(Path publicKeyFile) {
    try {
      PublicKey publicKey =
          KeyFactory.getInstance("Ed25519")
              .generatePublic(new X509EncodedKeySpec(readPem(publicKeyFile, "PUBLIC KEY", false)));
      return new SigningKeys(null, publicKey);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new NxsException(
          "the audit public key " + publicKeyFile + " is damaged: " + e.getMessage(), e);
    }
  }

  /** Signs {@code value} under a domain tag; returns base64. */
  public String sign(String domain, byte[] value) {
    if (privateKey == null) {
      throw new IllegalStateException("this key pair holds only the public key");
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(message(domain, value));
      return Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new NxsException("cannot sign an audit entry: " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code signature} (base64) is this key's signature of {@code value} under the tag.
   * Verification is Bouncy Castle's RFC 8032 Ed25519 with the public point decoded once (ADR 0021):
   * a long chain has one signature per group-commit batch, and the JDK's Ed25519 made checking them
   * most of {@code nxs audit verify}'s time. Thread-safe.
   */
  public boolean verify(String domain, byte[] value, String signature) {
    if (signature == null) {
      return false;
    }
    byte[] sig;
    try {
      sig = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (sig.length != Ed25519.SIGNATURE_SIZE) {
      return false;
    }
    byte[] msg = message(domain, value);
    return Ed25519.verify(sig, 0, publicPoint, msg, 0, msg.length);
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always provides SHA-256", e);
    }
  }

  private static byte[] message(String domain, byte[] value) {
    byte[] tag = ("nxs-audit-" + domain + "-v1:").getBytes(StandardCharsets.US_ASCII);
    byte[] msg = Arrays.copyOf(tag, tag.length + value.length);
    System.arraycopy(value, 0, msg, tag.length, value.length);
    return msg;
  }

  private static SigningKeys create(Path keysDir, Path priv, Path pub) {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      SecureFiles.ensureDirectory(keysDir);
      String privPem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
      registerSecret(privPem);
      // Public first: a crash in between leaves only the public half, which open() reports
      // instead of silently minting a second key.
      SecureFiles.writeAtomically(
          pub,
          pem("PUBLIC KEY", pair.getPublic().getEncoded()).getBytes(StandardCharsets.US_ASCII));
      SecureFiles.writeAtomically(priv, privPem.getBytes(StandardCharsets.US_ASCII));
      return new SigningKeys(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new NxsException("cannot create the audit signing key: " + e.getMessage(), e);
    }
  }

  /** Registers the key's base64, whole and line by line, so no log line ever shows it. */
  private static void registerSecret(String pemText) {
    StringBuilder body = new StringBuilder();
    pemText
        .lines()
        .filter(l -> !l.startsWith("-----"))
        .forEach(
            l -> {
              Redaction.register(l.strip());
              body.append(l.strip());
            });
    Redaction.register(body.toString());
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static byte[] readPem(Path file, String label, boolean secret) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new NxsException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(file.getFileName() + " is not a PEM " + label);
    }
    String body = text.substring(from + begin.length(), to).replaceAll("\\s", "");
    if (secret) {
      registerSecret(text);
    }
    return Base64.getDecoder().decode(body);
  }
}
