package io.nxs.core.http;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import java.time.Duration;

/**
 * The {@code server:} section of {@code nxs.yaml}.
 *
 * @param host address to listen on; default {@code 127.0.0.1} (SEC1: never the world by accident)
 * @param port TCP port, 0 picks a free one; default 8787
 * @param shutdownGrace how long a SIGTERM waits for in-flight requests; default 10s, at most 5m
 */
public record ServerConfig(String host, int port, Duration shutdownGrace) {

  public static final ConfigSection<ServerConfig> SECTION =
      ConfigSection.of("server", ServerConfig.class);

  @JsonCreator
  public ServerConfig(
      @JsonProperty("host") String host,
      @JsonProperty("port") Integer port,
      @JsonProperty("shutdown_grace") Duration shutdownGrace) {
    this(
        host == null ? "127.0.0.1" : host,
        port == null ? 8787 : port,
        shutdownGrace == null ? Duration.ofSeconds(10) : shutdownGrace);
  }

  public ServerConfig {
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], but was " + port);
    }
    if (shutdownGrace.isNegative() || shutdownGrace.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(
          "shutdown_grace must be in [0s, 5m], but was " + shutdownGrace.toSeconds() + "s");
    }
  }
}
