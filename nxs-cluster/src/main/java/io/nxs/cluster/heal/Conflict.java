package io.nxs.cluster.heal;

import io.nxs.core.cluster.SharedKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A difference a person must settle (phase 4 of the heal): the value kept meanwhile and the value
 * the other side wrote.
 *
 * @param id short stable id, derived from the proposed write
 * @param kind identity or secret
 * @param key the value's key
 * @param kept the value the cluster runs on meanwhile
 * @param keptBy who wrote the kept value
 * @param proposed the value written on the other side
 * @param proposedBy who wrote it
 * @param proposedAt when
 * @param detectedAt when the heal found it
 * @param status pending, approved (the proposed value was taken) or rejected (the kept one stays)
 * @param decidedBy who decided, once decided
 */
public record Conflict(
    String id,
    SharedKind kind,
    String key,
    String kept,
    String keptBy,
    String proposed,
    String proposedBy,
    Instant proposedAt,
    Instant detectedAt,
    Status status,
    String decidedBy) {

  /** A conflict's state in the review queue. */
  public enum Status {
    PENDING,
    APPROVED,
    REJECTED
  }

  /** A pending conflict from a review resolution. */
  public static Conflict of(Resolution.Review review, Instant detectedAt) {
    Written a = review.apart();
    Written c = review.current();
    return new Conflict(
        idOf(a),
        a.kind(),
        a.key(),
        c.value(),
        c.writer(),
        a.value(),
        a.writer(),
        a.at(),
        detectedAt,
        Status.PENDING,
        "");
  }

  /** A copy decided by someone. */
  public Conflict decided(boolean approve, String by) {
    return new Conflict(
        id,
        kind,
        key,
        kept,
        keptBy,
        proposed,
        proposedBy,
        proposedAt,
        detectedAt,
        approve ? Status.APPROVED : Status.REJECTED,
        by);
  }

  /** What people may see of a value: secrets only as a fingerprint, never the value itself. */
  public String shown(String value) {
    if (kind != SharedKind.SECRET) {
      return value;
    }
    return "sha256:" + sha256(value).substring(0, 12);
  }

  static String idOf(Written w) {
    return sha256(w.kind() + "\n" + w.key() + "\n" + w.writer() + "\n" + w.at() + "\n" + w.value())
        .substring(0, 10);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
