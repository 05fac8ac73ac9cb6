package io.nxs.vault;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * What one snapshot holds (SPEC VA2): every file with path, size, mode, mtime and SHA-256, and the
 * content-addressed blobs that make it up. Stored encrypted and authenticated under {@code
 * snapshots/<id>}; it is the commit point of a snapshot.
 *
 * @param version format version, 1
 * @param id the snapshot id, sortable by time, e.g. {@code 20261201T201500Z-3f2a91c0}
 * @param createdAt when the backup started
 * @param host the machine's name
 * @param entries every file, directory and symlink, sorted by path
 */
public record Manifest(
    @JsonProperty("version") int version,
    @JsonProperty("id") String id,
    @JsonProperty("created_at") Instant createdAt,
    @JsonProperty("host") String host,
    @JsonProperty("entries") List<Entry> entries) {

  public Manifest {
    entries = List.copyOf(entries);
  }

  /** Files only. */
  public List<Entry> files() {
    return entries.stream().filter(e -> e.type() == EntryType.FILE).toList();
  }

  /** Total bytes of the files. */
  public long bytes() {
    return files().stream().mapToLong(Entry::size).sum();
  }

  /** Kinds of entry. */
  public enum EntryType {
    @JsonProperty("file")
    FILE,
    @JsonProperty("dir")
    DIR,
    @JsonProperty("symlink")
    SYMLINK
  }

  /**
   * One path in the snapshot.
   *
   * @param path slash-separated, relative to the snapshot root, e.g. {@code nxs/state.db}
   * @param type file, dir or symlink (recorded, never followed)
   * @param size bytes (files)
   * @param mode POSIX permissions as {@code rwxr-x---}
   * @param mtime last modification time
   * @param sha256 hex SHA-256 of the content (files)
   * @param link a symlink's target, as stored in the link
   * @param chunks the blobs holding the content, in order (files)
   */
  public record Entry(
      @JsonProperty("path") String path,
      @JsonProperty("type") EntryType type,
      @JsonProperty("size") long size,
      @JsonProperty("mode") String mode,
      @JsonProperty("mtime") Instant mtime,
      @JsonProperty("sha256") String sha256,
      @JsonProperty("link") String link,
      @JsonProperty("chunks") List<Chunk> chunks) {
    public Entry {
      chunks = chunks == null ? List.of() : List.copyOf(chunks);
    }
  }

  /**
   * One blob of a file's content.
   *
   * @param id the blob's name: hex HMAC-SHA-256 of the plain chunk
   * @param size plain bytes
   * @param stored bytes as stored (compressed and sealed), checked by a quick verify
   */
  public record Chunk(
      @JsonProperty("id") String id,
      @JsonProperty("size") int size,
      @JsonProperty("stored") long stored) {}
}
