package io.nxs.app.cli;

import io.nxs.core.NxsException;
import io.nxs.core.config.ConfigException;
import io.nxs.core.log.Redaction;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs the {@code nxs} command line against given writers and returns the exit code, so tests drive
 * it exactly as a user would.
 *
 * <p>Errors are one line: {@code nxs: <what is wrong and what to do>}; the stack trace only with
 * {@code --verbose}. Exit codes are in {@link ExitCode}.
 */
public final class Cli {

  private final Map<String, String> env;

  public Cli(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** Runs one command line. */
  public int run(PrintWriter out, PrintWriter err, String... args) {
    NxsCommand root = new NxsCommand(env);
    CommandLine cmd = new CommandLine(root);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          boolean verbose = root.global.verbose;
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
        });
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
}
