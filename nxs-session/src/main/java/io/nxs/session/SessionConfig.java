package io.nxs.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ByteSize;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.Durations;
import java.time.Duration;

/**
 * The {@code session:} section of {@code nxs.yaml} (SPEC SE1-SE4).
 *
 * @param zones where HOT, WARM and COLD end; default 24h, 7d, 90d
 * @param staging where exports and incoming migrations are staged, relative to the NXS home;
 *     default {@code sessions}
 * @param chunkSize the transfer unit: each chunk is compressed, checksummed and acknowledged on its
 *     own, so a cut transfer resumes at the last good one; default 4 MiB, between 64 KiB and 16 MiB
 * @param attempts how many times in a row a chunk may fail before the migration stops and tells the
 *     operator; default 3
 * @param keepFree the free disk space an incoming migration must leave on the staging file system;
 *     with less room for everything, the target takes the HOT agents first and the rest later;
 *     default 256MB
 * @param commandTimeout how long one OpenClaw command (backup, restore, doctor, sessions list) may
 *     take; default 30m
 * @param bandwidth the most a migration sends per second (uncompressed); default 0, no cap
 * @param migration how stores move: as a patch or whole, and how many earlier copies are kept
 */
public record SessionConfig(
    ZonePolicy zones,
    String staging,
    ByteSize chunkSize,
    int attempts,
    ByteSize keepFree,
    Duration commandTimeout,
    ByteSize bandwidth,
    Migration migration) {

  /**
   * The {@code session.migration:} subsection.
   *
   * @param delta {@code auto} (default: the source measures the link and the patch's cost and sends
   *     the faster), {@code always} (a patch whenever both sides hold the same earlier store) or
   *     {@code never}
   * @param keepBases how many earlier stores to keep per peer and agent as bases for later patches;
   *     older ones are deleted after a migration succeeds; default 2, at least 1
   */
  public record Migration(DeltaMode delta, int keepBases) {

    public static final Migration DEFAULT = new Migration(DeltaMode.AUTO, 2);

    @JsonCreator
    static Migration fromYaml(
        @JsonProperty("delta") DeltaMode delta, @JsonProperty("keep_bases") Integer keepBases) {
      return new Migration(
          delta == null ? DEFAULT.delta : delta, keepBases == null ? DEFAULT.keepBases : keepBases);
    }

    public Migration {
      if (keepBases < 1 || keepBases > 100) {
        throw new IllegalArgumentException("keep_bases must be in [1, 100], but was " + keepBases);
      }
    }
  }

  public static final ConfigSection<SessionConfig> SECTION =
      ConfigSection.of("session", SessionConfig.class, SessionConfig::defaults);

  static final long MIN_CHUNK = 64 * 1024;
  static final long MAX_CHUNK = 16 * 1024 * 1024;

  @JsonCreator
  static SessionConfig fromYaml(
      @JsonProperty("zones") ZonePolicy zones,
      @JsonProperty("staging") String staging,
      @JsonProperty("chunk_size") ByteSize chunkSize,
      @JsonProperty("attempts") Integer attempts,
      @JsonProperty("keep_free") ByteSize keepFree,
      @JsonProperty("command_timeout") Duration commandTimeout,
      @JsonProperty("bandwidth") ByteSize bandwidth,
      @JsonProperty("migration") Migration migration) {
    return new SessionConfig(
        zones == null ? ZonePolicy.DEFAULT : zones,
        staging == null ? "sessions" : staging,
        chunkSize == null ? new ByteSize(4L * 1024 * 1024) : chunkSize,
        attempts == null ? 3 : attempts,
        keepFree == null ? new ByteSize(256L * 1024 * 1024) : keepFree,
        commandTimeout == null ? Duration.ofMinutes(30) : commandTimeout,
        bandwidth == null ? new ByteSize(0) : bandwidth,
        migration == null ? Migration.DEFAULT : migration);
  }

  /** Every default. */
  public static SessionConfig defaults() {
    return fromYaml(null, null, null, null, null, null, null, null);
  }

  public SessionConfig {
    if (staging.isBlank()) {
      throw new IllegalArgumentException("staging must name a directory, but was empty");
    }
    if (chunkSize.bytes() < MIN_CHUNK || chunkSize.bytes() > MAX_CHUNK) {
      throw new IllegalArgumentException(
          "chunk_size must be between 64KiB and 16MiB, but was " + chunkSize.bytes() + " bytes");
    }
    if (attempts < 1 || attempts > 100) {
      throw new IllegalArgumentException("attempts must be in [1, 100], but was " + attempts);
    }
    if (commandTimeout.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new IllegalArgumentException(
          "command_timeout must be at least 10s, but was " + Durations.format(commandTimeout));
    }
  }

  /** A copy with another free-space reserve (tests that play a target short of disk). */
  public SessionConfig withKeepFree(long bytes) {
    return new SessionConfig(
        zones,
        staging,
        chunkSize,
        attempts,
        new ByteSize(bytes),
        commandTimeout,
        bandwidth,
        migration);
  }

  /** A copy with another chunk size. */
  public SessionConfig withChunkSize(long bytes) {
    return new SessionConfig(
        zones,
        staging,
        new ByteSize(bytes),
        attempts,
        keepFree,
        commandTimeout,
        bandwidth,
        migration);
  }

  /** A copy with a bandwidth cap in bytes per second (0: none). */
  public SessionConfig withBandwidth(long bytesPerSecond) {
    return new SessionConfig(
        zones,
        staging,
        chunkSize,
        attempts,
        keepFree,
        commandTimeout,
        new ByteSize(bytesPerSecond),
        migration);
  }

  /** A copy with other zones. */
  public SessionConfig withZones(ZonePolicy other) {
    return new SessionConfig(
        other, staging, chunkSize, attempts, keepFree, commandTimeout, bandwidth, migration);
  }

  /** A copy with other migration settings. */
  public SessionConfig withMigration(Migration other) {
    return new SessionConfig(
        zones, staging, chunkSize, attempts, keepFree, commandTimeout, bandwidth, other);
  }
}
