package io.nxs.core.state;

import io.nxs.core.NxsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files that hold secrets or state: created 0600 (directories 0700) from the first byte (SEC4), and
 * replaced atomically (write a temporary file, fsync, rename, fsync the directory).
 */
public final class SecureFiles {

  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

  private static final Logger LOG = LoggerFactory.getLogger(SecureFiles.class);

  private SecureFiles() {}

  /** Creates a directory (and parents) readable only by the owner, if it does not exist. */
  public static Path ensureDirectory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, attribute(DIR));
      }
      return dir;
    } catch (IOException e) {
      throw new NxsException("cannot create directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Creates an empty file with mode 0600 if it does not exist; returns whether it was created. */
  public static boolean createPrivateFile(Path file) {
    try {
      Files.createFile(file, attribute(FILE));
      return true;
    } catch (FileAlreadyExistsException expected) {
      // Not an error: the file is there already, which is what the caller needs.
      return false;
    } catch (IOException e) {
      throw new NxsException("cannot create " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces a file's content atomically with mode 0600: readers see the old or the new content,
   * never a mix, even after a crash.
   */
  public static void writeAtomically(Path file, byte[] content) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, attribute(FILE));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException expected) {
        // A file system without atomic rename: the plain replace is the best it offers.
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(dir);
    } catch (IOException e) {
      throw new NxsException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Makes a rename in {@code dir} durable. */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open a directory; the rename is still atomic there.
      LOG.debug("cannot fsync directory {}; the rename stays atomic", dir, e);
    }
  }

  /**
   * Deletes a directory and everything under it, symlinks removed and never followed; nothing when
   * it does not exist.
   */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The POSIX permissions of a file as rwx text, for checks and tests. */
  public static String permissions(Path file) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    } catch (IOException e) {
      throw new NxsException("cannot read permissions of " + file + ": " + e.getMessage(), e);
    }
  }

  private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> p) {
    return PosixFilePermissions.asFileAttribute(p);
  }
}
