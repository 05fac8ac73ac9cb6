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

  /**
   * The rules a module ships as a resource in its jar, read once now.
   *
   * @param name the source's name, e.g. {@code sync}
   * @param module the module's artifact, for {@link #origin()}, e.g. {@code nxs-sync}
   * @param owner a class of the module, whose class loader holds the resource
   * @param resource e.g. {@code io/nxs/sync/rules.yaml}
   * @throws IllegalStateException when the resource is missing from the build
   */
  static RuleSource ofResource(String name, String module, Class<?> owner, String resource) {
    String yaml;
    try (java.io.InputStream in = owner.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the " + module + " build");
      }
      yaml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + resource + " of " + module, e);
    }
    String origin = module + ":" + resource;
    return new RuleSource() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String origin() {
        return origin;
      }

      @Override
      public String rulesYaml() {
        return yaml;
      }
    };
  }
}
