package io.nxs.session;

import io.micrometer.core.instrument.Gauge;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.ext.ServiceControl;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import io.nxs.core.openclaw.OpenClaw;
import io.nxs.core.openclaw.OpenClawConfig;
import io.nxs.session.migrate.Migrations;
import io.nxs.session.store.OpenClawTools;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenClaw's sessions in the daemon (SPEC SE1-SE4): {@code /api/v1/sessions} (list, export,
 * import), live migration to and from other NXS daemons ({@code /api/v1/migrations}), the fence as
 * a {@link io.nxs.core.ext.PrimaryGuard}, and gauges for the dashboard. Migrations a restart
 * interrupted resume when the module starts.
 */
public final class SessionModule implements NxsModule {

  private final Map<String, String> env;
  private Sessions sessions;
  private Migrations migrations;
  private Sessions.GatewayControl gateway;

  /** The module the daemon runs: OpenClaw's CLI gets this process's environment. */
  public SessionModule() {
    this(System.getenv());
  }

  /** A module whose OpenClaw CLI runs get {@code env} (tests: a temporary HOME). */
  public SessionModule(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String name() {
    return "session";
  }

  @Override
  public List<ConfigSection<?>> configSections() {
    return List.of(SessionConfig.SECTION);
  }

  @Override
  public List<String> migrationFolders() {
    return List.of("session");
  }

  @Override
  public void start(ModuleContext ctx) {
    ctx.store().migrate("session");
    SessionConfig config = ctx.config().section(SessionConfig.SECTION);
    OpenClaw openclaw = OpenClaw.of(ctx.config().section(OpenClawConfig.SECTION), env);
    OpenClawTools tools = new OpenClawTools(openclaw, config.commandTimeout());
    Path staging = ctx.home().resolve(config.staging());
    sessions = new Sessions(tools, config, staging, ctx.audit(), ctx.clock());
    migrations =
        new Migrations(
            ctx.store(),
            config,
            tools,
            staging,
            ctx.clock(),
            ctx.audit(),
            ctx.events(),
            ctx.extensions(),
            instanceName());
    ctx.extensions().primaryGuards().register(migrations.fence());
    gateway =
        reason -> {
          Optional<ServiceControl> control = ctx.extensions().serviceControls().find("openclaw");
          if (control.isPresent()) {
            if (!control.get().stop(reason).success() && control.get().running()) {
              throw new SessionException(
                  "OpenClaw's gateway runs and the Doctor could not stop it: stop it, then import");
            }
          }
        };
    Gauge.builder("nxs_session_fenced", migrations, m -> m.fenced().isPresent() ? 1 : 0)
        .description("1 while this instance is fenced after handing its agent to another")
        .register(ctx.metrics());
    Gauge.builder(
            "nxs_session_migrations_running",
            migrations,
            m -> m.all().stream().filter(r -> !r.typedState().terminal()).count())
        .description("Migrations in progress, either role")
        .register(ctx.metrics());
    migrations.resumeAll();
  }

  private static String instanceName() {
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "nxs";
    }
  }

  /** The offline operations, once started. */
  public Sessions sessions() {
    return sessions;
  }

  /** The migrations, once started. */
  public Migrations migrations() {
    return migrations;
  }

  @Override
  public List<HttpRoutes> routes() {
    return List.of(new SessionRoutes(sessions, migrations, gateway));
  }

  @Override
  public void close() {
    // Migration threads are virtual and every step is persisted: a stopping daemon leaves them to
    // be resumed at the next start.
  }
}
