package io.nxs.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.vault.Manifest;
import io.nxs.vault.VaultException;
import io.nxs.vault.WrongKeyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One repository on one target: sealed blobs named by content, sealed manifests, and a plain {@code
 * config} object holding the repository id and a key check.
 *
 * <pre>
 *   config                     {"version":1,"id":"...","key_check":"<sealed>"}
 *   blobs/ab/ab12...           sealed chunk, name = HMAC-SHA-256 of the plain chunk
 *   snapshots/&lt;id&gt;             sealed manifest; its presence commits the snapshot
 *   locks/&lt;random&gt;             lock records (see {@link RepositoryLock})
 *   checkpoints/audit-...json  the audit log's signed head at a backup, plain (see {@link
 *                              CheckpointKeeper})
 * </pre>
 */
public final class Repository {

  private static final String CONFIG = "config";
  private static final String KEY_CHECK = "nxs-vault key check";

  private final Target target;
  private final Sealer sealer;

  private Repository(Target target, Sealer sealer) {
    this.target = target;
    this.sealer = sealer;
  }

  /**
   * Opens the repository on a target, creating it when the target is empty.
   *
   * @throws WrongKeyException when the repository was written with another key
   */
  public static Repository openOrCreate(Target target, VaultKey key) {
    Sealer sealer = new Sealer(key);
    Repository repo = new Repository(target, sealer);
    try {
      byte[] config;
      try {
        config = target.get(CONFIG);
      } catch (NoSuchFileException e) {
        byte[] check = sealer.seal(CONFIG, KEY_CHECK.getBytes(StandardCharsets.UTF_8));
        Map<String, Object> fresh = new HashMap<>();
        fresh.put("version", 1);
        fresh.put("id", UUID.randomUUID().toString());
        fresh.put("key_check", java.util.Base64.getEncoder().encodeToString(check));
        if (key.kdf() != null) {
          fresh.put("kdf", key.kdf());
        }
        target.putIfAbsent(CONFIG, Json.write(fresh).getBytes(StandardCharsets.UTF_8));
        config = target.get(CONFIG);
      }
      JsonNode node = Json.mapper().readTree(config);
      byte[] check = java.util.Base64.getDecoder().decode(node.path("key_check").asText(""));
      try {
        sealer.open(CONFIG, check);
      } catch (DamagedObjectException e) {
        throw key.file() != null
            ? new WrongKeyException(target.describe(), key.file())
            : new WrongKeyException(target.describe(), key.source());
      }
      return repo;
    } catch (IOException | IllegalArgumentException e) {
      throw new VaultException(
          "cannot open the repository at " + target.describe() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The passphrase derivation a repository's {@code config} records, if any.
   *
   * @throws NoSuchFileException when the target holds no repository yet
   */
  public static java.util.Optional<VaultKey.Kdf> kdf(Target target) throws IOException {
    JsonNode node = Json.mapper().readTree(target.get(CONFIG)).path("kdf");
    if (node.isMissingNode() || node.isNull()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new VaultKey.Kdf(
            node.path("algorithm").asText(""),
            node.path("iterations").asInt(),
            node.path("salt").asText("")));
  }

  public Target target() {
    return target;
  }

  public Sealer sealer() {
    return sealer;
  }

  public static String blobKey(String name) {
    return "blobs/" + name.substring(0, 2) + "/" + name;
  }

  public static String snapshotKey(String id) {
    return "snapshots/" + id;
  }

  /** Every blob's name and stored size. */
  public Map<String, Long> blobs() throws IOException {
    Map<String, Long> names = new HashMap<>();
    target
        .listSizes("blobs/")
        .forEach((key, size) -> names.put(key.substring(key.lastIndexOf('/') + 1), size));
    return names;
  }

  /** Stores a blob already sealed (a repair copy from another target): durable at once. */
  public void putSealedBlob(String name, byte[] sealed) throws IOException {
    target.put(blobKey(name), sealed);
  }

  /** Stores a sealed blob, durable after {@link #flush}. */
  public void putSealedBlobBatched(String name, byte[] sealed) throws IOException {
    target.putBatched(blobKey(name), sealed);
  }

  /** Makes the batched blobs durable; call before committing a manifest that names them. */
  public void flush() throws IOException {
    target.flush();
  }

  public byte[] getSealedBlob(String name) throws IOException {
    return target.get(blobKey(name));
  }

  /**
   * Reads and opens a blob.
   *
   * @throws DamagedObjectException when it was changed
   * @throws NoSuchFileException when it is missing
   */
  public byte[] getBlob(String name) throws IOException {
    return sealer.open(name, target.get(blobKey(name)));
  }

  public void deleteBlob(String name) throws IOException {
    target.delete(blobKey(name));
  }

  /** Commits a snapshot: after this returns, it is visible and complete. */
  public void putManifest(Manifest manifest) throws IOException {
    byte[] plain = Json.write(manifest).getBytes(StandardCharsets.UTF_8);
    target.put(snapshotKey(manifest.id()), sealer.seal(snapshotKey(manifest.id()), plain));
  }

  /**
   * Reads a snapshot's manifest.
   *
   * @throws DamagedObjectException when it was changed
   * @throws NoSuchFileException when there is no such snapshot
   */
  public Manifest manifest(String id) throws IOException {
    String key = snapshotKey(id);
    byte[] plain = sealer.open(key, target.get(key));
    return Json.mapper().readValue(plain, Manifest.class);
  }

  /** The committed snapshots' ids, oldest first. */
  public List<String> snapshotIds() throws IOException {
    return target.list("snapshots/").stream()
        .map(k -> k.substring("snapshots/".length()))
        .sorted()
        .toList();
  }

  public void deleteSnapshot(String id) throws IOException {
    target.delete(snapshotKey(id));
  }
}
