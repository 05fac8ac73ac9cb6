package io.nxs.session.transfer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.session.AgentSessions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a session export or migration carries: per agent, OpenClaw's own SQLite snapshot (the
 * directory {@code openclaw backup sqlite create} wrote: {@code manifest.json} and {@code
 * database.sqlite}) and the digest of every session in it, so the receiving side can prove it got
 * the same sessions, counts and hashes.
 *
 * @param protocol the NXS migration protocol version ({@link #PROTOCOL})
 * @param createdAt when the snapshots were taken
 * @param openclawVersion the source's {@code openclaw --version}
 * @param agents the agents, hottest first
 * @param files every file, in transfer order (the index is a chunk's file number)
 */
public record Bundle(
    @JsonProperty("protocol") int protocol,
    @JsonProperty("created_at") Instant createdAt,
    @JsonProperty("openclaw_version") String openclawVersion,
    @JsonProperty("agents") List<Agent> agents,
    @JsonProperty("files") List<BundleFile> files) {

  /**
   * The migration protocol this NXS speaks. 2: the target's plan names the stores it kept from
   * earlier migrations, and a bundle file may be a patch against one (SE4's delta).
   */
  public static final int PROTOCOL = 2;

  @JsonCreator
  public Bundle {
    agents = List.copyOf(agents);
    files = List.copyOf(files);
  }

  /** The agent with this id. */
  public Optional<Agent> agent(String id) {
    return agents.stream().filter(a -> a.sessions().agent().equals(id)).findFirst();
  }

  public long bytes() {
    return files.stream().mapToLong(BundleFile::size).sum();
  }

  public long messages() {
    return agents.stream().mapToLong(a -> a.sessions().messages()).sum();
  }

  /**
   * One agent in the bundle.
   *
   * @param sessions its sessions and zone figures, read from the snapshot
   * @param snapshot the folder inside the bundle holding OpenClaw's snapshot ({@code
   *     manifest.json}, {@code database.sqlite})
   */
  public record Agent(
      @JsonProperty("sessions") AgentSessions sessions, @JsonProperty("snapshot") String snapshot) {
    @JsonCreator
    public Agent {}

    public String id() {
      return sessions.agent();
    }
  }
}
