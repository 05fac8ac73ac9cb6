package io.nxs.app.cli;

/** The CLI's exit codes. */
public final class ExitCode {

  /** It worked. */
  public static final int OK = 0;

  /** The operation ran and found a problem (e.g. the audit chain does not verify). */
  public static final int PROBLEM = 1;

  /** Bad usage or bad configuration. */
  public static final int USAGE = 2;

  /** The daemon could not be reached. */
  public static final int UNREACHABLE = 3;

  private ExitCode() {}
}
