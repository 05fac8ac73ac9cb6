package io.nxs.rollout.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Signs and verifies release archives (SPEC RO2).
 *
 * <p>The signature is detached, in {@code ARCHIVE.sig}: the 64 raw bytes of an Ed25519 signature
 * over the archive's {@link Manifest} bytes, so {@code openssl pkeyutl -verify -rawin} checks it
 * too. The manifest holds every file's SHA-256, {@code VERSION} included, so the signature covers
 * the whole release and its version: renaming an old signed release to a higher version does not
 * verify.
 */
public final class ReleaseSignature {

  /** The signature file's suffix, appended to the archive's file name. */
  public static final String SUFFIX = ".sig";

  private ReleaseSignature() {}

  /** {@code ARCHIVE.sig}, beside the archive. */
  public static Path signatureFile(Path archive) {
    return archive.resolveSibling(archive.getFileName() + SUFFIX);
  }

  /**
   * Checks that the archive is whole (its files match its own manifest), then writes {@code
   * ARCHIVE.sig} atomically.
   *
   * @return the signature file
   * @throws ReleaseException when the archive is damaged or does not match its manifest
   */
  public static Path sign(Path archive, PrivateKey key) {
    ReleaseArchive.Contents contents = ReleaseArchive.scan(archive);
    checkFiles(archive, contents, Manifest.parse(contents.manifest()));
    byte[] signature;
    try {
      Signature ed = Signature.getInstance("Ed25519");
      ed.initSign(key);
      ed.update(contents.manifest());
      signature = ed.sign();
    } catch (GeneralSecurityException e) {
      throw new ReleaseException("cannot sign with this key: " + e.getMessage(), e);
    }
    Path sig = signatureFile(archive);
    Path tmp = sig.resolveSibling(sig.getFileName() + ".tmp");
    try {
      Files.write(tmp, signature);
      Files.move(tmp, sig, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ReleaseException(sig + ": cannot write the signature (" + e.getMessage() + ")", e);
    }
    return sig;
  }

  /**
   * Verifies the archive against {@code ARCHIVE.sig} and the trusted key: the signature over the
   * manifest first, then every file's hash, then the layout and version. Writes nothing.
   *
   * @throws ReleaseException naming what failed: a missing or bad signature, a file whose hash
   *     differs, a missing or extra file, a damaged archive
   */
  public static VerifiedRelease verify(Path archive, PublicKey trusted) {
    ReleaseArchive.Contents contents = ReleaseArchive.scan(archive);
    return verify(archive, contents, readSignature(archive), trusted);
  }

  /** Like {@link #verify(Path, PublicKey)} on contents already read. */
  static VerifiedRelease verify(
      Path archive, ReleaseArchive.Contents contents, byte[] signature, PublicKey trusted) {
    boolean valid;
    try {
      Signature ed = Signature.getInstance("Ed25519");
      ed.initVerify(trusted);
      ed.update(contents.manifest());
      valid = signature.length == 64 && ed.verify(signature);
    } catch (GeneralSecurityException e) {
      throw new ReleaseException("cannot verify with the trusted key: " + e.getMessage(), e);
    }
    if (!valid) {
      throw new BadSignatureException(
          archive
              + ": BAD SIGNATURE: "
              + signatureFile(archive).getFileName()
              + " does not match the archive's manifest under the trusted public key; the archive"
              + " was changed or signed by another key. Nothing was installed.");
    }
    Manifest manifest = Manifest.parse(contents.manifest());
    checkFiles(archive, contents, manifest);
    String expected = "nxs-" + contents.version();
    if (!contents.directory().equals(expected)) {
      throw new ReleaseException(
          archive
              + ": the release directory is '"
              + contents.directory()
              + "' but the signed VERSION says '"
              + expected
              + "'");
    }
    return new VerifiedRelease(
        contents.directory(), ReleaseVersion.parse(contents.version()), manifest);
  }

  /**
   * Checks that {@code contents} holds exactly the files of {@code manifest} with their hashes.
   *
   * @throws ReleaseException naming the first file that differs, is missing or is extra
   */
  static void checkFiles(Path archive, ReleaseArchive.Contents contents, Manifest manifest) {
    Set<String> extra = new HashSet<>(contents.hashes().keySet());
    for (Map.Entry<String, String> file : manifest.files().entrySet()) {
      String actual = contents.hashes().get(file.getKey());
      extra.remove(file.getKey());
      if (actual == null) {
        throw new ReleaseException(
            archive + ": " + file.getKey() + " is in the manifest but not in the archive");
      }
      if (!actual.equals(file.getValue())) {
        throw new ReleaseException(
            archive
                + ": "
                + contents.directory()
                + "/"
                + file.getKey()
                + ": SHA-256 differs from the manifest; the archive was changed after it was"
                + " made. Nothing was installed.");
      }
    }
    if (!extra.isEmpty()) {
      throw new ReleaseException(
          archive + ": " + extra.stream().sorted().toList() + " not in the manifest");
    }
  }

  private static byte[] readSignature(Path archive) {
    Path sig = signatureFile(archive);
    try {
      return Files.readAllBytes(sig);
    } catch (NoSuchFileException e) {
      throw new ReleaseException(
          sig + ": no signature beside the archive; an unsigned release is not installed", e);
    } catch (IOException e) {
      throw new ReleaseException(sig + ": cannot read (" + e.getMessage() + ")", e);
    }
  }
}
