package io.nxs.core.config;

import java.util.Map;

/**
 * A loaded, validated configuration: one bound value per registered section.
 *
 * @param source where it was read from (a file path or {@code <defaults>})
 */
public record NxsConfig(String source, Map<String, Object> sections) {

  public NxsConfig {
    sections = Map.copyOf(sections);
  }

  /**
   * The bound value of a section.
   *
   * @throws IllegalArgumentException when the section was not registered with the loader
   */
  public <T> T section(ConfigSection<T> section) {
    Object value = sections.get(section.name());
    if (value == null) {
      throw new IllegalArgumentException(
          "section '" + section.name() + "' was not registered with the config loader");
    }
    return section.type().cast(value);
  }
}
