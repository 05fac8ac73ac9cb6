package io.nxs.app.cli;

import io.nxs.core.lockdown.Lockdown;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nxs lockdown on|off|status} (SEC5): while lockdown is on, every admin route is refused
 * except to the owner key ({@code keys/admin.key}); the agents' gateway keeps working unless {@code
 * --agents}. Written to the home's state, so it works with the daemon running (which follows within
 * 2 seconds) or stopped, and survives restarts.
 */
@Command(
    name = "lockdown",
    mixinStandardHelpOptions = true,
    description = {
      "Lockdown mode: admin routes only for the owner key (keys/admin.key in the NXS home).",
      "Works with the daemon running or stopped; a running daemon follows within 2 seconds."
    },
    subcommands = {
      LockdownCommand.On.class,
      LockdownCommand.Off.class,
      LockdownCommand.Status.class
    })
final class LockdownCommand extends CommandGroup {

  @Command(
      name = "on",
      mixinStandardHelpOptions = true,
      description = {
        "Enter lockdown: every admin route is refused (403 lockdown) except to the owner key.",
        "Reads and the agents' /v1/* keep working unless --agents."
      })
  static final class On implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "why (one line)")
    String reason;

    @Option(names = "--agents", description = "lock the agents' /v1/* too (the agent stops)")
    boolean agents;

    @Override
    public Integer call() {
      Clock clock = Commands.clock(spec);
      try (OfflineHome home = OfflineHome.open(Commands.global(spec), clock)) {
        print(spec, home.lockdown(clock).enter(reason, agents, "cli"));
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "off", mixinStandardHelpOptions = true, description = "Lift lockdown.")
  static final class Off implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "why (one line)")
    String reason;

    @Override
    public Integer call() {
      Clock clock = Commands.clock(spec);
      try (OfflineHome home = OfflineHome.open(Commands.global(spec), clock)) {
        print(spec, home.lockdown(clock).lift(reason, "cli"));
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Whether lockdown is on; exit 1 when it is.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Clock clock = Commands.clock(spec);
      try (OfflineHome home = OfflineHome.open(Commands.global(spec), clock)) {
        Lockdown.State state = home.lockdown(clock).state();
        print(spec, state);
        return state.on() ? ExitCode.PROBLEM : ExitCode.OK;
      }
    }
  }

  private static void print(CommandSpec spec, Lockdown.State s) {
    if (Commands.global(spec).json()) {
      Commands.printJson(spec, s.view());
      return;
    }
    PrintWriter out = Commands.out(spec);
    if (s.on()) {
      out.println(
          "LOCKDOWN since "
              + s.since()
              + " by "
              + s.actor()
              + ": "
              + s.reason()
              + (s.agents() ? " (agents locked too)" : " (agents working)"));
      out.println("admin routes are refused except to the owner key (keys/admin.key)");
    } else if (s.since() == null) {
      out.println("lockdown off (never entered)");
    } else {
      out.println("lockdown off since " + s.since() + " by " + s.actor() + ": " + s.reason());
    }
    out.flush();
  }
}
