package io.nxs.session.transfer;

/**
 * One piece of one file of a session bundle, as the sender read it.
 *
 * @param file the file's index in the bundle's file list
 * @param offset where the piece starts in the file
 * @param data the piece's bytes (uncompressed)
 */
public record Chunk(int file, long offset, byte[] data) {

  public Chunk {
    if (file < 0 || offset < 0) {
      throw new IllegalArgumentException("file and offset must not be negative");
    }
  }
}
