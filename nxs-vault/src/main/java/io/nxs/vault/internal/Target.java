package io.nxs.vault.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * A place that stores a repository's objects by key ({@code config}, {@code blobs/ab/<name>},
 * {@code snapshots/<id>}, {@code locks/<id>}). Every implementation makes {@link #put} atomic and
 * durable: a reader sees the whole object or none, even after a crash mid-write. Implementations:
 * {@link LocalTarget}, {@link S3Target}, {@link GitTarget}; all pass the same contract test.
 */
public interface Target extends AutoCloseable {

  /** Where it is, for messages, e.g. {@code local:/srv/backups}. */
  String describe();

  /** Stores an object whole, replacing any old one; durable when it returns. */
  void put(String key, byte[] data) throws IOException;

  /**
   * Stores an object whole, atomically, but durable only after the next {@link #flush}: lets many
   * blobs share one round of disk syncs. The default is {@link #put}.
   */
  default void putBatched(String key, byte[] data) throws IOException {
    put(key, data);
  }

  /**
   * {@link #putBatched(String, byte[])} of the first {@code length} bytes of a buffer the caller
   * reuses once this returns. The default copies them; a local target writes them as they are.
   */
  default void putBatched(String key, byte[] data, int length) throws IOException {
    putBatched(key, data.length == length ? data : Arrays.copyOf(data, length));
  }

  /** Makes every {@link #putBatched} object so far durable. */
  default void flush() throws IOException {}

  /**
   * Starts making the {@link #putBatched} objects so far durable, where the target can do that
   * without committing anything: a local disk forces the files written so far (a backup's writer
   * calls it while it seals more, so {@link #flush} finds little left to wait for). {@link #flush}
   * is still what makes them durable. The default does nothing (git and s3 commit or upload as a
   * whole).
   */
  default void flushAhead() throws IOException {}

  /**
   * Stores an object only when the key is free.
   *
   * @return false when the key was taken
   */
  boolean putIfAbsent(String key, byte[] data) throws IOException;

  /**
   * Reads an object.
   *
   * @throws java.nio.file.NoSuchFileException when it does not exist
   */
  byte[] get(String key) throws IOException;

  /**
   * Reads an object into a buffer the caller reuses from object to object ({@link
   * Sealer.Scratch#sealed}, grown when too small): a restore reads thousands of 4 MiB blobs per
   * thread without allocating an array for each, which in the daemon's small young generation were
   * promoted while in flight and filled the old one. The default copies {@link #get(String)}'s
   * array into it; a local target reads the file straight into it.
   *
   * @return the object: the first {@code length} bytes of the scratch's buffer, valid until the
   *     scratch is used again
   * @throws java.nio.file.NoSuchFileException when there is no such object
   */
  default Sealer.Plain get(String key, Sealer.Scratch into) throws IOException {
    byte[] data = get(key);
    byte[] buffer = into.sealed(data.length);
    System.arraycopy(data, 0, buffer, 0, data.length);
    return new Sealer.Plain(buffer, data.length);
  }

  /** The stored size, empty when the object does not exist. */
  OptionalLong size(String key) throws IOException;

  /** The keys under a prefix ending in {@code /}, in no particular order. */
  List<String> list(String prefix) throws IOException;

  /**
   * The keys under a prefix with their stored sizes. The default asks {@link #size} for each; a
   * target whose listing carries sizes (s3) answers in one listing.
   */
  default java.util.Map<String, Long> listSizes(String prefix) throws IOException {
    java.util.Map<String, Long> sizes = new java.util.HashMap<>();
    for (String key : list(prefix)) {
      OptionalLong size = size(key);
      if (size.isPresent()) {
        sizes.put(key, size.getAsLong());
      }
    }
    return sizes;
  }

  /**
   * Deletes an object; no error when it is gone already. A target may make the removal durable only
   * at the next {@link #flush} (git batches removals into one commit).
   */
  void delete(String key) throws IOException;

  /**
   * Removes what writes interrupted by a crash left behind (temporary files) older than a time.
   *
   * @return how many were removed
   */
  int removeLeftovers(Instant olderThan) throws IOException;

  /** Releases connections and files; the default has none. */
  @Override
  default void close() {}
}
