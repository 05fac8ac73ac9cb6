package io.nxs.session.transfer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.regex.Pattern;

/**
 * One file of a session bundle.
 *
 * @param name relative path inside the bundle, e.g. {@code final/main/database.sqlite}
 * @param size bytes
 * @param sha256 of the whole file, lower-case hex
 */
public record BundleFile(
    @JsonProperty("name") String name,
    @JsonProperty("size") long size,
    @JsonProperty("sha256") String sha256) {

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
}
