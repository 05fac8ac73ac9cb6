package io.nxs.app.cli;

import io.nxs.core.Json;
import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine.Model.CommandSpec;

/** What every command needs from the command line it runs in. */
final class Commands {

  private Commands() {}

  /** The global options, which picocli keeps on the root command. */
  static GlobalOptions global(CommandSpec spec) {
    return ((NxsCommand) spec.root().userObject()).global;
  }

  /** The clock the CLI entry handed down; commands never read the system clock themselves. */
  static Clock clock(CommandSpec spec) {
    return global(spec).clock;
  }

  static PrintWriter out(CommandSpec spec) {
    return spec.commandLine().getOut();
  }

  /** Prints {@code json} as indented JSON with {@code -o json}, else the table. */
  static void print(CommandSpec spec, Object json, Table table) {
    print(global(spec), out(spec), json, table);
  }

  /** {@link #print(CommandSpec, Object, Table)} for these options, to {@code out}. */
  static void print(GlobalOptions global, PrintWriter out, Object json, Table table) {
    if (global.json()) {
      printJson(out, json);
    } else {
      table.print(out);
    }
  }

  /** Prints a value as indented JSON. */
  static void printJson(CommandSpec spec, Object value) {
    printJson(out(spec), value);
  }

  /** Prints a value as indented JSON to {@code out}. */
  static void printJson(PrintWriter out, Object value) {
    out.println(Json.writePretty(value));
  }
}
