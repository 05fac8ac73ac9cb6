package io.nxs.app;

import io.nxs.core.config.NxsConfig;
import java.nio.file.Path;
import java.util.Map;

/** Validates a configuration file with every module's sections, without starting anything. */
public final class ConfigCheck {

  private ConfigCheck() {}

  /**
   * @throws io.nxs.core.config.ConfigException when the file is invalid
   */
  public static NxsConfig check(Path file, Map<String, String> env) {
    return Modules.loader(Modules.create(), env).load(file);
  }
}
