package io.nxs.app.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the CLI in-process against a home, capturing both streams. */
public final class CliRunner {

  /** One run's outcome. */
  public record Result(int code, String out, String err) {}

  private final Path home;
  private final Map<String, String> env;

  public CliRunner(Path home) {
    this(home, Map.of());
  }

  public CliRunner(Path home, Map<String, String> env) {
    this.home = home;
    this.env = env;
  }

  public Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    if (home != null) {
      all.add("--home");
      all.add(home.toString());
    }
    int code =
        new Cli(env, Clock.systemUTC())
            .run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }
}
