package io.nxs.app.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The commands that only read — {@code nxs status}, {@code nxs provider list}, {@code nxs doctor
 * incidents} from the running daemon, {@code nxs backup list} from it or, with none, from the home
 * — and {@code nxs backup restore ID} (with at most {@code --to DIR} and {@code --file PATH};
 * through the daemon or, with none, on the home) run without picocli's model when their command
 * line is plain: the command's names and at most {@code --home DIR} ({@code --home=DIR}), {@code -o
 * text|json} ({@code --output}, {@code --output=}) and {@code --verbose}, once each, in any order.
 * Every other command line (help, {@code --version}, another option or form, a repeated option, an
 * extra argument) goes to picocli, which parses it as before. Building picocli's model was 40 % of
 * {@code nxs status}'s CPU (annotations, dynamic proxies, the model itself; ADR 0067); the command
 * itself, its output, exit code and errors are the same code either way ({@link StatusCommand#run}
 * and its like), as {@code nxs serve} does for the daemon (ADR 0063).
 */
final class LightCommand {

  /** The command lines this path takes, by their names. */
  private static final List<List<String>> NAMES =
      List.of(
          List.of("status"),
          List.of("provider", "list"),
          List.of("doctor", "incidents"),
          List.of("backup", "list"));

  /** {@code nxs backup restore ID}, with at most {@code --to DIR} and {@code --file PATH} too. */
  private static final List<String> RESTORE = List.of("backup", "restore");

  private final String name;
  private final Path home;
  private final GlobalOptions.Format output;
  private final boolean verbose;
  private final Restore restore;

  private LightCommand(
      String name, Path home, GlobalOptions.Format output, boolean verbose, Restore restore) {
    this.name = name;
    this.home = home;
    this.output = output;
    this.verbose = verbose;
    this.restore = restore;
  }

  /** A restore's operands: the snapshot, and where to (null: picocli's default) and what. */
  private record Restore(String id, Path to, String file) {}

  /** The light command {@code args} name in a plain form; empty for any other command line. */
  static Optional<LightCommand> parse(String... args) {
    List<String> names = new ArrayList<>(2);
    Path home = null;
    GlobalOptions.Format output = null;
    boolean verbose = false;
    Path to = null;
    String file = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String option = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        option = a.substring(0, eq);
        value = a.substring(eq + 1);
      } else if ((a.equals("--home")
              || a.equals("-o")
              || a.equals("--output")
              || a.equals("--to")
              || a.equals("--file"))
          && i + 1 < args.length) {
        value = args[++i];
      }
      if (a.equals("--verbose") && !verbose) {
        verbose = true;
      } else if (option.equals("--home") && value != null && home == null) {
        home = path(value);
        if (home == null) {
          return Optional.empty();
        }
      } else if ((option.equals("-o") || option.equals("--output"))
          && value != null
          && output == null) {
        output = format(value);
        if (output == null) {
          return Optional.empty();
        }
      } else if (option.equals("--to") && value != null && to == null) {
        to = path(value);
        if (to == null) {
          return Optional.empty();
        }
      } else if (option.equals("--file")
          && value != null
          && file == null
          && !value.isEmpty()
          && !value.startsWith("-")) {
        file = value;
      } else if (!a.startsWith("-") && value == null) {
        names.add(a);
      } else {
        return Optional.empty();
      }
    }
    GlobalOptions.Format format = output == null ? GlobalOptions.Format.text : output;
    if (names.size() == 3 && names.subList(0, 2).equals(RESTORE) && !names.get(2).startsWith("@")) {
      return Optional.of(
          new LightCommand(
              "backup restore", home, format, verbose, new Restore(names.get(2), to, file)));
    }
    if (!NAMES.contains(names) || to != null || file != null) {
      return Optional.empty();
    }
    return Optional.of(new LightCommand(String.join(" ", names), home, format, verbose, null));
  }

  /** Runs the command as picocli would have: its output, its exit code, its one-line error. */
  int run(Map<String, String> env, Clock clock, PrintWriter out, PrintWriter err) {
    GlobalOptions global = new GlobalOptions();
    global.env = env;
    global.clock = clock;
    global.home = home;
    global.output = output;
    global.verbose = verbose;
    int code;
    try {
      code =
          switch (name) {
            case "status" -> StatusCommand.run(global, out);
            case "provider list" -> ProviderCommand.ListProviders.run(global, out);
            case "backup list" -> BackupCommand.ListSnapshots.run(global, out, err);
            case "backup restore" ->
                BackupCommand.Restore.run(
                    global, restore.id(), restore.to(), restore.file(), out, err);
            default -> DoctorCommand.Incidents.run(global, out);
          };
    } catch (RuntimeException e) {
      code = Cli.failed(e, verbose, err);
    }
    out.flush();
    err.flush();
    return code;
  }

  /** A {@code --home} value picocli would take as it is; null for one it might not. */
  private static Path path(String value) {
    if (value.isEmpty() || value.startsWith("-")) {
      return null;
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /** The format named exactly; null for another spelling (picocli's, case-insensitive, decides). */
  private static GlobalOptions.Format format(String value) {
    return switch (value) {
      case "text" -> GlobalOptions.Format.text;
      case "json" -> GlobalOptions.Format.json;
      default -> null;
    };
  }
}
