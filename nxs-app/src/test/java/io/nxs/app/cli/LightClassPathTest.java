package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The light class path: the packages a training's class-load log names, copied from the jar. */
class LightClassPathTest {

  @TempDir Path dir;

  @Test
  void theLogNamesThePackagesOfEveryLoadedClassLambdasAndTheJdksIncluded() throws IOException {
    Path log = dir.resolve("classes.log");
    Files.writeString(
        log,
        String.join(
            "\n",
            "java.lang.Object source: shared objects file",
            "io.nxs.app.cli.Main source: file:/x/nxs.jar",
            "io.nxs.app.cli.StatusCommand$$Lambda/0x000071 source: io.nxs.app.cli.StatusCommand",
            "com.fasterxml.jackson.core.JsonFactory source: file:/x/nxs.jar",
            "Toplevel source: file:/x/nxs.jar",
            ""));

    assertThat(LightClassPath.packages(log))
        .containsExactlyInAnyOrder("java/lang/", "io/nxs/app/cli/", "com/fasterxml/jackson/core/");
  }

  @Test
  void anEntrysPackageIsItsDirectoryWhateverItsJavaVersion() {
    assertThat(LightClassPath.directory("a/b/C.class")).isEqualTo("a/b/");
    assertThat(LightClassPath.directory("META-INF/versions/17/a/b/C.class")).isEqualTo("a/b/");
    assertThat(LightClassPath.directory("a/b/messages.properties")).isEqualTo("a/b/");
    assertThat(LightClassPath.directory("Top.class")).isEmpty();
    assertThat(LightClassPath.directory("META-INF/services/java.net.spi.URLStreamHandlerProvider"))
        .isEmpty();
    assertThat(LightClassPath.directory("META-INF/MANIFEST.MF")).isEmpty();
  }

  @Test
  void theJarHoldsThePackagesEntriesAndTheirVersionsButNotSubPackagesOrServices()
      throws IOException {
    Path app = dir.resolve("app.jar");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(app))) {
      for (String name :
          List.of(
              "a/b/C.class",
              "a/b/C$1.class",
              "a/b/text.properties",
              "a/b/c/D.class",
              "META-INF/versions/17/a/b/C.class",
              "META-INF/versions/17/e/F.class",
              "META-INF/services/java.lang.System$LoggerFinder",
              "e/F.class")) {
        jar.putNextEntry(new JarEntry(name));
        jar.write(name.getBytes(StandardCharsets.UTF_8));
        jar.closeEntry();
      }
    }
    Path light = dir.resolve("light.jar");

    int classes = LightClassPath.write(app, Set.of("a/b/"), light);

    assertThat(classes).isEqualTo(3);
    try (JarFile jar = new JarFile(light.toFile())) {
      List<String> names = new ArrayList<>();
      Collections.list(jar.entries()).forEach(e -> names.add(e.getName()));
      assertThat(names)
          .containsExactlyInAnyOrder(
              "META-INF/MANIFEST.MF",
              "a/b/C.class",
              "a/b/C$1.class",
              "a/b/text.properties",
              "META-INF/versions/17/a/b/C.class");
      assertThat(jar.getManifest().getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
      assertThat(new String(jar.getInputStream(jar.getEntry("a/b/C$1.class")).readAllBytes()))
          .isEqualTo("a/b/C$1.class");
    }
    assertThat(Files.list(dir)).hasSize(2); // no temporary file left beside it
  }

  @Test
  void aLightJarIsReplacedWholeNotAppendedTo() throws IOException {
    Path app = dir.resolve("app.jar");
    try (OutputStream file = Files.newOutputStream(app);
        JarOutputStream jar = new JarOutputStream(file)) {
      jar.putNextEntry(new JarEntry("a/C.class"));
      jar.closeEntry();
    }
    Path light = dir.resolve("light.jar");
    Files.writeString(light, "an older light jar");

    LightClassPath.write(app, Set.of("a/"), light);

    try (JarFile jar = new JarFile(light.toFile())) {
      assertThat(jar.getEntry("a/C.class")).isNotNull();
    }
  }
}
