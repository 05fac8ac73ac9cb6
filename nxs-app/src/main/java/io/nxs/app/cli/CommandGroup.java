package io.nxs.app.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands: run alone, it prints its usage. */
abstract class CommandGroup implements Callable<Integer> {

  @Spec CommandSpec spec;

  /**
   * The subcommands {@link Cli} adds, in the order help lists them: only the one a command line
   * names, or all for help and unknown names (picocli builds each one's model by reflection: {@code
   * nxs backup list} built all nine of {@code backup}'s, 16 % of its CPU). Empty for a group whose
   * annotation lists them.
   */
  List<Class<?>> subcommands() {
    return List.of();
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(Commands.out(spec));
    return ExitCode.OK;
  }
}
