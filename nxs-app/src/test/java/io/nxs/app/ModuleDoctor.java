package io.nxs.app;

import io.nxs.core.audit.AuditTrail;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.Extensions;
import io.nxs.core.ext.MetricSource;
import io.nxs.core.ext.RuleSource;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.Doctor;
import io.nxs.doctor.config.DoctorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A real Doctor (10 s interval) that reads one module's figures and rules, wired as the daemon
 * wires them: the module's metric and rule sources as extensions, its rules in the home's {@code
 * rules/} folder.
 */
public final class ModuleDoctor {

  private ModuleDoctor() {}

  public static Doctor of(
      Path home,
      StateStore state,
      AuditTrail audit,
      Clock clock,
      MetricSource figures,
      RuleSource rules)
      throws IOException {
    Extensions extensions = new Extensions();
    extensions.metricSources().register(figures);
    extensions.ruleSources().register(rules);
    Files.createDirectories(home.resolve("rules"));
    Files.writeString(home.resolve("rules/" + rules.name() + ".yaml"), rules.rulesYaml());
    return Doctor.builder(
            DoctorConfig.defaults().withInterval(Duration.ofSeconds(10)), state, audit, clock)
        .home(home)
        .events(new EventBus())
        .extensions(extensions)
        .build();
  }
}
