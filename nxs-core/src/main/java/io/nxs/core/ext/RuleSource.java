package io.nxs.core.ext;

/**
 * Built-in Doctor rules a module ships with its capability, e.g. the sync module's "sync latency
 * over 5 minutes". The Doctor loads every registered source with its own built-in set, in the
 * seed's rule YAML format ({@code rules: [{id, name, severity, condition, duration, actions}]}), so
 * a module's figures become alerts, incidents and notifications without the Doctor knowing the
 * module. Register before the Doctor starts (it starts last).
 */
public interface RuleSource {

  /** Unique name of the source, e.g. {@code sync}. */
  String name();

  /**
   * Where the rules come from, for error messages with file and line, e.g. {@code
   * nxs-sync:io/nxs/sync/rules.yaml}.
   */
  String origin();

  /** The rules, as YAML text in the seed's format. */
  String rulesYaml();
}
