package io.nxs.app.cli;

import io.nxs.app.ConfigCheck;
import io.nxs.rollout.release.Ed25519Keys;
import io.nxs.rollout.release.ReleaseConfig;
import io.nxs.rollout.release.ReleaseSignature;
import io.nxs.rollout.release.VerifiedRelease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nxs release sign|verify}: signs a release archive and checks one (SPEC RO2). */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    description = "Sign and verify release archives (nxs-VERSION.tar.gz, made by -Prelease).",
    subcommands = {ReleaseCommand.Sign.class, ReleaseCommand.Verify.class})
final class ReleaseCommand extends CommandGroup {

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description = {
        "Write ARCHIVE.sig: an Ed25519 signature over the archive's SHA-256 manifest.",
        "The archive's files are checked against its manifest first.",
        "KEY: 'openssl genpkey -algorithm ed25519 -out KEY.pem', kept outside the repository;",
        "its public half for release.public_key: 'openssl pkey -in KEY.pem -pubout'."
      })
  static final class Sign implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ARCHIVE", description = "the release archive, nxs-VERSION.tar.gz")
    Path archive;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "KEY.pem",
        description = "PKCS#8 PEM Ed25519 private key")
    Path key;

    @Override
    public Integer call() {
      Path sig = ReleaseSignature.sign(archive, Ed25519Keys.readPrivate(key));
      if (Commands.global(spec).json()) {
        Commands.printJson(
            spec, Map.of("archive", archive.toString(), "signature", sig.toString()));
      } else {
        Commands.out(spec).println("signed: " + sig);
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Check ARCHIVE.sig under a public key and every file's SHA-256 against the manifest.",
        "Without --pubkey, the key pinned in the home's nxs.yaml (release.public_key).",
        "Exit 0 when the archive is whole and signed by that key, 1 when it is not."
      })
  static final class Verify implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ARCHIVE", description = "the release archive, nxs-VERSION.tar.gz")
    Path archive;

    @Option(
        names = "--pubkey",
        paramLabel = "PUB.pem",
        description = "PEM Ed25519 public key (default: release.public_key)")
    Path pubkey;

    @Override
    public Integer call() {
      PublicKey key =
          pubkey != null ? Ed25519Keys.readPublic(pubkey) : pinnedKey(Commands.global(spec));
      VerifiedRelease release = ReleaseSignature.verify(archive, key);
      if (Commands.global(spec).json()) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("archive", archive.toString());
        json.put("version", release.version().toString());
        json.put("files", release.manifest().files().size());
        json.put("verified", true);
        Commands.printJson(spec, json);
      } else {
        Commands.out(spec)
            .println(
                "verified: "
                    + archive
                    + " (NXS "
                    + release.version()
                    + ", "
                    + release.manifest().files().size()
                    + " files, signature good)");
      }
      return ExitCode.OK;
    }
  }

  /**
   * The key {@code release.public_key} pins in the home's {@code nxs.yaml}.
   *
   * @throws UsageException when there is no config or it pins no key
   */
  static PublicKey pinnedKey(GlobalOptions global) {
    Path config = global.home().config();
    if (!Files.exists(config)) {
      throw new UsageException(
          "no "
              + config
              + ": pin the release key in release.public_key there (or pass --pubkey to verify)");
    }
    ReleaseConfig release = ConfigCheck.check(config, global.env).section(ReleaseConfig.SECTION);
    return release
        .trustedKey(global.home().dir())
        .orElseThrow(
            () ->
                new UsageException(
                    config
                        + ": release.public_key is not set, so no release is trusted: pin the"
                        + " public key of the release signer there"));
  }
}
