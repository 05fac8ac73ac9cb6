package io.nxs.rollout.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Installs a verified release beside the running one (SPEC RO2): {@code nxs upgrade ARCHIVE}.
 *
 * <p>An install root holds one directory per version and a {@code current} symbolic link to the one
 * that runs:
 *
 * <pre>
 * /opt/nxs/
 *   current -> nxs-0.2.0
 *   nxs-0.1.0/          the previous version, kept for a rollback
 *   nxs-0.2.0/
 * </pre>
 *
 * <p>Order of work, so that a refusal or a crash changes nothing that runs: (1) verify the archive
 * (signature, every hash, version) without writing; (2) refuse a version that is not newer than the
 * installed one; (3) extract into a hidden staging directory in the root, hashing every file again
 * against the verified manifest (the archive could have changed since step 1); (4) rename the
 * staging directory to {@code nxs-<version>}; (5) swap {@code current} with an atomic rename of a
 * new link over it. A crash before (5) leaves {@code current} as it was.
 */
public final class ReleaseInstaller {

  /** The link to the running version inside an install root. */
  public static final String CURRENT = "current";

  /**
   * What an install did.
   *
   * @param version the version now current
   * @param directory its directory
   * @param previous the version that was current before, kept for a rollback
   */
  public record Installed(
      ReleaseVersion version, Path directory, Optional<ReleaseVersion> previous) {}

  private final Path root;

  /**
   * @param root the install root, e.g. {@code /opt/nxs}
   */
  public ReleaseInstaller(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * The version {@code current} points at; when there is no link yet, {@code running} (the version
   * of the process that asks, installed from an archive unpacked by hand).
   */
  public Optional<ReleaseVersion> installed(Optional<ReleaseVersion> running) {
    Path current = root.resolve(CURRENT);
    if (!Files.isSymbolicLink(current)) {
      return running;
    }
    try {
      return Optional.of(
          ReleaseVersion.parse(
              Files.readString(current.resolve(ReleaseArchive.VERSION_FILE), StandardCharsets.UTF_8)
                  .strip()));
    } catch (IOException e) {
      throw new ReleaseException(
          current + ": points at no installed release (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Verifies and installs {@code archive}, then points {@code current} at it.
   *
   * @param running the version of the running process, used when the root has no {@code current}
   * @throws ReleaseException when the archive does not verify, is not newer than the installed
   *     version, or is already installed; the root is then as it was
   */
  public Installed install(Path archive, PublicKey trusted, Optional<ReleaseVersion> running) {
    VerifiedRelease release = ReleaseSignature.verify(archive, trusted);
    Optional<ReleaseVersion> previous = installed(running);
    if (previous.isPresent() && release.version().compareTo(previous.get()) <= 0) {
      throw new ReleaseException(
          archive
              + ": version "
              + release.version()
              + " is not newer than the installed "
              + previous.get()
              + "; versions only go up (a rollback is a new, higher version of the old build)");
    }
    Path target = root.resolve(release.directory());
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new ReleaseException(
          target + " exists already: remove it (it is not the current version) and run again");
    }
    Path staging;
    try {
      Files.createDirectories(root);
      staging = Files.createTempDirectory(root, "." + release.directory() + ".staging-");
    } catch (IOException e) {
      throw new ReleaseException(
          root + ": cannot write the install root (" + e.getMessage() + ")", e);
    }
    try {
      Path unpacked = staging.resolve(release.directory());
      ReleaseArchive.Contents contents = ReleaseArchive.extract(archive, unpacked);
      if (!Arrays.equals(contents.manifest(), release.manifest().bytes())) {
        throw new ReleaseException(archive + ": changed while it was being installed");
      }
      ReleaseSignature.checkFiles(archive, contents, release.manifest());
      Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
      pointCurrentAt(release.directory());
    } catch (IOException e) {
      throw new ReleaseException(
          root + ": cannot install " + release.directory() + " (" + e.getMessage() + ")", e);
    } finally {
      deleteTree(staging);
    }
    return new Installed(release.version(), target, previous);
  }

  /**
   * The versions installed in the root, oldest first: each {@code nxs-<version>/} directory with a
   * readable {@code VERSION} file.
   */
  public List<ReleaseVersion> kept() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<ReleaseVersion> out = new ArrayList<>();
    try (Stream<Path> list = Files.list(root)) {
      for (Path dir : list.filter(p -> p.getFileName().toString().startsWith("nxs-")).toList()) {
        Path version = dir.resolve(ReleaseArchive.VERSION_FILE);
        if (!Files.isSymbolicLink(dir) && Files.isRegularFile(version)) {
          try {
            out.add(
                ReleaseVersion.parse(Files.readString(version, StandardCharsets.UTF_8).strip()));
          } catch (ReleaseException expected) {
            // A directory whose VERSION is no version is no release: not one to go back to.
          }
        }
      }
    } catch (IOException e) {
      throw new ReleaseException(
          root + ": cannot list the install root (" + e.getMessage() + ")", e);
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /**
   * Points {@code current} back at a version kept in the root (a rollback): one atomic rename, the
   * other versions stay installed. The version's state is the home's, which no install touches.
   *
   * @throws ReleaseException when that version is not installed here
   */
  public void restore(ReleaseVersion version) {
    if (!kept().contains(version)) {
      throw new ReleaseException(
          root + ": version " + version + " is not installed here; cannot go back to it");
    }
    try {
      pointCurrentAt("nxs-" + version);
    } catch (IOException e) {
      throw new ReleaseException(
          root + ": cannot point current at nxs-" + version + " (" + e.getMessage() + ")", e);
    }
  }

  private void pointCurrentAt(String directory) throws IOException {
    Path link = root.resolve(CURRENT + ".new");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of(directory));
    Files.move(link, root.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the staging directory " + dir, e);
    }
  }
}
