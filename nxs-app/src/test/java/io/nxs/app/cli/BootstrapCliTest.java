package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.rollout.release.Ed25519Keys;
import io.nxs.rollout.release.ReleasePackager;
import io.nxs.rollout.release.ReleaseSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nxs bootstrap} as an operator runs it; the state machine's every row is in nxs-rollout's
 * BootstrapTest.
 */
class BootstrapCliTest {

  @TempDir Path dir;

  @Test
  void aReleaseSignedByAnotherKeyHaltsWithExit1AndInstallsNothing() throws Exception {
    KeyGen trusted = new KeyGen();
    KeyGen other = new KeyGen();
    Path in = Files.createDirectories(dir.resolve("in/dist/systemd"));
    Files.writeString(in.resolve("nxs.service"), "[Service]\n");
    Path archive =
        ReleasePackager.pack(
            new ReleasePackager.Inputs(
                "0.2.0",
                Files.writeString(dir.resolve("in/nxs.jar"), "jar"),
                Files.writeString(dir.resolve("in/nxs"), "#!/bin/sh\n"),
                Files.writeString(dir.resolve("in/java-home"), "\n"),
                Files.writeString(dir.resolve("in/nxs.yaml"), "server: {}\n"),
                in.getParent()),
            dir.resolve("out"));
    ReleaseSignature.sign(archive, other.pair.getPrivate());
    Path pub =
        Files.writeString(dir.resolve("trusted.pub"), Ed25519Keys.toPem(trusted.pair.getPublic()));
    Path root = dir.resolve("opt");

    CliRunner.Result r =
        new CliRunner(dir.resolve("home"))
            .run(
                "bootstrap",
                archive.toString(),
                "--pubkey",
                pub.toString(),
                "--install-dir",
                root.toString());

    assertThat(r.code()).isEqualTo(ExitCode.PROBLEM);
    assertThat(r.out())
        .contains("START -> VERIFYING")
        .contains("VERIFYING -> HALTED")
        .contains("HALTED, nothing installed")
        .contains("BAD SIGNATURE");
    assertThat(root.resolve("current")).doesNotExist();
  }

  @Test
  void withoutAKeyToTrustItRefusesToStart() {
    CliRunner.Result r =
        new CliRunner(dir.resolve("no-home"))
            .run("bootstrap", dir.resolve("nxs-0.2.0.tar.gz").toString());

    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("pass --pubkey PEM");
  }

  private static final class KeyGen {
    final java.security.KeyPair pair;

    KeyGen() throws Exception {
      pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }
  }
}
