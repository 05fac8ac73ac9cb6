package io.nxs.sync.internal;

import org.eclipse.jgit.lib.ObjectId;

/**
 * A workspace file as a scan saw it.
 *
 * @param id its git blob id
 * @param size bytes
 * @param modifiedNanos last-modified time, epoch nanoseconds (what the stat cache compares)
 */
public record LocalFile(ObjectId id, long size, long modifiedNanos) {

  /** The last-modified time in epoch milliseconds: the write time last-write-wins compares. */
  public long modifiedMillis() {
    return Math.floorDiv(modifiedNanos, 1_000_000L);
  }
}
