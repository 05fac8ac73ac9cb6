package io.nxs.app.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nxs}: the root command. */
@Command(
    name = "nxs",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "NXS keeps a self-hosted AI agent alive: gateway, Doctor, vault, audit log.",
    subcommands = {
      ServeCommand.class,
      ConfigCommand.class,
      KeyCommand.class,
      StatusCommand.class,
      AuditCommand.class,
      ProviderCommand.class,
      DoctorCommand.class,
      BackupCommand.class,
      ClusterCommand.class
    })
public final class NxsCommand implements Callable<Integer> {

  @Mixin GlobalOptions global = new GlobalOptions();

  @Spec CommandSpec spec;

  NxsCommand(Map<String, String> env) {
    global.env = env;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCode.OK;
  }
}
