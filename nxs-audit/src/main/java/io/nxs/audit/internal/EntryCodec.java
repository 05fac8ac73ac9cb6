package io.nxs.audit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nxs.core.NxsException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The canonical encoding every entry hash is computed over.
 *
 * <p>Fields are written in a fixed order, strings length-prefixed (so no two different entries
 * share an encoding): a version tag, seq, timestamp millis, type, severity label, actor, target,
 * the details as canonical JSON, and the previous entry's 32-byte hash. Canonical JSON is Jackson
 * with map keys sorted at every level; it is produced once at append time by serializing, parsing
 * and serializing again, so re-serializing the parsed details (as archive verification does) yields
 * exactly the same text.
 */
public final class EntryCodec {

  /** The {@code prev_hash} of seq 1. */
  public static final String GENESIS = "0".repeat(64);

  /** Longest details JSON accepted, in characters: audit details are small facts. */
  public static final int MAX_DETAILS_CHARS = 16 * 1024;

  private static final byte[] TAG = "nxs-audit-entry-v1".getBytes(StandardCharsets.US_ASCII);
  private static final HexFormat HEX = HexFormat.of();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private EntryCodec() {}

  /**
   * The canonical JSON of an event's details.
   *
   * @throws NxsException when the details cannot be written as JSON or are too large
   */
  public static String canonicalDetails(Map<String, ?> details) {
    try {
      String first = CANONICAL.writeValueAsString(details);
      String canonical = CANONICAL.writeValueAsString(CANONICAL.readValue(first, MAP));
      if (canonical.length() > MAX_DETAILS_CHARS) {
        throw new NxsException(
            "audit details must be at most "
                + MAX_DETAILS_CHARS
                + " characters of JSON, but were "
                + canonical.length()
                + ": record a summary, not the data");
      }
      return canonical;
    } catch (JsonProcessingException e) {
      throw new NxsException(
          "audit details cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The canonical mapper (sorted map keys, nulls kept), for archive lines. */
  public static ObjectMapper mapper() {
    return CANONICAL;
  }

  /** Parses stored canonical details JSON. */
  public static Map<String, Object> parseDetails(String json) {
    try {
      return CANONICAL.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw new NxsException("stored audit details are not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The SHA-256 of an entry's canonical encoding. */
  public static byte[] hash(
      long seq,
      long timestampMillis,
      String type,
      String severity,
      String actor,
      String target,
      String detailsJson,
      byte[] prevHash) {
    MessageDigest digest = sha256();
    ByteBuffer fixed = ByteBuffer.allocate(TAG.length + 16);
    fixed.put(TAG).putLong(seq).putLong(timestampMillis);
    digest.update(fixed.array());
    field(digest, type);
    field(digest, severity);
    field(digest, actor);
    field(digest, target);
    field(digest, detailsJson);
    digest.update(prevHash);
    return digest.digest();
  }

  /** Lower-case hex of bytes. */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /**
   * Bytes of a 64-digit hex hash.
   *
   * @throws IllegalArgumentException when the text is not 64 hex digits
   */
  public static byte[] unhex(String hex) {
    if (hex == null || hex.length() != 64) {
      throw new IllegalArgumentException("a hash is 64 hex digits, but was '" + hex + "'");
    }
    return HEX.parseHex(hex);
  }

  private static void field(MessageDigest digest, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    digest.update(
        new byte[] {
          (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
          (byte) (bytes.length >>> 8), (byte) bytes.length
        });
    digest.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always provides SHA-256", e);
    }
  }
}
