package io.nxs.app.cli;

import io.nxs.app.ConfigCheck;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nxs config}: configuration tools. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Configuration tools.",
    subcommands = ConfigCommand.Check.class)
final class ConfigCommand extends CommandGroup {

  /** {@code nxs config check [FILE]}. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Validate a configuration file without starting NXS.",
        "Exit 0 when valid, 2 with file:line:column and the reason when not."
      })
  static final class Check implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "default: nxs.yaml in the home")
    Path file;

    @Override
    public Integer call() {
      GlobalOptions global = Commands.global(spec);
      Path target = file != null ? file : global.home().config();
      ConfigCheck.check(target, global.env);
      if (global.json()) {
        Commands.printJson(spec, Map.of("file", target.toString(), "valid", true));
      } else {
        Commands.out(spec).println(target + ": valid");
      }
      return ExitCode.OK;
    }
  }
}
