package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.NxsHome;
import io.nxs.rollout.release.Ed25519Keys;
import io.nxs.rollout.release.ReleasePackager;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs release sign|verify} and {@code nxs upgrade} as an operator runs them. */
class ReleaseCliTest {

  @TempDir Path dir;

  private Path home;
  private Path key;
  private Path pub;
  private CliRunner cli;

  @BeforeEach
  void homeWithAPinnedKey() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    key = Files.writeString(dir.resolve("release.key"), Ed25519Keys.toPem(pair.getPrivate()));
    pub = Files.writeString(dir.resolve("release.pub"), Ed25519Keys.toPem(pair.getPublic()));
    NxsHome nxs = new NxsHome(dir.resolve("home"));
    nxs.initialize();
    Files.copy(pub, nxs.dir().resolve("release.pub"));
    Files.writeString(
        nxs.config(), Files.readString(nxs.config()) + "\nrelease:\n  public_key: release.pub\n");
    home = nxs.dir();
    cli = new CliRunner(home);
  }

  private Path pack(String version) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in-" + version));
    Path dist = Files.createDirectories(in.resolve("dist/systemd"));
    Files.writeString(dist.resolve("nxs.service"), "[Service]\n");
    return ReleasePackager.pack(
        new ReleasePackager.Inputs(
            version,
            Files.writeString(in.resolve("nxs.jar"), "jar bytes of " + version),
            Files.writeString(in.resolve("nxs"), "#!/bin/sh\n"),
            Files.writeString(in.resolve("java-home"), "\n"),
            Files.writeString(in.resolve("nxs.yaml"), "server: {}\n"),
            dist.getParent()),
        dir.resolve("out"));
  }

  @Test
  void signThenVerifyWithTheKeyOnTheCommandLineOrThePinnedOne() throws IOException {
    Path archive = pack("0.2.0");

    CliRunner.Result sign = cli.run("release", "sign", archive.toString(), "--key", key.toString());
    CliRunner.Result explicit =
        cli.run("release", "verify", archive.toString(), "--pubkey", pub.toString());
    CliRunner.Result pinned = cli.run("release", "verify", archive.toString(), "-o", "json");

    assertThat(sign.code()).as(sign.err()).isZero();
    assertThat(sign.out()).contains("signed: " + archive + ".sig");
    assertThat(explicit.code()).as(explicit.err()).isZero();
    assertThat(explicit.out()).contains("verified: ").contains("NXS 0.2.0");
    assertThat(pinned.out()).contains("\"verified\" : true").contains("\"version\" : \"0.2.0\"");
  }

  @Test
  void upgradeInstallsAVerifiedReleaseAndAuditsIt() throws IOException {
    Path archive = pack("0.2.0");
    cli.run("release", "sign", archive.toString(), "--key", key.toString());
    Path root = dir.resolve("opt");

    CliRunner.Result upgrade =
        cli.run("upgrade", archive.toString(), "--install-dir", root.toString());

    assertThat(upgrade.code()).as(upgrade.err()).isZero();
    assertThat(upgrade.out()).contains("installed NXS 0.2.0").contains("Restart NXS");
    assertThat(Files.readSymbolicLink(root.resolve("current"))).isEqualTo(Path.of("nxs-0.2.0"));
    assertThat(cli.run("audit", "query", "--type", "release.*", "-o", "json").out())
        .contains("release.upgraded")
        .contains("none -> 0.2.0");
  }

  @Test
  void upgradeRefusesATamperedArchiveChangingNothing() throws IOException {
    Path root = dir.resolve("opt");
    Path good = pack("0.2.0");
    cli.run("release", "sign", good.toString(), "--key", key.toString());
    cli.run("upgrade", good.toString(), "--install-dir", root.toString());
    Path bad = pack("0.3.0");
    cli.run("release", "sign", bad.toString(), "--key", key.toString());
    changeOneByte(bad, "jar bytes of 0.3.0");
    List<String> before = tree(root);

    CliRunner.Result upgrade = cli.run("upgrade", bad.toString(), "--install-dir", root.toString());

    assertThat(upgrade.code()).isEqualTo(ExitCode.PROBLEM);
    assertThat(upgrade.err())
        .startsWith("nxs: ")
        .contains("nxs-0.3.0/lib/nxs.jar: SHA-256 differs from the manifest")
        .contains("Nothing was installed");
    assertThat(tree(root)).isEqualTo(before);
    assertThat(Files.readSymbolicLink(root.resolve("current"))).isEqualTo(Path.of("nxs-0.2.0"));
    assertThat(cli.run("audit", "query", "--type", "release.*", "-o", "json").out())
        .contains("release.refused");
  }

  @Test
  void upgradeRefusesWhenNoKeyIsPinned() throws IOException {
    Path archive = pack("0.2.0");
    cli.run("release", "sign", archive.toString(), "--key", key.toString());
    Path bare = dir.resolve("bare");
    new NxsHome(bare).initialize();

    CliRunner.Result upgrade =
        new CliRunner(bare)
            .run("upgrade", archive.toString(), "--install-dir", dir.resolve("opt").toString());

    assertThat(upgrade.code()).isEqualTo(ExitCode.USAGE);
    assertThat(upgrade.err()).contains("release.public_key is not set");
    assertThat(dir.resolve("opt")).doesNotExist();
  }

  @Test
  void aPinnedKeyThatIsNotAKeyIsAConfigErrorWithItsLine() throws IOException {
    Path config = home.resolve("nxs.yaml");
    Files.writeString(
        config,
        Files.readString(config)
            .replace(
                "\n  public_key: release.pub",
                "\n  public_key: |\n    -----BEGIN PUBLIC KEY-----\n    AAAA\n    -----END PUBLIC"
                    + " KEY-----"));

    CliRunner.Result check = cli.run("config", "check");

    assertThat(check.code()).isEqualTo(ExitCode.USAGE);
    assertThat(check.err()).contains("nxs.yaml:").contains("not an Ed25519 public key");
  }

  private static void changeOneByte(Path archive, String marker) throws IOException {
    byte[] tar;
    try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
      tar = in.readAllBytes();
    }
    String text = new String(tar, java.nio.charset.StandardCharsets.ISO_8859_1);
    tar[text.indexOf(marker)] ^= 1;
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
      out.write(tar);
    }
  }

  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }
}
