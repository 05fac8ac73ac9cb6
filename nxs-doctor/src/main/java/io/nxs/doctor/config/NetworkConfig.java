package io.nxs.doctor.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code doctor.network}: what "the network works" means on this host.
 *
 * @param targets {@code HOST:PORT} endpoints whose TCP reachability and latency are measured
 * @param dnsNames names that must resolve
 * @param meshInterface the mesh VPN's interface (e.g. {@code tailscale0}); optional
 */
public record NetworkConfig(List<String> targets, List<String> dnsNames, String meshInterface) {

  @JsonCreator
  public NetworkConfig(
      @JsonProperty("targets") List<String> targets,
      @JsonProperty("dns_names") List<String> dnsNames,
      @JsonProperty("mesh_interface") String meshInterface) {
    this.targets = targets == null ? List.of() : List.copyOf(targets);
    this.dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
    this.meshInterface = meshInterface;
    for (String t : this.targets) {
      if (!t.matches(".+:\\d{1,5}")) {
        throw new IllegalArgumentException("network target must be HOST:PORT, but was '" + t + "'");
      }
    }
  }
}
