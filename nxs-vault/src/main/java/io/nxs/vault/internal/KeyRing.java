package io.nxs.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The vault's data keys (ADR 0152): every object is sealed under one of them and records its id;
 * new objects go under the {@link #current} one. The ring is kept in each repository as the plain
 * object {@code keyring}, its keys wrapped under the master key ({@link VaultKey}) like restic's
 * key files wrap its master key:
 *
 * <pre>
 *   {"format":"nxs-vault key ring","version":1,"generation":3,"wrap":"AES-256-GCM",
 *    "nonce":"&lt;12 bytes&gt;","sealed":"&lt;AES-256-GCM of {"current":1,"keys":{"0":"..","1":".."}}&gt;"}
 * </pre>
 *
 * The wrapping key is HKDF-Expand of the master key; the additional data binds the format and the
 * generation, so a ring cannot be swapped for an older one under the same label unnoticed. A
 * repository without the object has the {@link #legacy} ring: generation 0, one key, id 0, the
 * master key's own bytes. Keys are only ever added, so a newer generation opens everything an older
 * one did.
 */
public final class KeyRing {

  /** The ring's object in a repository. */
  public static final String OBJECT = "keyring";

  private static final String FORMAT = "nxs-vault key ring";
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  private final int generation;
  private final int current;
  private final SortedMap<Integer, DataKey> keys;

  private KeyRing(int generation, int current, SortedMap<Integer, DataKey> keys) {
    if (!keys.containsKey(current)) {
      throw new VaultException("the key ring's current data key " + current + " is not in it");
    }
    this.generation = generation;
    this.current = current;
    this.keys = Collections.unmodifiableSortedMap(new TreeMap<>(keys));
  }

  /** The ring of a repository written before rings: the master key's bytes as data key 0. */
  public static KeyRing legacy(VaultKey master) {
    return new KeyRing(
        0, DataKey.LEGACY, new TreeMap<>(Map.of(DataKey.LEGACY, master.legacyDataKey())));
  }

  /** 0 for the implicit ring of a repository without a {@code keyring} object; then 1, 2, ... */
  public int generation() {
    return generation;
  }

  /** Whether this is the implicit ring of a repository that was never rotated. */
  public boolean legacy() {
    return generation == 0;
  }

  /** The data key new objects are sealed under. */
  public DataKey current() {
    return keys.get(current);
  }

  /** A data key by id. */
  public Optional<DataKey> key(int id) {
    return Optional.ofNullable(keys.get(id));
  }

  /** How many data keys it holds. */
  public int size() {
    return keys.size();
  }

  /**
   * The next generation: the same keys, plus a new random data key made current when asked (after a
   * compromise: new snapshots then share no key, and no deduplication, with older ones).
   */
  public KeyRing next(boolean newDataKey) {
    if (!newDataKey) {
      return new KeyRing(generation + 1, current, keys);
    }
    int id = keys.lastKey() + 1;
    SortedMap<Integer, DataKey> more = new TreeMap<>(keys);
    more.put(id, DataKey.random(id));
    return new KeyRing(generation + 1, id, more);
  }

  /** The {@code keyring} object: the keys wrapped under a master key. */
  public byte[] write(VaultKey master) {
    Map<String, String> wrapped = new LinkedHashMap<>();
    keys.forEach(
        (id, key) ->
            wrapped.put(String.valueOf(id), Base64.getEncoder().encodeToString(key.material())));
    byte[] plain =
        Json.write(Map.of("current", current, "keys", wrapped)).getBytes(StandardCharsets.UTF_8);
    byte[] nonce = new byte[NONCE];
    new SecureRandom().nextBytes(nonce);
    byte[] sealed;
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.ENCRYPT_MODE, master.wrapping(), new GCMParameterSpec(TAG_BITS, nonce));
      gcm.updateAAD(aad(generation));
      sealed = gcm.doFinal(plain);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed: " + e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
    Map<String, Object> ring = new LinkedHashMap<>();
    ring.put("format", FORMAT);
    ring.put("version", 1);
    ring.put("generation", generation);
    ring.put("wrap", "AES-256-GCM");
    ring.put("nonce", Base64.getEncoder().encodeToString(nonce));
    ring.put("sealed", Base64.getEncoder().encodeToString(sealed));
    return Json.write(ring).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Opens a {@code keyring} object with a master key.
   *
   * @return empty when the master key does not open it (another key)
   * @throws VaultException when it is not a key ring this version reads
   */
  public static Optional<KeyRing> read(byte[] object, VaultKey master) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(object);
    } catch (IOException e) {
      throw new VaultException("the repository's key ring is not JSON: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(node.path("format").asText()) || node.path("version").asInt() != 1) {
      throw new VaultException(
          "the repository's key ring has format '"
              + node.path("format").asText()
              + "' version "
              + node.path("version").asInt()
              + ", which this NXS does not read (a newer NXS wrote it?)");
    }
    int generation = node.path("generation").asInt(-1);
    if (generation < 1) {
      throw new VaultException("the repository's key ring has no valid generation");
    }
    byte[] plain;
    try {
      byte[] nonce = Base64.getDecoder().decode(node.path("nonce").asText(""));
      byte[] sealed = Base64.getDecoder().decode(node.path("sealed").asText(""));
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, master.wrapping(), new GCMParameterSpec(TAG_BITS, nonce));
      gcm.updateAAD(aad(generation));
      plain = gcm.doFinal(sealed);
    } catch (AEADBadTagException e) {
      return Optional.empty();
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new VaultException("the repository's key ring is damaged: " + e.getMessage(), e);
    }
    try {
      JsonNode inner = Json.mapper().readTree(plain);
      SortedMap<Integer, DataKey> keys = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : inner.path("keys").properties()) {
        keys.put(
            Integer.parseInt(e.getKey()),
            DataKey.of(
                Integer.parseInt(e.getKey()), Base64.getDecoder().decode(e.getValue().asText())));
      }
      return Optional.of(new KeyRing(generation, inner.path("current").asInt(-1), keys));
    } catch (IOException | IllegalArgumentException e) {
      throw new VaultException("the repository's key ring is damaged: " + e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
  }

  private static byte[] aad(int generation) {
    return (FORMAT + "/1/" + generation).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "KeyRing[generation " + generation + ", current " + current + ", " + size() + " keys]";
  }
}
