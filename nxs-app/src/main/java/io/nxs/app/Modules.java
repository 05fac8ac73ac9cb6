package io.nxs.app;

import io.nxs.audit.AuditConfig;
import io.nxs.cluster.ClusterModule;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.module.NxsModule;
import io.nxs.core.openclaw.OpenClawConfig;
import io.nxs.doctor.DoctorModule;
import io.nxs.gateway.GatewayModule;
import io.nxs.rollout.drill.DrillModule;
import io.nxs.rollout.release.ReleaseConfig;
import io.nxs.score.ScoreModule;
import io.nxs.session.SessionModule;
import io.nxs.sync.SyncModule;
import io.nxs.vault.VaultModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The capability modules this build of NXS runs, and the configuration they read. */
final class Modules {

  private Modules() {}

  /**
   * Fresh instances of every capability module, in start order: the cluster first, so the others
   * find its ports (membership, lease, shared breakers, tasks) from the start; the Doctor last, so
   * the healing actions and health sources the others register are there when it starts watching.
   */
  static List<NxsModule> create() {
    List<NxsModule> modules = new ArrayList<>();
    modules.add(new ClusterModule());
    modules.add(new GatewayModule());
    modules.add(new VaultModule());
    modules.add(new SessionModule());
    modules.add(new SyncModule());
    modules.add(new ScoreModule());
    modules.add(new io.nxs.rollout.fleet.RolloutModule());
    modules.add(new DrillModule(ThisBuild.command(), NxsHome.defaultConfig()));
    modules.add(new DoctorModule());
    return modules;
  }

  /** A loader that knows the kernel's sections and every module's. */
  static ConfigLoader loader(List<NxsModule> modules, Map<String, String> env) {
    return new ConfigLoader(sections(modules), env);
  }

  /** The kernel's sections and every module's, in the loader's order. */
  static List<ConfigSection<?>> sections(List<NxsModule> modules) {
    List<ConfigSection<?>> sections = new ArrayList<>();
    sections.add(ServerConfig.SECTION);
    sections.add(AuditConfig.SECTION);
    sections.add(OpenClawConfig.SECTION);
    sections.add(ReleaseConfig.SECTION);
    for (NxsModule m : modules) {
      sections.addAll(m.configSections());
    }
    return sections;
  }
}
