package io.nxs.vault.internal;

import io.nxs.core.Severity;
import io.nxs.core.state.SecureFiles;
import io.nxs.vault.KeyRotationResult;
import io.nxs.vault.VaultException;
import io.nxs.vault.internal.Operations.Done;
import io.nxs.vault.internal.Operations.Event;
import io.nxs.vault.internal.Operations.Job;
import io.nxs.vault.internal.Operations.Record;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rotates the vault key (SPEC SEC5, ADR 0152): re-wraps the key ring of every target under a new
 * master key, and on request starts a new data key for new snapshots.
 *
 * <p>Order, so that a run killed at any point leaves every snapshot readable: the old key file is
 * copied to {@code keys/vault.key.old}, the new key replaces {@code keys/vault.key} (each write
 * atomic, 0600), each target's {@code keyring} is replaced (atomically per target), and only when
 * every target holds the new ring is {@code vault.key.old} removed. Until then both keys are tried
 * ({@link KeyResolver#masters}); running the rotation again finishes the job under the key already
 * written. Every target must be reachable, since a target left out would keep a ring only the old
 * key opens.
 */
public final class KeyRotation {

  private final KeyResolver keys;
  private final TargetPool pool;
  private final Operations operations;

  public KeyRotation(KeyResolver keys, TargetPool pool, Operations operations) {
    this.keys = keys;
    this.pool = pool;
    this.operations = operations;
  }

  /**
   * Rotates.
   *
   * @param reason why, for the audit log; required
   * @param newDataKey also start a new data key (after a compromise)
   * @throws VaultException when the reason is blank, a target is unreachable or locked, or a
   *     passphrase vault is asked to rotate without {@code --new-data-key}
   */
  public KeyRotationResult rotate(String actor, String reason, boolean newDataKey) {
    if (reason == null || reason.isBlank()) {
      throw new VaultException(
          "a key rotation needs a reason (--reason TEXT): it goes into the audit log");
    }
    if (keys.passphrase() && !newDataKey) {
      throw new VaultException(
          "the vault key comes from a passphrase (vault.passphrase_env): changing the passphrase"
              + " is not supported yet; --new-data-key starts a new data key under it");
    }
    if (!keys.passphrase() && !Files.exists(keys.keyFile())) {
      throw new VaultException(
          "there is no vault key at " + keys.keyFile() + " to rotate (the first backup makes one)");
    }
    return operations.run(
        new Job("rotate-key", actor, "vault.key_rotation_failed", null),
        run -> {
          List<VaultKey> masters = keys.masters(false);
          TargetPool.Reachable reachable = pool.reach(masters);
          if (!reachable.unreachable().isEmpty()) {
            throw new VaultException(
                "every target must be reachable to rotate the key, nothing was changed;"
                    + " unreachable: "
                    + reachable.unreachable());
          }
          run.lockAll(reachable.repositories(), RepositoryLock.Kind.EXCLUSIVE);
          boolean resumed = false;
          boolean masterRotated = false;
          VaultKey master = masters.getFirst();
          if (!keys.passphrase()) {
            Path previous = keys.previousKeyFile();
            if (masters.size() > 1 && master.sameAs(masters.get(1))) {
              // Killed between saving the old key and writing the new one: start over.
              Files.delete(previous);
              SecureFiles.syncDirectory(previous.getParent());
            } else if (masters.size() > 1) {
              resumed = true;
            }
            if (!resumed) {
              SecureFiles.writeAtomically(previous, Files.readAllBytes(keys.keyFile()));
              SecureFiles.writeAtomically(keys.keyFile(), VaultKey.freshFileContent());
              masterRotated = true;
            }
            keys.reset();
            master = keys.key(false);
          }
          KeyRing next = reachable.ring().next(newDataKey);
          List<String> targets = new ArrayList<>();
          for (Repository repo : reachable.repositories()) {
            repo.putRing(next, master);
            targets.add(repo.target().describe());
          }
          if (!keys.passphrase()) {
            Files.deleteIfExists(keys.previousKeyFile());
            SecureFiles.syncDirectory(keys.keyFile().getParent());
          }
          keys.reset();
          KeyRotationResult result =
              new KeyRotationResult(
                  next.generation(),
                  next.current().id(),
                  next.size(),
                  newDataKey,
                  masterRotated || resumed,
                  resumed,
                  keys.passphrase() ? null : keys.keyFile().toString(),
                  targets);
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("reason", reason.strip());
          details.put("generation", next.generation());
          details.put("data_key", next.current().id());
          details.put("new_data_key", newDataKey);
          details.put("master_rotated", result.masterRotated());
          details.put("resumed", resumed);
          details.put("targets", targets);
          return new Done<>(
              result,
              new Record(
                  new Event(
                      "vault.key_rotated",
                      newDataKey ? Severity.HIGH : Severity.MEDIUM,
                      "vault",
                      details),
                  true,
                  null,
                  "generation "
                      + next.generation()
                      + ", data key "
                      + next.current().id()
                      + (newDataKey ? " (new)" : "")
                      + ", "
                      + targets.size()
                      + " targets"));
        });
  }
}
