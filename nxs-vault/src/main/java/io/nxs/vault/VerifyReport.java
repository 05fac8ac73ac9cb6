package io.nxs.vault;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What {@code nxs backup verify} found (SPEC VA2).
 *
 * @param ok true when every checked snapshot is whole on every target (after repairs)
 * @param deep whether every blob was re-read and decrypted, not only a rotating sample
 * @param snapshots how many snapshots were checked
 * @param blobs distinct blobs checked (exists and size)
 * @param blobsRead of those, how many were re-read, decrypted and re-hashed
 * @param bytesRead stored bytes re-read
 * @param millis how long it took
 * @param problems every damage found, by file
 * @param repaired damage fixed by copying a good blob from another target
 */
public record VerifyReport(
    @JsonProperty("ok") boolean ok,
    @JsonProperty("deep") boolean deep,
    @JsonProperty("snapshots") int snapshots,
    @JsonProperty("blobs") long blobs,
    @JsonProperty("blobs_read") long blobsRead,
    @JsonProperty("bytes_read") long bytesRead,
    @JsonProperty("millis") long millis,
    @JsonProperty("problems") List<Problem> problems,
    @JsonProperty("repaired") List<Problem> repaired) {

  /**
   * One piece of damage.
   *
   * @param target where
   * @param snapshot which snapshot
   * @param path the file in the snapshot it damages; the manifest itself when {@code null}
   * @param object the repository object, e.g. {@code blobs/ab/ab12...}
   * @param finding what is wrong: missing, size, authentication failed, content hash
   */
  public record Problem(
      @JsonProperty("target") String target,
      @JsonProperty("snapshot") String snapshot,
      @JsonProperty("path") String path,
      @JsonProperty("object") String object,
      @JsonProperty("finding") String finding) {

    /** One line for people. */
    public String describe() {
      return "snapshot "
          + snapshot
          + (path == null ? " manifest" : " file " + path)
          + ": "
          + finding
          + " ("
          + object
          + " at "
          + target
          + ")";
    }
  }
}
