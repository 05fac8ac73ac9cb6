package io.nxs.app.cli;

import io.nxs.core.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** What every command needs from the command line it runs in. */
final class Commands {

  private Commands() {}

  /** The global options, which picocli keeps on the root command. */
  static GlobalOptions global(CommandSpec spec) {
    return ((NxsCommand) spec.root().userObject()).global;
  }

  static PrintWriter out(CommandSpec spec) {
    return spec.commandLine().getOut();
  }

  /** Prints a value as indented JSON. */
  static void printJson(CommandSpec spec, Object value) {
    out(spec).println(Json.writePretty(value));
  }
}
