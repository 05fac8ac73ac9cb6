package io.nxs.core.openclaw;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The {@code openclaw:} section of {@code nxs.yaml}: where the OpenClaw agent NXS looks after
 * lives. Every module that touches OpenClaw (Doctor, vault, sync, session) reads it through {@link
 * OpenClaw}, never through keys of its own.
 *
 * @param home OpenClaw's state directory; default {@code ~/.openclaw}; {@code ~} is the user's home
 *     directory; must be absolute after that
 * @param command how to run the {@code openclaw} CLI, as argv words; default {@code [openclaw]}
 *     (found on {@code PATH}). In YAML either a string, split on whitespace ({@code "node
 *     /opt/openclaw/openclaw.mjs"}), or a list of words (for a path containing spaces)
 * @param gatewayUrl the base URL of OpenClaw's gateway; default {@code http://127.0.0.1:18789}
 *     (OpenClaw's default port); http or https, no path, query or fragment
 */
public record OpenClawConfig(Path home, List<String> command, URI gatewayUrl) {

  public static final ConfigSection<OpenClawConfig> SECTION =
      ConfigSection.of("openclaw", OpenClawConfig.class, OpenClawConfig::defaults);

  /** OpenClaw's own default state directory, before {@code ~} is expanded. */
  public static final String DEFAULT_HOME = "~/.openclaw";

  /** OpenClaw's default gateway URL (port 18789, loopback). */
  public static final String DEFAULT_GATEWAY_URL = "http://127.0.0.1:18789";

  @JsonCreator
  static OpenClawConfig fromYaml(
      @JsonProperty("home") String home,
      @JsonProperty("command") Object command,
      @JsonProperty("gateway_url") String gatewayUrl) {
    return new OpenClawConfig(
        expandHome(home == null ? DEFAULT_HOME : home, System.getProperty("user.home")),
        command == null ? List.of("openclaw") : words(command),
        gatewayUrl(gatewayUrl == null ? DEFAULT_GATEWAY_URL : gatewayUrl));
  }

  /** Every default: {@code ~/.openclaw}, {@code openclaw}, {@code http://127.0.0.1:18789}. */
  public static OpenClawConfig defaults() {
    return fromYaml(null, null, null);
  }

  public OpenClawConfig {
    if (home == null || !home.isAbsolute()) {
      throw new IllegalArgumentException(
          "home must be an absolute path or start with ~/, but was '" + home + "'");
    }
    home = home.normalize();
    command = List.copyOf(command);
    if (command.isEmpty() || command.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(
          "command must name the openclaw CLI (e.g. openclaw or /usr/bin/node /opt/openclaw.mjs),"
              + " but was "
              + command);
    }
    String scheme = gatewayUrl.getScheme() == null ? "" : gatewayUrl.getScheme();
    if (!scheme.equals("http") && !scheme.equals("https") || gatewayUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "gateway_url must be an http(s) URL with a host, but was '" + gatewayUrl + "'");
    }
    String path = gatewayUrl.getRawPath() == null ? "" : gatewayUrl.getRawPath();
    if (!(path.isEmpty() || path.equals("/"))
        || gatewayUrl.getRawQuery() != null
        || gatewayUrl.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "gateway_url must be a base URL without path, query or fragment, but was '"
              + gatewayUrl
              + "'");
    }
    gatewayUrl = URI.create(scheme + "://" + gatewayUrl.getRawAuthority());
  }

  /** {@code ~} and {@code ~/x} against {@code userHome}; anything else as written. */
  static Path expandHome(String configured, String userHome) {
    String trimmed = configured.strip();
    if (trimmed.equals("~")) {
      return Path.of(userHome);
    }
    if (trimmed.startsWith("~/")) {
      return Path.of(userHome, trimmed.substring(2));
    }
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("home must not be empty");
    }
    return Path.of(trimmed);
  }

  private static List<String> words(Object command) {
    List<String> words = new ArrayList<>();
    if (command instanceof String s) {
      for (String w : s.strip().split("\\s+")) {
        if (!w.isEmpty()) {
          words.add(w);
        }
      }
    } else if (command instanceof Collection<?> list) {
      for (Object o : list) {
        if (!(o instanceof String || o instanceof Number)) {
          throw new IllegalArgumentException(
              "command must be a string or a list of strings, but had the item " + o);
        }
        words.add(o.toString());
      }
    } else {
      throw new IllegalArgumentException(
          "command must be a string or a list of strings, but was " + command);
    }
    return words;
  }

  private static URI gatewayUrl(String value) {
    try {
      return new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "gateway_url must be an http(s) URL, but was '" + value + "': " + e.getReason());
    }
  }
}
