package io.nxs.core.config;

import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One top-level key of {@code nxs.yaml} and the immutable type its value binds to.
 *
 * <p>Each module declares its sections; the application hands all of them to the {@link
 * ConfigLoader}. A section absent from the file is its {@code defaults}, or, without them, binds as
 * an empty mapping, so the type's compact constructor supplies every default.
 *
 * <p>Why {@code defaults}: binding an empty mapping makes Jackson build the type's deserializer
 * (and those of every nested type) and call its constructor reflectively, about 20 % of the
 * daemon's start-up on its main thread for the sections a file leaves out; a direct call to the
 * type's {@code defaults()} costs nothing. The two must give equal values: nxs-app's {@code
 * SectionDefaultsTest} checks every section of every module.
 *
 * @param name the top-level key, lower snake case
 * @param type a record (or other Jackson-bindable immutable type)
 * @param defaults the value when the file leaves the section out, equal to what an empty mapping
 *     binds to; null to bind an empty mapping
 */
public record ConfigSection<T>(String name, Class<T> type, Supplier<? extends T> defaults) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  public ConfigSection {
    Objects.requireNonNull(type, "type");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "section name must be lower snake case, but was '" + name + "'");
    }
  }

  /** A section whose absence binds an empty mapping. */
  public static <T> ConfigSection<T> of(String name, Class<T> type) {
    return new ConfigSection<>(name, type, null);
  }

  /**
   * A section whose absence is {@code defaults}, e.g. {@code ConfigSection.of("vault",
   * VaultConfig.class, VaultConfig::defaults)}; it must equal what an empty mapping binds to.
   */
  public static <T> ConfigSection<T> of(
      String name, Class<T> type, Supplier<? extends T> defaults) {
    return new ConfigSection<>(name, type, Objects.requireNonNull(defaults, "defaults"));
  }

  /** The same section without its {@code defaults}: its absence binds an empty mapping. */
  public ConfigSection<T> boundFromEmpty() {
    return defaults == null ? this : of(name, type);
  }
}
