package io.nxs.rollout.release;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a release archive, {@code nxs-<version>.tar.gz}: one directory {@code nxs-<version>/}
 * holding regular files only (no links, no devices, no {@code ..}), among them {@link
 * Manifest#FILE_NAME} and {@code VERSION}.
 *
 * <p>Reading never writes outside the directory it is asked to extract into; {@link #scan} writes
 * nothing at all. A damaged archive (a changed byte breaks the gzip CRC or a tar header) is a
 * {@link ReleaseException} naming the file.
 */
public final class ReleaseArchive {

  /** The file in the release directory that says its version; listed in the manifest. */
  public static final String VERSION_FILE = "VERSION";

  /**
   * What an archive holds.
   *
   * @param directory the release directory's name, {@code nxs-<version>}
   * @param manifest the manifest's bytes as they are in the archive (unverified)
   * @param hashes every other regular file's path (relative to the directory) and its SHA-256
   * @param version the content of {@code VERSION}, stripped (unverified)
   */
  public record Contents(
      String directory, byte[] manifest, Map<String, String> hashes, String version) {}

  private ReleaseArchive() {}

  /**
   * Reads the whole archive, hashing every file, and writes nothing.
   *
   * @throws ReleaseException when it cannot be read, is damaged or is not laid out as a release
   */
  public static Contents scan(Path archive) {
    return read(archive, null);
  }

  /**
   * Extracts the archive into {@code target} (which must not exist yet), hashing as it writes.
   * Programs ({@link #executable}) get mode 0755, every other file 0644.
   *
   * @return what was extracted, for the caller to check against the verified manifest
   * @throws ReleaseException when it cannot be read, is damaged or is not laid out as a release
   */
  public static Contents extract(Path archive, Path target) {
    return read(archive, target);
  }

  private static Contents read(Path archive, Path target) {
    String directory = null;
    byte[] manifest = null;
    String version = null;
    Map<String, String> hashes = new TreeMap<>();
    try (InputStream file = Files.newInputStream(archive);
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new GZIPInputStream(new BufferedInputStream(file), 65536))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name = entry.getName();
        if (name.startsWith("/") || ("/" + name + "/").contains("/../") || name.contains("\\")) {
          throw damaged(archive, "unsafe path '" + name + "'");
        }
        int slash = name.indexOf('/');
        String top = slash < 0 ? name : name.substring(0, slash);
        if (directory == null) {
          directory = top;
        } else if (!directory.equals(top)) {
          throw damaged(
              archive, "more than one top directory ('" + directory + "', '" + top + "')");
        }
        String relative = slash < 0 ? "" : name.substring(slash + 1);
        if (relative.endsWith("/")) {
          relative = relative.substring(0, relative.length() - 1);
        }
        if (entry.isDirectory()) {
          if (target != null) {
            Files.createDirectories(target.resolve(relative));
          }
          continue;
        }
        boolean special =
            entry.isSymbolicLink()
                || entry.isLink()
                || entry.isCharacterDevice()
                || entry.isBlockDevice()
                || entry.isFIFO();
        if (special || !entry.isFile() || relative.isEmpty()) {
          throw damaged(archive, "'" + name + "' is not a regular file (links are not allowed)");
        }
        if (relative.equals(Manifest.FILE_NAME) || relative.equals(VERSION_FILE)) {
          byte[] bytes = tar.readNBytes(1 << 20);
          if (relative.equals(Manifest.FILE_NAME)) {
            manifest = bytes;
          } else {
            version = new String(bytes, StandardCharsets.UTF_8).strip();
            hashes.put(relative, sha256(bytes));
          }
          if (target != null) {
            Files.write(target.resolve(relative), bytes);
          }
          continue;
        }
        String hash = target == null ? hash(tar) : write(tar, target, relative);
        if (hashes.put(relative, hash) != null) {
          throw damaged(archive, "'" + name + "' is in it twice");
        }
      }
    } catch (NoSuchFileException e) {
      throw new ReleaseException(archive + ": no such file", e);
    } catch (IOException e) {
      throw damaged(archive, e.getMessage(), e);
    }
    if (directory == null || manifest == null || version == null) {
      throw damaged(
          archive,
          "not a release: no " + Manifest.FILE_NAME + " and " + VERSION_FILE + " in one directory");
    }
    return new Contents(directory, manifest, hashes, version);
  }

  private static String hash(InputStream in) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[65536];
    for (int n; (n = in.read(buffer)) > 0; ) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String write(InputStream in, Path target, String relative) throws IOException {
    Path file = target.resolve(relative).normalize();
    if (!file.startsWith(target)) {
      throw new IOException("'" + relative + "' points outside the release directory");
    }
    Files.createDirectories(file.getParent());
    MessageDigest digest = sha256();
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] buffer = new byte[65536];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    Set<PosixFilePermission> mode =
        PosixFilePermissions.fromString(executable(relative) ? "rwxr-xr-x" : "rw-r--r--");
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(file, mode);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Whether a release file is a program: {@code bin/*}, {@code dist/bin/*} and {@code *.sh}. The
   * mode follows from the path, which the manifest signs, not from the tar header, which it does
   * not.
   */
  static boolean executable(String relative) {
    return relative.startsWith("bin/")
        || relative.startsWith("dist/bin/")
        || relative.endsWith(".sh");
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static ReleaseException damaged(Path archive, String why) {
    return new ReleaseException(archive + ": damaged or not a release archive: " + why);
  }

  private static ReleaseException damaged(Path archive, String why, Throwable cause) {
    return new ReleaseException(archive + ": damaged or not a release archive: " + why, cause);
  }
}
