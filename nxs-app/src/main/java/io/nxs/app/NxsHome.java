package io.nxs.app;

import io.nxs.core.NxsException;
import io.nxs.core.state.SecureFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The NXS home directory and the files in it.
 *
 * <pre>
 *   nxs.yaml          configuration (commented defaults written on first start)
 *   state.db          the SQLite state store (0600)
 *   keys/admin.key    the bootstrap admin API key (0600)
 *   keys/audit-*      the audit log's signing key pair (private key 0600)
 *   rules/            custom Doctor rules
 *   daemon.address    where the running daemon listens, for the CLI (see DaemonAddress)
 * </pre>
 */
public record NxsHome(Path dir) {

  /** The home to use: {@code --home} if given, else {@code $NXS_HOME}, else {@code ~/.nxs}. */
  public static NxsHome resolve(Path option, Map<String, String> env) {
    if (option != null) {
      return new NxsHome(option.toAbsolutePath().normalize());
    }
    String fromEnv = env.get("NXS_HOME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new NxsHome(Path.of(fromEnv).toAbsolutePath().normalize());
    }
    return new NxsHome(Path.of(System.getProperty("user.home"), ".nxs"));
  }

  public Path config() {
    return dir.resolve("nxs.yaml");
  }

  public Path stateDb() {
    return dir.resolve("state.db");
  }

  public Path keys() {
    return dir.resolve("keys");
  }

  public Path adminKey() {
    return keys().resolve("admin.key");
  }

  /** Whether the home has been initialised (its config file exists). */
  public boolean exists() {
    return Files.isRegularFile(config());
  }

  /**
   * Creates the directories (0700) and, when absent, {@code nxs.yaml} with commented defaults.
   *
   * @return true when this was the first start (the config file was written now)
   */
  public boolean initialize() {
    SecureFiles.ensureDirectory(dir);
    SecureFiles.ensureDirectory(keys());
    SecureFiles.ensureDirectory(dir.resolve("rules"));
    if (Files.exists(config())) {
      return false;
    }
    SecureFiles.writeAtomically(config(), defaultConfig());
    return true;
  }

  /** The commented default configuration shipped with NXS. */
  public static byte[] defaultConfig() {
    try (InputStream in = NxsHome.class.getResourceAsStream("default-nxs.yaml")) {
      if (in == null) {
        throw new NxsException("the default configuration is missing from the NXS jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new NxsException("cannot read the default configuration: " + e.getMessage(), e);
    }
  }
}
