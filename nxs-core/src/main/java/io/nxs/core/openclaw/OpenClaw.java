package io.nxs.core.openclaw;

import io.nxs.core.config.NxsConfig;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * The port every module that touches OpenClaw uses (Doctor, vault, sync, session): the {@code
 * openclaw:} section resolved into OpenClaw's file layout, its gateway's URLs and a runner for its
 * CLI. One place knows where OpenClaw keeps things; modules do not re-derive it.
 *
 * <pre>{@code
 * OpenClaw openclaw = OpenClaw.from(ctx.config());
 * Path workspace = openclaw.layout().workspace();
 * CliResult r = openclaw.cli().run(Duration.ofMinutes(2), "sessions", "list", "--json");
 * }</pre>
 *
 * @param config the bound section
 * @param layout where OpenClaw keeps its files under {@code config.home()}
 * @param cli the runner for {@code config.command()} against that home
 */
public record OpenClaw(OpenClawConfig config, OpenClawLayout layout, OpenClawCli cli) {

  public OpenClaw {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(cli, "cli");
  }

  /**
   * The port for a loaded configuration, its CLI runs starting from this process's environment.
   *
   * @throws IllegalArgumentException when the {@code openclaw} section was not registered with the
   *     loader (the daemon's loader always registers it)
   */
  public static OpenClaw from(NxsConfig config) {
    return of(config.section(OpenClawConfig.SECTION), System.getenv());
  }

  /** The port for a section value, its CLI runs starting from {@code env}. */
  public static OpenClaw of(OpenClawConfig config, Map<String, String> env) {
    return new OpenClaw(
        config,
        new OpenClawLayout(config.home()),
        OpenClawCli.of(config.command(), config.home(), env));
  }

  /** The gateway's base URL ({@code openclaw.gateway_url}). */
  public URI gatewayUrl() {
    return config.gatewayUrl();
  }

  /**
   * {@code /healthz}: 200 while the gateway process serves HTTP (liveness). Probe it over HTTP/1.1:
   * the gateway answers an {@code Upgrade: h2c} request with 400.
   */
  public URI healthUrl() {
    return gatewayUrl().resolve("/healthz");
  }

  /** {@code /readyz}: 200 when the gateway admits traffic (agents and channels ready), else 503. */
  public URI readyUrl() {
    return gatewayUrl().resolve("/readyz");
  }

  /** {@code /startupz}: 200 {@code started}, 503 while starting or draining. */
  public URI startupUrl() {
    return gatewayUrl().resolve("/startupz");
  }
}
