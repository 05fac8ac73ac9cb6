package io.nxs.rollout.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseSignatureTest {

  @TempDir Path dir;

  private final KeyPair signer = SmallRelease.keyPair();

  @Test
  void aSignedArchiveVerifiesWithItsVersionAndEveryFile() throws IOException {
    Path archive = Releases.pack(dir, "0.2.0");

    Path sig = ReleaseSignature.sign(archive, signer.getPrivate());
    VerifiedRelease release = ReleaseSignature.verify(archive, signer.getPublic());

    assertThat(sig).isEqualTo(dir.resolve("out/nxs-0.2.0.tar.gz.sig"));
    assertThat(Files.size(sig)).isEqualTo(64);
    assertThat(release.version()).isEqualTo(ReleaseVersion.parse("0.2.0"));
    assertThat(release.directory()).isEqualTo("nxs-0.2.0");
    assertThat(release.manifest().files().keySet())
        .containsExactly(
            "VERSION",
            "bin/nxs",
            "config/nxs.yaml",
            "dist/systemd/nxs.service",
            "lib/java-home",
            "lib/nxs.jar");
  }

  @Test
  void packingTheSameInputsTwiceGivesTheSameBytes() throws IOException {
    Path first = Releases.pack(dir.resolve("a"), "0.2.0");
    Path second = Releases.pack(dir.resolve("b"), "0.2.0");

    assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
  }

  @Test
  void oneChangedByteInAFileIsRefusedNamingTheFile() throws IOException {
    Path archive = Releases.pack(dir, "0.2.0");
    ReleaseSignature.sign(archive, signer.getPrivate());

    Releases.changeOneByte(archive, Releases.JAR_CONTENT);

    assertThatThrownBy(() -> ReleaseSignature.verify(archive, signer.getPublic()))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("nxs-0.2.0/lib/nxs.jar: SHA-256 differs from the manifest");
  }

  @Test
  void oneChangedByteInTheCompressedFileIsRefused() throws IOException {
    Path archive = Releases.pack(dir, "0.2.0");
    ReleaseSignature.sign(archive, signer.getPrivate());
    byte[] bytes = Files.readAllBytes(archive);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(archive, bytes);

    assertThatThrownBy(() -> ReleaseSignature.verify(archive, signer.getPublic()))
        .isInstanceOf(ReleaseException.class)
        .hasMessageStartingWith(archive.toString());
  }

  @Test
  void aChangedManifestIsABadSignature() throws IOException {
    Path archive = Releases.pack(dir, "0.2.0");
    ReleaseSignature.sign(archive, signer.getPrivate());
    String jarHash =
        new String(Releases.gunzip(archive), StandardCharsets.ISO_8859_1)
            .lines()
            .filter(l -> l.endsWith("  lib/nxs.jar"))
            .findFirst()
            .orElseThrow()
            .substring(0, 8);

    Releases.changeOneByte(archive, jarHash);

    assertThatThrownBy(() -> ReleaseSignature.verify(archive, signer.getPublic()))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("BAD SIGNATURE");
  }

  @Test
  void aSignatureByAnotherKeyIsRefused() throws IOException {
    Path archive = Releases.pack(dir, "0.2.0");
    ReleaseSignature.sign(archive, SmallRelease.keyPair().getPrivate());

    assertThatThrownBy(() -> ReleaseSignature.verify(archive, signer.getPublic()))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("BAD SIGNATURE")
        .hasMessageContaining("Nothing was installed");
  }

  @Test
  void anUnsignedArchiveIsRefused() throws IOException {
    Path archive = Releases.pack(dir, "0.2.0");

    assertThatThrownBy(() -> ReleaseSignature.verify(archive, signer.getPublic()))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("no signature beside the archive");
  }

  @Test
  void aSignedReleaseRenamedToAnotherVersionIsRefused() throws IOException {
    byte[] version = "1.0.0\n".getBytes(StandardCharsets.UTF_8);
    Manifest manifest = new Manifest(Map.of("VERSION", ReleaseArchive.sha256(version)));
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("nxs-9.0.0/MANIFEST.sha256", manifest.bytes());
    entries.put("nxs-9.0.0/VERSION", version);
    Path archive = Releases.tar(dir.resolve("nxs-9.0.0.tar.gz"), entries);
    ReleaseSignature.sign(archive, signer.getPrivate());

    assertThatThrownBy(() -> ReleaseSignature.verify(archive, signer.getPublic()))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("the release directory is 'nxs-9.0.0' but the signed VERSION");
  }

  @Test
  void aFileMissingFromTheManifestIsRefused() throws IOException {
    byte[] version = "1.0.0\n".getBytes(StandardCharsets.UTF_8);
    Manifest manifest = new Manifest(Map.of("VERSION", ReleaseArchive.sha256(version)));
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("nxs-1.0.0/MANIFEST.sha256", manifest.bytes());
    entries.put("nxs-1.0.0/VERSION", version);
    entries.put("nxs-1.0.0/lib/extra.jar", new byte[] {1, 2, 3});
    Path archive = Releases.tar(dir.resolve("nxs-1.0.0.tar.gz"), entries);

    assertThatThrownBy(() -> ReleaseSignature.sign(archive, signer.getPrivate()))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("[lib/extra.jar] not in the manifest");
    assertThat(ReleaseSignature.signatureFile(archive)).doesNotExist();
  }

  @Test
  void pathsLeavingTheReleaseDirectoryAndLinksAreRefused() throws IOException {
    Path traversal =
        Releases.tar(
            dir.resolve("a.tar.gz"), Map.of("nxs-1.0.0/../../etc/cron.d/x", new byte[] {1}));
    Path link = Releases.tarWithLink(dir.resolve("b.tar.gz"));

    assertThatThrownBy(() -> ReleaseArchive.scan(traversal))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("unsafe path");
    assertThatThrownBy(() -> ReleaseArchive.scan(link))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("is not a regular file");
  }

  @Test
  void keysOpensslWritesSignAndVerify() throws Exception {
    assumeThat(
            Files.isExecutable(Path.of("/usr/bin/openssl")) || "true".equals(System.getenv("CI")))
        .as("openssl is not installed (scripts/test-tools installs it)")
        .isTrue();
    Path key = dir.resolve("key.pem");
    Path pub = dir.resolve("pub.pem");
    run("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString());
    run("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
    Path archive = Releases.pack(dir, "0.2.0");

    ReleaseSignature.sign(archive, Ed25519Keys.readPrivate(key));
    Path manifest = dir.resolve("manifest");
    Files.write(manifest, Manifest.parse(ReleaseArchive.scan(archive).manifest()).bytes());

    assertThat(ReleaseSignature.verify(archive, Ed25519Keys.readPublic(pub)).version())
        .hasToString("0.2.0");
    assertThat(
            run(
                "openssl",
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                pub.toString(),
                "-rawin",
                "-in",
                manifest.toString(),
                "-sigfile",
                ReleaseSignature.signatureFile(archive).toString()))
        .contains("Signature Verified Successfully");
  }

  @Test
  void anRsaKeyOrAnEncryptedKeyIsAClearError() throws IOException {
    Path encrypted =
        Files.writeString(
            dir.resolve("enc.pem"),
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    Path notPem = Files.writeString(dir.resolve("x.pem"), "hello\n");

    assertThatThrownBy(() -> Ed25519Keys.readPrivate(encrypted))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("the key is encrypted");
    assertThatThrownBy(() -> Ed25519Keys.readPrivate(notPem))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("no PEM block");
  }

  @Test
  void pemTextRoundTrips() {
    assertThat(Ed25519Keys.parsePublic(Ed25519Keys.toPem(signer.getPublic()), "test"))
        .isEqualTo(signer.getPublic());
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
