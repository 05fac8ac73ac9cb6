package io.nxs.doctor.openclaw;

import io.nxs.core.openclaw.OpenClaw;
import io.nxs.core.openclaw.OpenClawCli;
import io.nxs.core.openclaw.OpenClawConfig;
import java.net.URI;
import java.util.List;

/**
 * The keys {@code doctor.openclaw.ready_url} and {@code doctor.openclaw.command}, from before the
 * core {@code openclaw:} section: still honoured over it, each with a one-line deprecation message
 * ({@link io.nxs.doctor.config.OpenClawConfig#deprecations()}).
 */
public final class Deprecated {

  private Deprecated() {}

  /** The port with the deprecated keys applied: {@code ready_url}'s base URL, its command. */
  public static OpenClaw apply(io.nxs.doctor.config.OpenClawConfig own, OpenClaw port) {
    if (own.readyUrl() == null && own.command() == null) {
      return port;
    }
    URI url = own.readyUrl() == null ? port.gatewayUrl() : URI.create(own.readyUrl()).resolve("/");
    List<String> command =
        own.command() == null
            ? port.config().command()
            : List.of(own.command().strip().split("\\s+"));
    OpenClawConfig merged = new OpenClawConfig(port.config().home(), command, url);
    return new OpenClaw(
        merged, port.layout(), OpenClawCli.of(command, merged.home(), port.cli().environment()));
  }
}
