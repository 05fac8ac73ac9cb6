package io.nxs.core.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One top-level key of {@code nxs.yaml} and the immutable type its value binds to.
 *
 * <p>Each module declares its sections; the application hands all of them to the {@link
 * ConfigLoader}. A section absent from the file binds as an empty mapping, so the type's compact
 * constructor supplies every default.
 *
 * @param name the top-level key, lower snake case
 * @param type a record (or other Jackson-bindable immutable type)
 */
public record ConfigSection<T>(String name, Class<T> type) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  public ConfigSection {
    Objects.requireNonNull(type, "type");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "section name must be lower snake case, but was '" + name + "'");
    }
  }

  public static <T> ConfigSection<T> of(String name, Class<T> type) {
    return new ConfigSection<>(name, type);
  }
}
