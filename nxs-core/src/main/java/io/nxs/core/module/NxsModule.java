package io.nxs.core.module;

import io.nxs.core.config.ConfigSection;
import io.nxs.core.http.HttpRoutes;
import java.util.List;

/**
 * A capability the daemon runs: the gateway, the Doctor, the vault. The application creates each
 * module with its no-argument constructor, gathers every module's config sections before loading
 * {@code nxs.yaml}, starts the modules in order, collects their routes, then starts the HTTP
 * server. Modules never see each other; they meet through {@link io.nxs.core.ext.Extensions} and
 * the event bus.
 */
public interface NxsModule extends AutoCloseable {

  /** Lower-case module name, e.g. {@code gateway}; also its readiness-check name. */
  String name();

  /** The top-level {@code nxs.yaml} sections this module reads. */
  List<ConfigSection<?>> configSections();

  /**
   * Does ahead the start-up work that needs neither the configuration nor the context, such as
   * parsing and compiling resources the module ships. The daemon calls it once on a background
   * thread as it starts, while the configuration loads and the kernel opens, possibly while {@link
   * #start} already runs: what it computes must be kept where {@code start} finds it or, when it is
   * not done yet, waits for it (a synchronized memo), and {@code start} must not depend on it
   * having run. A failure here is left for {@code start} to meet and report. Does nothing by
   * default.
   */
  default void prepare() {}

  /**
   * The migration folders ({@code db/<name>}, see {@link io.nxs.core.state.StateStore#migrate})
   * this module's {@link #start} migrates whatever the configuration says. The daemon migrates them
   * in one pass with the kernel's tables, on the thread that opens the state store while the
   * configuration loads, so the module's own {@code store.migrate} in {@code start} finds them done
   * and returns at once. A folder migrated only under some configuration (the cluster's, only when
   * the cluster is enabled) is not listed here: its {@code start} migrates it, so a module that is
   * off creates no tables. Empty by default.
   */
  default List<String> migrationFolders() {
    return List.of();
  }

  /**
   * Starts the module: migrate tables, read config, register extensions, schedule work.
   *
   * @throws io.nxs.core.NxsException when it cannot start; the daemon then stops with its message
   */
  void start(ModuleContext context);

  /**
   * Called once the daemon serves (the HTTP server is up and {@code /readyz} answers), a moment
   * later (two seconds) so that the first requests do not compete with it either: the place to
   * begin background work that may wait until then, so it does not compete with the start for the
   * CPU; never called when the daemon closes first. Never called when a module runs outside the
   * daemon, so such work must also begin on its own when first needed, and a readiness check must
   * not report as done what has not run. Does nothing by default.
   */
  default void serving() {}

  /** The module's HTTP routes; called after {@link #start}. */
  List<io.nxs.core.http.HttpRoutes> routes();

  /** Stops background work and releases resources; must be safe to call twice. */
  @Override
  void close();

  /** Convenience for modules without routes. */
  static List<HttpRoutes> noRoutes() {
    return List.of();
  }
}
