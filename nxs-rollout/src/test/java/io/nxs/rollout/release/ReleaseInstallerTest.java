package io.nxs.rollout.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseInstallerTest {

  @TempDir Path dir;

  private final KeyPair signer = SmallRelease.keyPair();

  private Path signed(String version) throws IOException {
    Path archive = Releases.pack(dir.resolve("build-" + version), version);
    ReleaseSignature.sign(archive, signer.getPrivate());
    return archive;
  }

  @Test
  void installsBesideTheRunningVersionAndPointsCurrentAtIt() throws IOException {
    Path root = dir.resolve("opt");
    ReleaseInstaller installer = new ReleaseInstaller(root);

    ReleaseInstaller.Installed first =
        installer.install(signed("0.2.0"), signer.getPublic(), Optional.of(version("0.1.0")));
    ReleaseInstaller.Installed second =
        installer.install(signed("0.3.0"), signer.getPublic(), Optional.of(version("0.1.0")));

    assertThat(first.previous()).contains(version("0.1.0"));
    assertThat(second.previous()).contains(version("0.2.0"));
    assertThat(Files.readSymbolicLink(root.resolve("current"))).isEqualTo(Path.of("nxs-0.3.0"));
    assertThat(root.resolve("current/lib/nxs.jar")).hasContent(Releases.JAR_CONTENT + "0.3.0");
    assertThat(root.resolve("current/bin/nxs")).isExecutable();
    assertThat(root.resolve("nxs-0.2.0/lib/nxs.jar")).exists();
    assertThat(tree(root))
        .containsExactlyInAnyOrder("current", "nxs-0.2.0", "nxs-0.3.0")
        .as("no staging directory is left behind");
  }

  @Test
  void aTamperedArchiveChangesNothing() throws IOException {
    Path root = dir.resolve("opt");
    ReleaseInstaller installer = new ReleaseInstaller(root);
    installer.install(signed("0.2.0"), signer.getPublic(), Optional.empty());
    Path bad = signed("0.3.0");
    Releases.changeOneByte(bad, Releases.JAR_CONTENT);
    List<String> before = deepTree(root);

    assertThatThrownBy(() -> installer.install(bad, signer.getPublic(), Optional.empty()))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("SHA-256 differs");
    assertThat(deepTree(root)).isEqualTo(before);
    assertThat(Files.readSymbolicLink(root.resolve("current"))).isEqualTo(Path.of("nxs-0.2.0"));
  }

  @Test
  void aReleaseSignedByAnotherKeyIsNotInstalled() throws IOException {
    Path root = Files.createDirectories(dir.resolve("opt"));
    Path archive = signed("0.2.0");

    assertThatThrownBy(
            () ->
                new ReleaseInstaller(root)
                    .install(archive, SmallRelease.keyPair().getPublic(), Optional.empty()))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("BAD SIGNATURE");
    assertThat(tree(root)).isEmpty();
  }

  @Test
  void versionsOnlyGoUp() throws IOException {
    Path root = dir.resolve("opt");
    ReleaseInstaller installer = new ReleaseInstaller(root);
    installer.install(signed("0.3.0"), signer.getPublic(), Optional.empty());

    assertThatThrownBy(
            () -> installer.install(signed("0.2.0"), signer.getPublic(), Optional.empty()))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("version 0.2.0 is not newer than the installed 0.3.0");
    Path again = signed("0.4.0");
    installer.install(again, signer.getPublic(), Optional.empty());
    assertThatThrownBy(() -> installer.install(again, signer.getPublic(), Optional.empty()))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("not newer than the installed 0.4.0");
    assertThat(tree(root)).containsExactlyInAnyOrder("current", "nxs-0.3.0", "nxs-0.4.0");
  }

  @Test
  void versionsCompareByNumberAndAPreReleaseComesFirst() {
    assertThat(
            List.of("0.10.0", "0.2.0", "0.2.0-SNAPSHOT", "1.0", "0.2.1").stream()
                .map(ReleaseVersion::parse)
                .sorted()
                .map(ReleaseVersion::toString))
        .containsExactly("0.2.0-SNAPSHOT", "0.2.0", "0.2.1", "0.10.0", "1.0");
    assertThatThrownBy(() -> ReleaseVersion.parse("latest"))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("'latest' is not a release version");
  }

  private static ReleaseVersion version(String v) {
    return ReleaseVersion.parse(v);
  }

  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static List<String> deepTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> root.relativize(p) + ":" + (Files.isRegularFile(p) ? size(p) : -1))
          .sorted()
          .toList();
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
