package io.nxs.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.log.Redaction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The optional {@code forwarding:} section (SPEC CL7): when this instance is part of a cluster and
 * none of its own providers can answer a request, the gateway hands it to another instance's {@code
 * /v1} API. Each instance it may forward to needs an API key made on that instance ({@code nxs key
 * create --name peer} there), given here by the instance's {@code cluster.node_id}:
 *
 * <pre>
 * forwarding:
 *   peer_keys:
 *     edge-2: ${NXS_PEER_KEY_EDGE_2}
 *     cloud-1: ${NXS_PEER_KEY_CLOUD_1}
 * </pre>
 *
 * <p>An instance with no key here is never forwarded to. Keys are secrets: they are registered for
 * redaction and never appear in logs or errors.
 *
 * @param enabled whether requests may be forwarded at all; default true (it does nothing without a
 *     cluster or without keys)
 * @param peerKeys the API key to present to each instance, by node id
 */
public record ForwardingConfig(boolean enabled, Map<String, String> peerKeys) {

  public static final ConfigSection<ForwardingConfig> SECTION =
      ConfigSection.of(
          "forwarding", ForwardingConfig.class, () -> new ForwardingConfig((Boolean) null, null));

  @JsonCreator
  public ForwardingConfig(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("peer_keys") Map<String, String> peerKeys) {
    this(enabled == null || enabled, checked(peerKeys));
  }

  public ForwardingConfig {
    peerKeys = Map.copyOf(peerKeys);
  }

  private static Map<String, String> checked(Map<String, String> keys) {
    Map<String, String> out = new LinkedHashMap<>();
    if (keys != null) {
      keys.forEach(
          (node, key) -> {
            String k = key == null ? "" : key.strip();
            if (!k.startsWith(ApiKeyStore.PREFIX)) {
              throw new IllegalArgumentException(
                  "peer_keys."
                      + node
                      + ": not an NXS API key (it starts with "
                      + ApiKeyStore.PREFIX
                      + "; make one on that instance with nxs key create)");
            }
            Redaction.register(k);
            out.put(node, k);
          });
    }
    return out;
  }

  /** The key to present to an instance, if one is configured. */
  public Optional<String> keyFor(String nodeId) {
    return Optional.ofNullable(peerKeys.get(nodeId));
  }
}
