package io.nxs.app.cli;

import io.nxs.app.NxsHome;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command accepts: {@code --home}, {@code -o text|json}, {@code --verbose}. */
public final class GlobalOptions {

  /** Output formats. */
  public enum Format {
    text,
    json
  }

  @Option(
      names = "--home",
      scope = ScopeType.INHERIT,
      description = "NXS home directory (default: $NXS_HOME, else ~/.nxs)")
  Path home;

  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      description = "Output format: ${COMPLETION-CANDIDATES} (default: text)")
  Format output = Format.text;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Show stack traces and debug detail")
  boolean verbose;

  Map<String, String> env = Map.of();

  /** The clock the CLI entry hands every command; commands never read the system clock. */
  Clock clock;

  /** The home these options select. */
  public NxsHome home() {
    return NxsHome.resolve(home, env);
  }

  public boolean json() {
    return output == Format.json;
  }
}
