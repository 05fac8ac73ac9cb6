package io.nxs.session.migrate;

import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.Extensions;
import io.nxs.core.ext.HealingAction;
import io.nxs.core.ext.ServiceControl;
import io.nxs.core.http.LazyHttpClient;
import io.nxs.session.MigrationEvent;
import io.nxs.session.SessionConfig;
import io.nxs.session.restore.StoreImporter;
import io.nxs.session.store.OpenClawTools;
import io.nxs.session.transfer.SnapshotExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What both sides of a migration share: tables, OpenClaw's tools, the staging area, and the steps
 * every transition takes — persist, publish an event, and audit the ones an operator must find
 * later ({@code session.*}).
 */
final class MigrationContext {

  /** The name the Doctor registers its OpenClaw gateway control under. */
  static final String OPENCLAW_SERVICE = "openclaw";

  // Built at the first probe: a JDK HttpClient sets up TLS when it is made (LazyHttpClient).
  private static final HttpClient PROBE = LazyHttpClient.http11(Duration.ofSeconds(3));

  final MigrationStore store;
  final SessionConfig config;
  final OpenClawTools tools;
  final SnapshotExporter exporter;
  final StoreImporter importer;
  final Path staging;
  final Clock clock;
  final AuditTrail audit;
  final EventBus events;
  final Extensions extensions;
  final String instance;

  MigrationContext(
      MigrationStore store,
      SessionConfig config,
      OpenClawTools tools,
      Path staging,
      Clock clock,
      AuditTrail audit,
      EventBus events,
      Extensions extensions,
      String instance) {
    this.store = store;
    this.config = config;
    this.tools = tools;
    this.exporter = new SnapshotExporter(tools, config.zones(), clock);
    this.importer = new StoreImporter(tools, config.zones(), clock);
    this.staging = staging;
    this.clock = clock;
    this.audit = audit;
    this.events = events;
    this.extensions = extensions;
    this.instance = instance;
  }

  /** Moves a migration, publishes the move, and audits it. */
  MigrationRecord transition(String id, String role, MigrationState next) {
    MigrationRecord r = store.transition(id, role, next);
    publish(r);
    Severity severity =
        next instanceof MigrationState.Failed
            ? Severity.HIGH
            : next instanceof MigrationState.Active ? Severity.MEDIUM : Severity.INFO;
    Map<String, Object> details = new java.util.LinkedHashMap<>();
    details.put("id", id);
    details.put("role", role);
    details.put("state", next.name());
    if (next instanceof MigrationState.Failed f) {
      details.put("failed_in", f.step());
      details.put("reason", f.reason());
    }
    audit.append(
        new AuditEvent(
            "session.migration." + next.name().toLowerCase(java.util.Locale.ROOT),
            severity,
            instance,
            r.peer(),
            details));
    return r;
  }

  void publish(MigrationRecord r) {
    events.publish(
        new MigrationEvent(
            clock.instant(),
            r.id(),
            r.role(),
            r.state(),
            r.bytesDone(),
            r.bytesTotal(),
            r.reason()));
  }

  void audit(String type, Severity severity, String target, Map<String, Object> details) {
    audit.append(new AuditEvent(type, severity, instance, target, details));
  }

  /** The Doctor's control of the local OpenClaw gateway, when registered. */
  Optional<ServiceControl> gatewayControl() {
    return extensions.serviceControls().find(OPENCLAW_SERVICE);
  }

  /** Whether the local OpenClaw gateway answers its liveness probe. */
  boolean gatewayAnswers() {
    URI health = tools.port().healthUrl();
    try {
      HttpResponse<Void> r =
          PROBE.send(
              HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Stops the local gateway so nothing writes OpenClaw's stores: through the Doctor's service
   * control when there is one, else OpenClaw's own {@code gateway stop}.
   *
   * @return empty when it is stopped (or was not running), else why it still runs
   */
  Optional<String> stopGateway(String reason) {
    Optional<ServiceControl> control = gatewayControl();
    if (control.isPresent()) {
      // The Doctor holds the service stopped (no healing restarts it) but stops only a gateway it
      // launched itself: one started by hand or by another supervisor is stopped below.
      HealingAction.Outcome outcome = control.get().stop(reason);
      if (!control.get().running()) {
        return Optional.empty();
      }
      if (!outcome.success()) {
        return Optional.of("the Doctor could not stop OpenClaw's gateway: " + outcome.detail());
      }
    }
    if (!gatewayAnswers()) {
      return Optional.empty();
    }
    tools.stopGateway();
    if (gatewayAnswers()) {
      return Optional.of(
          "OpenClaw's gateway at "
              + tools.port().gatewayUrl()
              + " still runs and no service control can stop it: configure the Doctor's openclaw"
              + " service, or stop the gateway yourself, then resume");
    }
    return Optional.empty();
  }

  /** Starts the local gateway through the Doctor's service control (which asks every guard). */
  Optional<String> startGateway(String reason) {
    return gatewayControl()
        .map(c -> c.start(reason))
        .filter(o -> !o.success())
        .map(HealingAction.Outcome::detail);
  }

  Duration commandTimeout() {
    return config.commandTimeout();
  }
}
