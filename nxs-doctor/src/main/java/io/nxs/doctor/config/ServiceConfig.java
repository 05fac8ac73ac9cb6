package io.nxs.doctor.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One probed service under {@code doctor.services}: exactly one of {@code http}, {@code tcp},
 * {@code command} or {@code process}.
 *
 * @param name lower-case name; becomes {@code service.<name>.up} and the label {@code service}
 * @param http a URL: up when the status is 2xx/3xx (and the body matches {@code body_match})
 * @param tcp {@code HOST:PORT}: up when a connection opens
 * @param command a shell command: up when it exits 0
 * @param process a process name: up when a process of that name runs
 * @param restart a shell command that restarts the service (level-2 healing); optional
 * @param dependsOn names of services or components it depends on
 * @param bodyMatch a regular expression the HTTP body must contain; optional
 * @param timeout probe timeout; default 5s
 * @param http2 whether the HTTP probe may speak HTTP/2 (an {@code h2c} upgrade on plain http);
 *     default false: plain HTTP/1.1, which every server answers (OpenClaw's gateway answers an
 *     upgrade request with 400)
 */
public record ServiceConfig(
    String name,
    String http,
    String tcp,
    String command,
    String process,
    String restart,
    List<String> dependsOn,
    String bodyMatch,
    Duration timeout,
    Boolean http2) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");
  private static final Pattern HOST_PORT = Pattern.compile(".+:\\d{1,5}");

  @JsonCreator
  public ServiceConfig(
      @JsonProperty("name") String name,
      @JsonProperty("http") String http,
      @JsonProperty("tcp") String tcp,
      @JsonProperty("command") String command,
      @JsonProperty("process") String process,
      @JsonProperty("restart") String restart,
      @JsonProperty("depends_on") List<String> dependsOn,
      @JsonProperty("body_match") String bodyMatch,
      @JsonProperty("timeout") Duration timeout,
      @JsonProperty("http2") Boolean http2) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "service name must be lower case like 'api' or 'openclaw-gateway', but was '"
              + name
              + "'");
    }
    int kinds =
        (http != null ? 1 : 0)
            + (tcp != null ? 1 : 0)
            + (command != null ? 1 : 0)
            + (process != null ? 1 : 0);
    if (kinds != 1) {
      throw new IllegalArgumentException(
          "service '"
              + name
              + "' needs exactly one of http, tcp, command or process, but has "
              + kinds);
    }
    if (tcp != null && !HOST_PORT.matcher(tcp).matches()) {
      throw new IllegalArgumentException(
          "service '" + name + "': tcp must be HOST:PORT, but was '" + tcp + "'");
    }
    if (http != null && !(http.startsWith("http://") || http.startsWith("https://"))) {
      throw new IllegalArgumentException(
          "service '"
              + name
              + "': http must be an http:// or https:// URL, but was '"
              + http
              + "'");
    }
    if (bodyMatch != null) {
      Pattern.compile(bodyMatch);
    }
    this.name = name;
    this.http = http;
    this.tcp = tcp;
    this.command = command;
    this.process = process;
    this.restart = restart;
    this.dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    this.bodyMatch = bodyMatch;
    this.timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
    this.http2 = http2 != null && http2;
    if (this.timeout.isZero()
        || this.timeout.isNegative()
        || this.timeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(
          "service '"
              + name
              + "': timeout must be in (0s, 5m], but was "
              + Durations.format(this.timeout));
    }
  }

  /** A service probed over HTTP/1.1 (see {@code http2}). */
  public ServiceConfig(
      String name,
      String http,
      String tcp,
      String command,
      String process,
      String restart,
      List<String> dependsOn,
      String bodyMatch,
      Duration timeout) {
    this(name, http, tcp, command, process, restart, dependsOn, bodyMatch, timeout, (Boolean) null);
  }

  /** The probe kind: http, tcp, command or process. */
  public String kind() {
    return http != null ? "http" : tcp != null ? "tcp" : command != null ? "command" : "process";
  }

  /** What the probe checks, for messages. */
  public String target() {
    return http != null ? http : tcp != null ? tcp : command != null ? command : process;
  }
}
