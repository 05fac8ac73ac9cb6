package io.nxs.app.cli;

import io.nxs.core.NxsException;
import io.nxs.core.config.ConfigException;
import io.nxs.core.log.Redaction;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Runs the {@code nxs} command line against given writers and returns the exit code, so tests drive
 * it exactly as a user would.
 *
 * <p>Errors are one line: {@code nxs: <what is wrong and what to do>}; the stack trace only with
 * {@code --verbose}. Exit codes are in {@link ExitCode}.
 */
public final class Cli {

  static {
    // picocli's default factory looks for Groovy's Closure class once per process unless told not
    // to: a miss that searched the whole 114 MB jar, opening it only for that (~9 % of `nxs
    // status`'s CPU, bench/results/2026-12-07-cli-2.md). NXS has no Groovy closures in annotations.
    System.setProperty("picocli.disable.closures", "true");
  }

  /** The root's options that take the next argument as their value. */
  private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--home", "-o", "--output");

  private final Map<String, String> env;
  private final Clock clock;

  /**
   * @param env the environment ({@code NXS_HOME}, {@code NXS_API_KEY}, {@code ${ENV}} expansion)
   * @param clock the one clock every command reads time from
   */
  public Cli(Map<String, String> env, Clock clock) {
    this.env = Map.copyOf(env);
    this.clock = clock;
  }

  /**
   * Runs one command line: a plain light command ({@link LightCommand}) without picocli's model,
   * every other one through picocli.
   */
  public int run(PrintWriter out, PrintWriter err, String... args) {
    Optional<LightCommand> light = LightCommand.parse(args);
    return light.isPresent() ? light.get().run(env, clock, out, err) : parsed(out, err, args);
  }

  /** Runs one command line through picocli's model, whatever it is. */
  int parsed(PrintWriter out, PrintWriter err, String... args) {
    NxsCommand root = new NxsCommand(env, clock);
    CommandLine cmd = commandLine(root, args);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExecutionExceptionHandler((e, line, parsed) -> failed(e, root.global.verbose, err));
    cmd.setParameterExceptionHandler(
        (e, arguments) -> {
          err.println("nxs: " + e.getMessage());
          err.println(
              "Run '"
                  + e.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help' for usage.");
          err.flush();
          return ExitCode.USAGE;
        });
    int code = cmd.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** A command that failed: its one-line error on {@code err}, and its exit code. */
  static int failed(Exception e, boolean verbose, PrintWriter err) {
    int code =
        e instanceof ConfigException
            ? ExitCode.USAGE
            : e instanceof DaemonUnreachableException
                ? ExitCode.UNREACHABLE
                : e instanceof UsageException ? ExitCode.USAGE : ExitCode.PROBLEM;
    String message =
        e instanceof NxsException
            ? e.getMessage()
            : "internal error (" + e + "): rerun with --verbose and report it";
    err.println("nxs: " + Redaction.redact(message));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  /**
   * The command line for {@code args}: the root with only the subcommand they name; with none for
   * {@code nxs --version}, which lists none (building all of them was 0.9 of its Java time); with
   * every subcommand when they name none or one that does not exist (help, a typo); and the same
   * one level down, for a group's subcommands.
   */
  static CommandLine commandLine(NxsCommand root, String... args) {
    CommandLine cmd = new CommandLine(root);
    List<String> names = commandNames(args);
    String name = names.isEmpty() ? "" : names.get(0);
    if (name.isEmpty() && versionOnly(args)) {
      return cmd;
    }
    add(cmd, NxsCommand.SUBCOMMANDS, name);
    // A group whose subcommands its code lists (CommandGroup#subcommands) gets them the same way.
    String next = names.size() > 1 ? names.get(1) : "";
    cmd.getSubcommands()
        .values()
        .forEach(
            sub -> {
              if (sub.getCommand() instanceof CommandGroup group) {
                add(sub, group.subcommands(), next);
              }
            });
    return cmd;
  }

  /** Adds to {@code cmd} the one of {@code all} named {@code name}; all when none is. */
  private static void add(CommandLine cmd, List<Class<?>> all, String name) {
    List<Class<?>> named =
        all.stream().filter(c -> c.getAnnotation(Command.class).name().equals(name)).toList();
    (named.isEmpty() ? all : named).forEach(cmd::addSubcommand);
  }

  /**
   * Whether {@code args}, which name no subcommand, ask for the version and not for help: the
   * version is all picocli prints then, whatever global option comes with it ({@code --home} too;
   * with every subcommand built, {@code nxs --version --home DIR} cost 2.5x {@code nxs status}'s
   * model, and its training run put every command's classes into the light commands' start-up
   * archive). Help lists the subcommands, so it gets them all.
   */
  private static boolean versionOnly(String... args) {
    boolean version = false;
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help")) {
        return false;
      }
      version |= a.equals("-V") || a.equals("--version");
    }
    return version;
  }

  /** The arguments that are neither options nor options' values, in order: the command's names. */
  static List<String> commandNames(String... args) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (OPTIONS_WITH_VALUE.contains(a)) {
        i++;
      } else if (!a.startsWith("-")) {
        names.add(a);
      }
    }
    return names;
  }
}
