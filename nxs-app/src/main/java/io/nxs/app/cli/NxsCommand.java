package io.nxs.app.cli;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code nxs}: the root command. Its subcommands are {@link #SUBCOMMANDS}, added by {@link Cli}:
 * only the one a command line names (picocli builds a command's model by reflection, and building
 * all of them would cost every command the time of all), or all for help and unknown names.
 */
@Command(
    name = "nxs",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "NXS keeps a self-hosted AI agent alive: gateway, Doctor, vault, audit log.")
public final class NxsCommand implements Callable<Integer> {

  /** Every subcommand, in the order help lists them. */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          ServeCommand.class,
          StopCommand.class,
          ConfigCommand.class,
          KeyCommand.class,
          LockdownCommand.class,
          StatusCommand.class,
          AuditCommand.class,
          ProviderCommand.class,
          DoctorCommand.class,
          BackupCommand.class,
          ReleaseCommand.class,
          UpgradeCommand.class,
          BootstrapCommand.class,
          DrillCommand.class,
          RolloutCommand.class,
          SessionCommand.class,
          ClusterCommand.class,
          SyncCommand.class,
          ScoreCommand.class);

  @Mixin GlobalOptions global = new GlobalOptions();

  @Spec CommandSpec spec;

  NxsCommand(Map<String, String> env, Clock clock) {
    global.env = env;
    global.clock = clock;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCode.OK;
  }
}
