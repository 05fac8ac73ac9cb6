package io.nxs.cluster;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code cluster:} section of {@code nxs.yaml} (SPEC CL1). Off by default: a single node runs
 * exactly as without the module and loads none of Pekko.
 *
 * @param enabled whether this instance joins a cluster; default false
 * @param name the cluster's name: a node with another name is refused when it tries to join;
 *     default {@code nxs}
 * @param nodeId this instance's id, unique in the cluster; default the host name
 * @param bind {@code host:port} Pekko's transport (Artery TCP) listens on; default {@code
 *     127.0.0.1:25520}; port 0 picks a free one
 * @param advertise {@code host:port} the others reach this node at, when it differs from {@code
 *     bind} (NAT, containers); default {@code bind}
 * @param seeds {@code host:port} of the nodes to join (static discovery); the first seed starts the
 *     cluster when it finds no other; default none (this node starts a cluster of its own)
 * @param discovery {@code static} (the seeds), {@code dns} (the addresses of {@code dns_name}, e.g.
 *     a mesh-VPN name) or {@code kubernetes} (the addresses of a headless Service's {@code
 *     dns_name}); default static
 * @param dnsName the name {@code dns} and {@code kubernetes} discovery resolve
 * @param region this instance's region, e.g. {@code eu-west}; default none
 * @param nearbyRegions regions to route to, nearest first, when this region has no healthy peer
 * @param roles roles, e.g. {@code witness} (settles ties, takes no work)
 * @param weight this node's weight when the two sides of a split have as many nodes; default 1
 * @param splitBrain how a split is settled
 * @param heartbeat how often this node reports its figures to the others; default 1s
 * @param acceptablePause how long a silent node is still reachable (Pekko's failure detector);
 *     default 3s, which rides out a 2 s GC pause
 * @param rebalanceInterval how often queues are compared for rebalancing; default 30s
 * @param maxQueue the queue length at which the queue term of the score is 0; default 100
 * @param workers how many tasks this node runs at once; the others wait in its queue; default 4
 * @param agentService the Doctor-supervised service that is the agent (its chat channels): started
 *     on the holder of the agent lease only, stopped the moment the lease is lost; default {@code
 *     openclaw}
 * @param apiUrl where this node's HTTP API answers for the others (routing, CL7); default {@code
 *     http://<advertise host>:<server.port>}
 * @param tasks how long the task queue keeps finished tasks
 */
public record ClusterConfig(
    boolean enabled,
    String name,
    String nodeId,
    HostPort bind,
    HostPort advertise,
    List<HostPort> seeds,
    Discovery discovery,
    String dnsName,
    String region,
    List<String> nearbyRegions,
    List<String> roles,
    int weight,
    SplitBrain splitBrain,
    Duration heartbeat,
    Duration acceptablePause,
    Duration rebalanceInterval,
    int maxQueue,
    int workers,
    String agentService,
    String apiUrl,
    Tasks tasks) {

  /** The section as registered with the config loader. */
  public static final ConfigSection<ClusterConfig> SECTION =
      ConfigSection.of("cluster", ClusterConfig.class, ClusterConfig::defaults);

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  @JsonCreator
  public ClusterConfig(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("name") String name,
      @JsonProperty("node_id") String nodeId,
      @JsonProperty("bind") String bind,
      @JsonProperty("advertise") String advertise,
      @JsonProperty("seeds") List<String> seeds,
      @JsonProperty("discovery") String discovery,
      @JsonProperty("dns_name") String dnsName,
      @JsonProperty("region") String region,
      @JsonProperty("nearby_regions") List<String> nearbyRegions,
      @JsonProperty("roles") List<String> roles,
      @JsonProperty("weight") Integer weight,
      @JsonProperty("split_brain") SplitBrain splitBrain,
      @JsonProperty("heartbeat") Duration heartbeat,
      @JsonProperty("acceptable_pause") Duration acceptablePause,
      @JsonProperty("rebalance_interval") Duration rebalanceInterval,
      @JsonProperty("max_queue") Integer maxQueue,
      @JsonProperty("workers") Integer workers,
      @JsonProperty("agent_service") String agentService,
      @JsonProperty("api_url") String apiUrl,
      @JsonProperty("tasks") Tasks tasks) {
    this(
        enabled != null && enabled,
        name == null ? "nxs" : name,
        nodeId == null ? io.nxs.core.cluster.SingleNode.hostName() : nodeId,
        HostPort.parse("bind", bind == null ? "127.0.0.1:25520" : bind),
        advertise == null ? null : HostPort.parse("advertise", advertise),
        parseAll("seeds", seeds),
        Discovery.parse(discovery),
        dnsName,
        region == null ? "" : region,
        nearbyRegions == null ? List.of() : nearbyRegions,
        roles == null ? List.of() : roles,
        weight == null ? 1 : weight,
        splitBrain == null ? SplitBrain.DEFAULT : splitBrain,
        heartbeat == null ? Duration.ofSeconds(1) : heartbeat,
        acceptablePause == null ? Duration.ofSeconds(3) : acceptablePause,
        rebalanceInterval == null ? Duration.ofSeconds(30) : rebalanceInterval,
        maxQueue == null ? 100 : maxQueue,
        workers == null ? 4 : workers,
        agentService == null ? "openclaw" : agentService,
        apiUrl == null ? "" : apiUrl,
        tasks == null ? Tasks.DEFAULT : tasks);
  }

  public ClusterConfig {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be lower-case letters, digits and '-', but was '" + name + "'");
    }
    if (!NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException(
          "node_id must be 1-63 letters, digits, '.', '_' or '-', but was '" + nodeId + "'");
    }
    advertise = advertise == null ? bind : advertise;
    seeds = List.copyOf(seeds);
    if ((discovery == Discovery.DNS || discovery == Discovery.KUBERNETES)
        && (dnsName == null || dnsName.isBlank())) {
      throw new IllegalArgumentException(
          "discovery: "
              + discovery.name().toLowerCase(Locale.ROOT)
              + " needs dns_name, the name to resolve");
    }
    if (discovery == Discovery.STATIC && dnsName != null) {
      throw new IllegalArgumentException(
          "dns_name is read only with discovery: dns or kubernetes, but discovery is static");
    }
    nearbyRegions = List.copyOf(nearbyRegions);
    for (String role : roles) {
      if (role == null || !ROLE.matcher(role).matches()) {
        throw new IllegalArgumentException(
            "roles must be lower-case words like 'witness', but one was '" + role + "'");
      }
    }
    roles = List.copyOf(roles);
    if (weight < 1 || weight > 100) {
      throw new IllegalArgumentException("weight must be in [1, 100], but was " + weight);
    }
    requireWithin("heartbeat", heartbeat, Duration.ofMillis(100), Duration.ofSeconds(30));
    requireWithin(
        "acceptable_pause", acceptablePause, Duration.ofMillis(500), Duration.ofMinutes(5));
    requireWithin(
        "rebalance_interval", rebalanceInterval, Duration.ofSeconds(1), Duration.ofHours(1));
    if (maxQueue < 1) {
      throw new IllegalArgumentException("max_queue must be at least 1, but was " + maxQueue);
    }
    if (agentService.isBlank()) {
      throw new IllegalArgumentException(
          "agent_service must name a supervised service, e.g. openclaw");
    }
    if (workers < 1 || workers > 256) {
      throw new IllegalArgumentException("workers must be in [1, 256], but was " + workers);
    }
    if (!apiUrl.isEmpty() && !apiUrl.matches("https?://[^\\s/]+(/\\S*)?")) {
      throw new IllegalArgumentException(
          "api_url must be an http(s) URL like http://10.0.0.2:8787, but was '" + apiUrl + "'");
    }
  }

  /** Defaults: disabled. */
  public static ClusterConfig defaults() {
    return new ClusterConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null);
  }

  /** Whether this node only settles ties and takes no work. */
  public boolean witness() {
    return roles.contains("witness");
  }

  private static void requireWithin(String key, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          key
              + " must be in ["
              + Durations.format(min)
              + ", "
              + Durations.format(max)
              + "], but was "
              + Durations.format(value));
    }
  }

  private static List<HostPort> parseAll(String key, List<String> values) {
    List<HostPort> parsed = new ArrayList<>();
    if (values != null) {
      for (int i = 0; i < values.size(); i++) {
        parsed.add(HostPort.parse(key + "[" + i + "]", values.get(i)));
      }
    }
    return parsed;
  }

  /**
   * The task queue's retention (the {@code tasks:} subsection).
   *
   * <p>A finished task's record is what deduplicates its id: while it is kept, a submit of the same
   * id answers the finished task's status and runs nothing. Once it is older than {@code
   * keep_finished} the coordinator removes it, and a submit of that id afterwards is a new task
   * that runs again. A node cut off for longer than the retention may therefore, on heal, bring
   * back an id the others have forgotten: a copy it rewrote during the split returns as the
   * finished record it was (and is pruned again); a submit of it, through that node or a client
   * retrying late, is new. Keep the retention above the longest split and the longest client retry
   * expected.
   *
   * @param keepFinished how long a DONE or FAILED task stays in the shared map after it finished;
   *     default 24h, in [1m, 90d]
   */
  public record Tasks(@JsonProperty("keep_finished") Duration keepFinished) {

    static final Tasks DEFAULT = new Tasks(null);

    public Tasks {
      keepFinished = keepFinished == null ? Duration.ofHours(24) : keepFinished;
      requireWithin(
          "tasks.keep_finished", keepFinished, Duration.ofMinutes(1), Duration.ofDays(90));
    }
  }

  /** How nodes find each other. */
  public enum Discovery {
    STATIC,
    DNS,
    KUBERNETES;

    static Discovery parse(String text) {
      if (text == null) {
        return STATIC;
      }
      return switch (text) {
        case "static" -> STATIC;
        case "dns" -> DNS;
        case "kubernetes" -> KUBERNETES;
        default ->
            throw new IllegalArgumentException(
                "discovery must be one of static, dns, kubernetes, but was '" + text + "'");
      };
    }
  }

  /**
   * A {@code host:port} address.
   *
   * @param host a host name or IP address
   * @param port a TCP port, 0 for any free one
   */
  public record HostPort(String host, int port) {
    public HostPort {
      if (host == null || host.isBlank() || host.contains(" ") || host.contains("/")) {
        throw new IllegalArgumentException(
            "host must be a host name or address, but was '" + host + "'");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], but was " + port);
      }
    }

    /**
     * Parses {@code host:port} (an IPv6 address in brackets, {@code [::1]:25520}).
     *
     * @throws IllegalArgumentException naming the key and quoting the text
     */
    public static HostPort parse(String key, String text) {
      int colon = text == null ? -1 : text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException(
            key + " must be host:port like 10.0.0.2:25520, but was '" + text + "'");
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            key + " must be host:port like 10.0.0.2:25520, but was '" + text + "'", e);
      }
      try {
        return new HostPort(host, port);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
      }
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * How a split is settled (Pekko's Split Brain Resolver, configured explicitly).
   *
   * @param strategy {@code keep-majority} (default) or {@code static-quorum}
   * @param quorumSize static-quorum: how many nodes a side needs to keep running
   * @param stableAfter how long membership must be stable before a decision; default 5s
   */
  public record SplitBrain(Strategy strategy, int quorumSize, Duration stableAfter) {

    static final SplitBrain DEFAULT =
        new SplitBrain(Strategy.KEEP_MAJORITY, 0, Duration.ofSeconds(5));

    @JsonCreator
    public SplitBrain(
        @JsonProperty("strategy") String strategy,
        @JsonProperty("quorum_size") Integer quorumSize,
        @JsonProperty("stable_after") Duration stableAfter) {
      this(
          Strategy.parse(strategy),
          quorumSize == null ? 0 : quorumSize,
          stableAfter == null ? Duration.ofSeconds(5) : stableAfter);
    }

    public SplitBrain {
      if (strategy == Strategy.STATIC_QUORUM && quorumSize < 1) {
        throw new IllegalArgumentException("static-quorum needs quorum_size, at least 1");
      }
      if (strategy == Strategy.KEEP_MAJORITY && quorumSize != 0) {
        throw new IllegalArgumentException("quorum_size is read only with strategy: static-quorum");
      }
      requireWithin("stable_after", stableAfter, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    /** A strategy of Pekko's Split Brain Resolver. */
    public enum Strategy {
      KEEP_MAJORITY("keep-majority"),
      STATIC_QUORUM("static-quorum");

      private final String pekkoName;

      Strategy(String pekkoName) {
        this.pekkoName = pekkoName;
      }

      /** The name Pekko's configuration uses. */
      public String pekkoName() {
        return pekkoName;
      }

      static Strategy parse(String text) {
        if (text == null) {
          return KEEP_MAJORITY;
        }
        for (Strategy s : values()) {
          if (s.pekkoName.equals(text)) {
            return s;
          }
        }
        throw new IllegalArgumentException(
            "strategy must be keep-majority or static-quorum, but was '" + text + "'");
      }
    }
  }
}
