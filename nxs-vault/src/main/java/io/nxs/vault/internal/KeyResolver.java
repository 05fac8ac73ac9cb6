package io.nxs.vault.internal;

import io.nxs.core.log.Redaction;
import io.nxs.vault.VaultConfig;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the vault key once: {@code keys/vault.key} (created for a new vault), or the key derived
 * from the passphrase in {@code vault.passphrase_env} with the KDF parameters the first reachable
 * repository records (fresh ones for a new vault; ADR 0058). While a rotation of the key file is
 * unfinished (ADR 0152), the previous key waits in {@code keys/vault.key.old} and opens the targets
 * whose key ring is not re-wrapped yet.
 */
public final class KeyResolver {

  private static final Logger LOG = LoggerFactory.getLogger(KeyResolver.class);

  private final VaultConfig config;
  private final Path keyFile;
  private final Map<String, String> env;
  private final TargetPool pool;
  private VaultKey key;

  public KeyResolver(VaultConfig config, Path keyFile, Map<String, String> env, TargetPool pool) {
    this.config = config;
    this.keyFile = keyFile;
    this.env = Map.copyOf(env);
    this.pool = pool;
  }

  /** The key file, {@code keys/vault.key}. */
  public Path keyFile() {
    return keyFile;
  }

  /** Where the previous key file waits until a rotation has re-wrapped every target's ring. */
  public Path previousKeyFile() {
    return keyFile.resolveSibling(keyFile.getFileName() + ".old");
  }

  /** Whether the key comes from a passphrase rather than the key file. */
  public boolean passphrase() {
    return config.passphraseEnv() != null;
  }

  /**
   * The master keys to open repositories with, newest first: the key, and the previous key file
   * while a rotation is unfinished.
   *
   * @param create as for {@link #key}
   */
  public synchronized List<VaultKey> masters(boolean create) {
    VaultKey current = key(create);
    Path previous = previousKeyFile();
    if (current.file() == null || !Files.exists(previous)) {
      return List.of(current);
    }
    return List.of(current, VaultKey.load(previous));
  }

  /** Forgets the key, so the next use reads it again (after a rotation). */
  public synchronized void reset() {
    key = null;
  }

  /**
   * The key.
   *
   * @param create make {@code keys/vault.key} when there is none (a backup); false for operations
   *     that read existing snapshots, which need the key that wrote them
   * @throws VaultException when the passphrase variable is unset, or the key file is missing and
   *     may not be created
   */
  public synchronized VaultKey key(boolean create) {
    if (key != null) {
      return key;
    }
    if (config.passphraseEnv() != null) {
      key = passphraseKey(config, env, pool.openable());
    } else if (create) {
      key = VaultKey.loadOrCreate(keyFile);
    } else {
      if (!Files.exists(keyFile)) {
        throw new VaultException(
            "there is no vault key at "
                + keyFile
                + ": copy the vault.key you kept apart from the backups there");
      }
      key = VaultKey.load(keyFile);
    }
    return key;
  }

  /**
   * The key derived from the configured passphrase variable, with the targets' KDF parameters.
   *
   * @throws VaultException when the variable is unset or empty
   */
  public static VaultKey passphraseKey(
      VaultConfig config, Map<String, String> env, List<Target> targets) {
    String variable = config.passphraseEnv();
    String passphrase = env.get(variable);
    if (passphrase == null || passphrase.isEmpty()) {
      throw new VaultException(
          "vault.passphrase_env names "
              + variable
              + ", which is not set: export the vault"
              + " passphrase in it (the vault key is derived from it)");
    }
    Redaction.register(passphrase);
    VaultKey.Kdf kdf = null;
    for (Target t : targets) {
      try {
        Optional<VaultKey.Kdf> found = Repository.kdf(t);
        if (found.isPresent()) {
          kdf = found.get();
          break;
        }
      } catch (IOException e) {
        LOG.debug("no KDF parameters at {} (no repository yet?): {}", t.describe(), e.toString());
      }
    }
    return VaultKey.fromPassphrase(variable, passphrase, kdf == null ? VaultKey.Kdf.fresh() : kdf);
  }
}
