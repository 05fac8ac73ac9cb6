package io.nxs.doctor.heal;

import io.nxs.core.ext.HealingAction;
import io.nxs.doctor.command.ShellCommand;
import java.time.Duration;
import java.util.function.Function;

/**
 * A healing action that runs a shell command (SPEC DR6): a configured action, with {@code
 * {{target}}} replaced by the target, or a service's restart command.
 */
public final class CommandHealingAction implements HealingAction {

  private final String name;
  private final int level;
  private final Function<String, String> commandFor;
  private final Duration timeout;

  /**
   * @param commandFor the command for a target, or null when the action cannot act on it
   */
  public CommandHealingAction(
      String name, int level, Function<String, String> commandFor, Duration timeout) {
    this.name = name;
    this.level = level;
    this.commandFor = commandFor;
    this.timeout = timeout;
  }

  /** A configured command; {@code {{target}}} becomes the target. */
  public static CommandHealingAction of(String name, int level, String command, Duration timeout) {
    return new CommandHealingAction(
        name, level, target -> command.replace("{{target}}", target), timeout);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int level() {
    return level;
  }

  @Override
  public String description() {
    return "runs a shell command (level " + level + ")";
  }

  /** The command it would run for a target, or null. */
  public String command(String target) {
    return commandFor.apply(target);
  }

  /** Runs the command and returns its exit code and output. */
  public ShellCommand.Result run(String target) {
    String command = command(target);
    if (command == null) {
      return new ShellCommand.Result(-1, "no command for target '" + target + "'", false, 0);
    }
    return ShellCommand.run(command, timeout);
  }

  @Override
  public Outcome execute(String target, boolean dryRun) {
    if (dryRun) {
      return new Outcome(true, "dry run: would run: " + command(target));
    }
    ShellCommand.Result r = run(target);
    return new Outcome(r.ok(), r.summary());
  }
}
