package io.nxs.rollout.release;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SHA-256 manifest of a release, {@code MANIFEST.sha256} at the top of the archive: one line
 * per file, {@code <hex> <path>}, paths relative to the release directory and sorted. It is the
 * format {@code sha256sum} writes, so {@code sha256sum -c MANIFEST.sha256} checks an unpacked
 * release by hand. The signature covers exactly these bytes.
 *
 * @param files path to lower-case hex SHA-256, every regular file of the release but the manifest
 */
public record Manifest(Map<String, String> files) {

  /** Its name inside the release directory. */
  public static final String FILE_NAME = "MANIFEST.sha256";

  private static final Pattern LINE = Pattern.compile("([0-9a-f]{64})  ([^\\n]+)");

  public Manifest {
    files = Collections.unmodifiableMap(new TreeMap<>(files));
  }

  /** The manifest's bytes: what is hashed, signed and written. */
  public byte[] bytes() {
    StringBuilder text = new StringBuilder();
    files.forEach((path, hash) -> text.append(hash).append("  ").append(path).append('\n'));
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses manifest bytes.
   *
   * @throws ReleaseException when a line is not {@code <64 hex> <path>} or a path repeats
   */
  public static Manifest parse(byte[] bytes) {
    Map<String, String> files = new TreeMap<>();
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isEmpty() && i == lines.length - 1) {
        break;
      }
      Matcher m = LINE.matcher(lines[i]);
      if (!m.matches()) {
        throw new ReleaseException(
            FILE_NAME + ":" + (i + 1) + ": not '<sha256 hex>  <path>': '" + lines[i] + "'");
      }
      if (files.put(m.group(2), m.group(1)) != null) {
        throw new ReleaseException(FILE_NAME + ":" + (i + 1) + ": '" + m.group(2) + "' twice");
      }
    }
    return new Manifest(files);
  }
}
