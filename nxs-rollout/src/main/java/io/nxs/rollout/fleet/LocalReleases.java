package io.nxs.rollout.fleet;

import io.nxs.rollout.release.ReleaseException;
import io.nxs.rollout.release.ReleaseInstaller;
import io.nxs.rollout.release.ReleaseVersion;
import io.nxs.rollout.release.Restart;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The releases of one machine, in an install root as {@code nxs upgrade} keeps them ({@link
 * ReleaseInstaller}): installs with the same verification (pinned key, every file's hash, versions
 * only go up), then runs the new build's {@code bin/nxs --version} to prove it starts; a build that
 * does not start is undone at once ({@code current} back to the previous version). The process then
 * restarts into the version {@code current} points at through {@code restart} (the launcher's
 * supervising loop, {@link Restart}); until it has, it runs {@link #running}.
 */
public final class LocalReleases implements NodeInstaller {

  private final Path root;
  private final ReleaseInstaller installer;
  private final Optional<PublicKey> trusted;
  private final Optional<ReleaseVersion> running;
  private final Duration smokeTimeout;
  private final Optional<Consumer<Restart>> restart;

  /** Releases of a process that nothing restarts: it reports the installed version as running. */
  public LocalReleases(
      Path root,
      Optional<PublicKey> trusted,
      Optional<ReleaseVersion> running,
      Duration smokeTimeout) {
    this(root, trusted, running, smokeTimeout, Optional.empty());
  }

  /**
   * @param root the install root
   * @param trusted the pinned release key ({@code release.public_key}); empty refuses every install
   * @param running the version of this process (of its {@code -Dnxs.install.dir}); empty when it
   *     does not run from a release, and then the installed version counts as running
   * @param smokeTimeout how long the new build may take to say its version
   * @param restart asks the daemon to restart (present when a supervising loop runs it)
   */
  public LocalReleases(
      Path root,
      Optional<PublicKey> trusted,
      Optional<ReleaseVersion> running,
      Duration smokeTimeout,
      Optional<Consumer<Restart>> restart) {
    this.root = root.toAbsolutePath().normalize();
    this.installer = new ReleaseInstaller(this.root);
    this.trusted = trusted;
    this.running = running;
    this.smokeTimeout = smokeTimeout;
    this.restart = restart;
  }

  @Override
  public String running() {
    return running.map(ReleaseVersion::toString).orElseGet(this::installed);
  }

  @Override
  public boolean restartInto(String fallback) {
    if (restart.isEmpty()) {
      return false;
    }
    Path launcher = root.resolve(ReleaseInstaller.CURRENT).resolve("bin/nxs");
    Optional<Path> back =
        fallback.isBlank() ? Optional.empty() : Optional.of(root.resolve("nxs-" + fallback));
    restart.get().accept(new Restart(launcher, back));
    return true;
  }

  @Override
  public Optional<String> crashLooped(String version) {
    return Restart.CrashLoop.read(root)
        .filter(c -> c.version().equals(version))
        .map(c -> "crash loop: " + c.reason() + "; back on " + c.restored());
  }

  @Override
  public String installed() {
    return installer.installed(running).map(ReleaseVersion::toString).orElse("");
  }

  @Override
  public String previous() {
    Optional<ReleaseVersion> now = installer.installed(running);
    List<ReleaseVersion> kept = installer.kept();
    String out = "";
    for (ReleaseVersion v : kept) {
      if (now.isEmpty() || v.compareTo(now.get()) < 0) {
        out = v.toString();
      }
    }
    return out;
  }

  @Override
  public void install(Path archive, String sha256) {
    PublicKey key =
        trusted.orElseThrow(
            () ->
                new ReleaseException(
                    "no release.public_key is pinned in nxs.yaml: this instance trusts no release"));
    String actual = sha256(archive);
    if (!actual.equals(sha256)) {
      throw new ReleaseException(
          archive + ": SHA-256 " + actual + " is not the rollout's " + sha256 + " (changed?)");
    }
    ReleaseInstaller.Installed done = installer.install(archive, key, running);
    try {
      smoke(done.directory());
    } catch (ReleaseException e) {
      if (done.previous().isPresent()) {
        installer.restore(done.previous().get());
      }
      throw e;
    }
  }

  @Override
  public void restore(String version) {
    installer.restore(ReleaseVersion.parse(version));
  }

  /** Runs the new build's launcher once: it must say its version and exit 0. */
  private void smoke(Path directory) {
    Path launcher = directory.resolve("bin/nxs");
    ProcessBuilder pb =
        new ProcessBuilder(launcher.toString(), "--version")
            .directory(directory.toFile())
            .redirectErrorStream(true);
    try {
      Process p = pb.start();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readNBytes(4096);
      }
      if (!p.waitFor(smokeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new ReleaseException(
            "the new build does not start: bin/nxs --version did not end within " + smokeTimeout);
      }
      if (p.exitValue() != 0) {
        String said =
            new String(out, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
        throw new ReleaseException(
            "the new build does not start: bin/nxs --version exited "
                + p.exitValue()
                + (said.isEmpty() ? "" : " (" + said + ")"));
      }
    } catch (IOException e) {
      throw new ReleaseException("the new build does not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReleaseException("interrupted while the new build started", e);
    }
  }

  /** The SHA-256 of a file, lower-case hex. */
  public static String sha256(Path file) {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new ReleaseException(file + ": cannot read (" + e.getMessage() + ")", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "releases in " + root;
  }
}
