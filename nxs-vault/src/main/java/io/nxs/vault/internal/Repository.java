package io.nxs.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.vault.Manifest;
import io.nxs.vault.VaultException;
import io.nxs.vault.WrongKeyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One repository on one target: sealed blobs named by content, sealed manifests, a plain {@code
 * config} object holding the repository id and a key check, and the key ring once rotated.
 *
 * <pre>
 *   config                     {"version":1,"id":"...","key_check":"<sealed>"}
 *   keyring                    the data keys wrapped under the master key, once rotated ({@link
 *                              KeyRing}; absent: the master key's bytes are the only data key)
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
  private final int storedGeneration;

  private Repository(Target target, Sealer sealer, int storedGeneration) {
    this.target = target;
    this.sealer = sealer;
    this.storedGeneration = storedGeneration;
  }

  /**
   * Some targets' repositories, all opened with the vault's key ring.
   *
   * @param ring the newest ring any target holds (the implicit one when none holds a ring)
   * @param unreachable why each target left out could not be read
   */
  public record Opened(
      List<Repository> repositories, KeyRing ring, Map<String, String> unreachable) {}

  /**
   * Opens the repository on one target, creating it when the target is empty.
   *
   * @throws WrongKeyException when the repository was written with another key
   * @throws VaultException when it cannot be read
   */
  public static Repository openOrCreate(Target target, VaultKey key) {
    Opened opened = openAll(List.of(target), List.of(key));
    if (opened.repositories().isEmpty()) {
      throw new VaultException(
          "cannot open the repository at "
              + target.describe()
              + ": "
              + opened.unreachable().get(target.describe()));
    }
    return opened.repositories().getFirst();
  }

  /**
   * Opens the repositories of several targets of one vault (ADR 0152), creating those on empty
   * targets. The vault's key ring is the newest generation any target holds, opened with whichever
   * master key opens it; a target without a ring (written before rings, or left behind by an
   * interrupted rotation) is read with it too, since rings only ever add keys. An empty target gets
   * that ring (when there is one) and a fresh {@code config}.
   *
   * @param masters the master keys to try, newest first: the vault key, and during an interrupted
   *     rotation the previous one
   * @throws WrongKeyException when a repository opens under none of them
   */
  public static Opened openAll(List<Target> targets, List<VaultKey> masters) {
    Map<String, String> unreachable = new LinkedHashMap<>();
    Map<Target, byte[]> configs = new LinkedHashMap<>();
    Map<Target, KeyRing> rings = new HashMap<>();
    KeyRing ring = null;
    for (Target t : targets) {
      try {
        configs.put(t, getOrNull(t, CONFIG));
        byte[] stored = getOrNull(t, KeyRing.OBJECT);
        if (stored != null) {
          KeyRing found = openRing(t, stored, masters);
          rings.put(t, found);
          if (ring == null || found.generation() > ring.generation()) {
            ring = found;
          }
        }
      } catch (IOException | VaultException e) {
        if (e instanceof WrongKeyException wrong) {
          throw wrong;
        }
        unreachable.put(t.describe(), e.getMessage());
      }
    }
    if (ring == null) {
      ring = legacyRing(configs, masters);
    }
    List<Repository> repos = new ArrayList<>();
    for (Map.Entry<Target, byte[]> e : configs.entrySet()) {
      Target t = e.getKey();
      try {
        byte[] config = e.getValue();
        int generation = rings.containsKey(t) ? rings.get(t).generation() : 0;
        if (config == null) {
          config = create(t, ring, masters.getFirst());
          generation = ring.generation();
        }
        Sealer sealer = new Sealer(ring);
        if (!keyCheckOpens(sealer, config)) {
          throw wrongKey(t, masters.getFirst());
        }
        repos.add(new Repository(t, sealer, generation));
      } catch (IOException | IllegalArgumentException ex) {
        unreachable.put(t.describe(), ex.getMessage());
      }
    }
    return new Opened(repos, ring, unreachable);
  }

  private static KeyRing openRing(Target t, byte[] stored, List<VaultKey> masters) {
    for (VaultKey master : masters) {
      Optional<KeyRing> opened = KeyRing.read(stored, master);
      if (opened.isPresent()) {
        return opened.get();
      }
    }
    throw wrongKey(t, masters.getFirst());
  }

  /** The implicit ring: the first master key whose own bytes open an existing repository. */
  private static KeyRing legacyRing(Map<Target, byte[]> configs, List<VaultKey> masters) {
    for (Map.Entry<Target, byte[]> e : configs.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      for (VaultKey master : masters) {
        KeyRing legacy = KeyRing.legacy(master);
        if (keyCheckOpens(new Sealer(legacy), e.getValue())) {
          return legacy;
        }
      }
      throw wrongKey(e.getKey(), masters.getFirst());
    }
    return KeyRing.legacy(masters.getFirst());
  }

  private static byte[] create(Target target, KeyRing ring, VaultKey master) throws IOException {
    if (!ring.legacy()) {
      target.putIfAbsent(KeyRing.OBJECT, ring.write(master));
    }
    byte[] check = new Sealer(ring).seal(CONFIG, KEY_CHECK.getBytes(StandardCharsets.UTF_8));
    Map<String, Object> fresh = new HashMap<>();
    fresh.put("version", 1);
    fresh.put("id", UUID.randomUUID().toString());
    fresh.put("key_check", Base64.getEncoder().encodeToString(check));
    if (master.kdf() != null) {
      fresh.put("kdf", master.kdf());
    }
    target.putIfAbsent(CONFIG, Json.write(fresh).getBytes(StandardCharsets.UTF_8));
    return target.get(CONFIG);
  }

  private static boolean keyCheckOpens(Sealer sealer, byte[] config) {
    try {
      JsonNode node = Json.mapper().readTree(config);
      sealer.open(CONFIG, Base64.getDecoder().decode(node.path("key_check").asText("")));
      return true;
    } catch (DamagedObjectException | IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] getOrNull(Target target, String key) throws IOException {
    try {
      return target.get(key);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static WrongKeyException wrongKey(Target target, VaultKey key) {
    return key.file() != null
        ? new WrongKeyException(target.describe(), key.file())
        : new WrongKeyException(target.describe(), key.source());
  }

  /** The ring generation this target holds: 0 for none (a repository never rotated). */
  public int storedRingGeneration() {
    return storedGeneration;
  }

  /**
   * Replaces this target's key ring at once (the target's put is atomic): readers see the old ring
   * or the new one, never a mix.
   */
  public void putRing(KeyRing ring, VaultKey master) throws IOException {
    target.put(KeyRing.OBJECT, ring.write(master));
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
  /** Stores the first {@code length} bytes of a sealed blob, durable after {@link #flush}. */
  public void putSealedBlobBatched(String name, byte[] sealed, int length) throws IOException {
    target.putBatched(blobKey(name), sealed, length);
  }

  /** Makes the batched blobs durable; call before committing a manifest that names them. */
  public void flush() throws IOException {
    target.flush();
  }

  public byte[] getSealedBlob(String name) throws IOException {
    return target.get(blobKey(name));
  }

  /**
   * A blob as stored, read into a thread's reusable buffer ({@link Target#get(String,
   * Sealer.Scratch)}).
   */
  public Sealer.Plain getSealedBlob(String name, Sealer.Scratch into) throws IOException {
    return target.get(blobKey(name), into);
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

  /**
   * Reads and opens a blob into a thread's reusable buffers ({@link Sealer#open(String, byte[],
   * Sealer.Scratch)}).
   *
   * @throws DamagedObjectException when it was changed
   * @throws NoSuchFileException when it is missing
   */
  public Sealer.Plain getBlob(String name, Sealer.Scratch scratch) throws IOException {
    Sealer.Plain sealed = getSealedBlob(name, scratch);
    return sealer.open(name, sealed.bytes(), sealed.length(), scratch);
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
