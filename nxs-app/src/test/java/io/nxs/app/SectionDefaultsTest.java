package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.ConfigSection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A section the file leaves out is its {@code defaults} (no Jackson binding at start-up); that
 * value must be exactly what binding an empty mapping gives, for every section of every module.
 */
class SectionDefaultsTest {

  private static final List<ConfigSection<?>> SECTIONS = Modules.sections(Modules.create());

  @Test
  void everySectionsDefaultsEqualWhatAnEmptyMappingBindsTo() {
    for (ConfigSection<?> section : SECTIONS) {
      if (section.defaults() == null) {
        continue;
      }
      Object bound =
          new ConfigLoader(List.of(section.boundFromEmpty()), Map.of())
              .parse(section.name() + ": {}\n", "nxs.yaml")
              .section(section.boundFromEmpty());
      assertThat(section.defaults().get())
          .as("defaults of section '%s'", section.name())
          .usingRecursiveComparison()
          .isEqualTo(bound);
    }
  }

  @Test
  void everySectionButTheServersHasDefaults() {
    // server injects the config file's directory to resolve its TLS files: it binds from YAML.
    assertThat(SECTIONS.stream().filter(s -> s.defaults() == null).map(ConfigSection::name))
        .as("sections bound from an empty mapping at every start (give them defaults)")
        .containsExactly("server");
  }

  @Test
  void aLeftOutSectionLoadsAsItsDefaults() {
    var config = Modules.loader(Modules.create(), Map.of()).parse("server:\n  port: 0\n", "t");
    for (ConfigSection<?> section : SECTIONS) {
      if (section.defaults() != null) {
        assertThat(config.section(section))
            .as("section '%s'", section.name())
            .usingRecursiveComparison()
            .isEqualTo(section.defaults().get());
      }
    }
  }
}
