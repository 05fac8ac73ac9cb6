package io.nxs.session.migrate;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a source offers before a byte moves (INIT): the protocol and OpenClaw versions, and per
 * agent its size and hottest zone, so the target can refuse at once or plan HOT first.
 *
 * @param id the migration id
 * @param protocol the source's migration protocol
 * @param source a name for the source (its host)
 * @param openclawVersion the OpenClaw that wrote the source's stores
 * @param schema the agent store schema ({@code PRAGMA user_version})
 * @param agents the agents, hottest first
 */
public record Handshake(
    @JsonProperty("id") String id,
    @JsonProperty("protocol") int protocol,
    @JsonProperty("source") String source,
    @JsonProperty("openclaw_version") String openclawVersion,
    @JsonProperty("schema") int schema,
    @JsonProperty("agents") List<AgentSize> agents) {

  @JsonCreator
  public Handshake {
    agents = agents == null ? List.of() : List.copyOf(agents);
  }

  /**
   * @param agent the agent id
   * @param bytes its store's size on the source
   * @param zone its hottest zone (HOT first)
   * @param sessions its session keys (the target refuses to replace sessions the source lacks)
   */
  public record AgentSize(
      @JsonProperty("agent") String agent,
      @JsonProperty("bytes") long bytes,
      @JsonProperty("zone") String zone,
      @JsonProperty("sessions") List<String> sessions) {
    @JsonCreator
    public AgentSize {
      sessions = sessions == null ? List.of() : List.copyOf(sessions);
    }
  }

  /**
   * The target's answer.
   *
   * @param accepted agents it takes now
   * @param lazy agents it takes later, when it has room (a target short of disk)
   * @param bases per accepted agent, a store this target kept from an earlier migration and has
   *     just checked, which the source may send the agent's store against as a patch (an older
   *     target sends none: everything moves whole)
   */
  public record Plan(
      @JsonProperty("id") String id,
      @JsonProperty("accepted") List<String> accepted,
      @JsonProperty("lazy") List<String> lazy,
      @JsonProperty("bases") List<Base> bases) {
    @JsonCreator
    public Plan {
      accepted = List.copyOf(accepted);
      lazy = lazy == null ? List.of() : List.copyOf(lazy);
      bases = bases == null ? List.of() : List.copyOf(bases);
    }

    public Plan(String id, List<String> accepted, List<String> lazy) {
      this(id, accepted, lazy, List.of());
    }

    /** The base offered for an agent. */
    public java.util.Optional<Base> base(String agent) {
      return bases.stream().filter(b -> b.agent().equals(agent)).findFirst();
    }
  }

  /**
   * A store both sides may hold from an earlier migration, named by its content.
   *
   * @param agent whose store it is
   * @param size its size
   * @param sha256 its SHA-256 (hex)
   */
  public record Base(
      @JsonProperty("agent") String agent,
      @JsonProperty("size") long size,
      @JsonProperty("sha256") String sha256) {
    @JsonCreator
    public Base {}
  }
}
