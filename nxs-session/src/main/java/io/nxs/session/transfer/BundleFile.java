package io.nxs.session.transfer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.regex.Pattern;

/**
 * One file of a session bundle.
 *
 * @param name relative path inside the bundle, e.g. {@code final/main/database.sqlite}
 * @param size bytes
 * @param sha256 of the whole file, lower-case hex
 * @param patch when the file is a {@link StorePatch}: the store it rebuilds; null for a file sent
 *     as it is
 */
public record BundleFile(
    @JsonProperty("name") String name,
    @JsonProperty("size") long size,
    @JsonProperty("sha256") String sha256,
    @JsonProperty("patch") @JsonInclude(JsonInclude.Include.NON_NULL) Patch patch) {

  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*");

  @JsonCreator
  public BundleFile {
    if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException(
          "a bundle file name is a relative path of plain names, but was '" + name + "'");
    }
    if (size < 0) {
      throw new IllegalArgumentException("file " + name + " has a negative size");
    }
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("file " + name + " needs a SHA-256 in hex");
    }
  }

  public BundleFile(String name, long size, String sha256) {
    this(name, size, sha256, null);
  }

  /**
   * What a patch rebuilds.
   *
   * @param store the bundle name of the store it rebuilds ({@code <phase>/<agent>/<snapshot>/
   *     database.sqlite})
   * @param size the store's size
   * @param sha256 the store's SHA-256 (hex)
   * @param baseSha256 the SHA-256 of the earlier copy it was made against
   */
  public record Patch(
      @JsonProperty("store") String store,
      @JsonProperty("size") long size,
      @JsonProperty("sha256") String sha256,
      @JsonProperty("base_sha256") String baseSha256) {
    @JsonCreator
    public Patch {
      if (store == null || !NAME.matcher(store).matches() || store.contains("..")) {
        throw new IllegalArgumentException("a patch rebuilds a plain bundle name, not " + store);
      }
      if (sha256 == null
          || !sha256.matches("[0-9a-f]{64}")
          || baseSha256 == null
          || !baseSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("a patch of " + store + " needs SHA-256s in hex");
      }
    }
  }
}
