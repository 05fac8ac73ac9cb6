package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.nxs.app.arch.CatchBlocks;
import io.nxs.app.arch.NxsRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module rules of DESIGN.md, checked on the compiled code (and, for catch blocks, the source):
 * the kernel depends on no module; a capability depends on the kernel (and the audit log), never on
 * another capability; a module's {@code internal} packages are its own; no package cycles between
 * or inside modules; time only from the injected clock; nothing but the CLI writes to the console;
 * no catch block drops its exception. {@link ArchitectureRulesCanFailTest} shows each rule catching
 * a class that breaks it.
 */
class ArchitectureTest {

  static final String ROOT = "io.nxs";

  /** Modules that are not capabilities: the kernel, the audit log, the wiring, test support. */
  static final Set<String> FOUNDATION = Set.of("core", "audit", "app", "testkit");

  /** Modules the import must find, or the rules would pass over nothing. */
  static final Set<String> REQUIRED =
      Set.of(
          "core", "audit", "gateway", "doctor", "vault", "score", "session", "sync", "cluster",
          "rollout", "app");

  /** The classes that create the one system clock: {@code nxs}'s entry points. */
  static final Set<String> CLOCK_ENTRY_POINTS =
      Set.of(io.nxs.app.cli.Main.class.getName(), "io.nxs.app.cli.StartupTraining");

  private static JavaClasses classes;

  static synchronized JavaClasses classes() {
    if (classes == null) {
      classes =
          new ClassFileImporter()
              .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
              // In a reactor build the other modules arrive as jars; skip every third-party jar.
              .withImportOption(location -> !location.isJar() || location.contains("/nxs-"))
              .importPackages(ROOT);
      NxsRules.requireImported(classes, ROOT, REQUIRED);
    }
    return classes;
  }

  /** Every capability module found, new ones included without editing this test. */
  static List<String> capabilities() {
    return NxsRules.modules(classes(), ROOT).stream().filter(m -> !FOUNDATION.contains(m)).toList();
  }

  @Test
  void theImportFoundEveryModule() {
    assertThat(NxsRules.modules(classes(), ROOT)).containsAll(REQUIRED);
  }

  @Test
  void theKernelDependsOnNoModule() {
    NxsRules.dependsOnlyOn(ROOT, "core", Set.of()).check(classes());
  }

  @Test
  void theAuditLogDependsOnlyOnTheKernel() {
    NxsRules.dependsOnlyOn(ROOT, "audit", Set.of("core")).check(classes());
  }

  @ParameterizedTest
  @MethodSource("capabilities")
  void aCapabilityDependsOnlyOnTheKernelAndTheAuditLog(String capability) {
    NxsRules.dependsOnlyOn(ROOT, capability, Set.of("core", "audit")).check(classes());
  }

  @Test
  void aModulesInternalPackagesAreItsOwn() {
    NxsRules.internalsStayInTheirModule(ROOT).check(classes());
  }

  @Test
  void modulesHaveNoCyclesBetweenThem() {
    NxsRules.noCyclesBetweenModules(ROOT).check(classes());
  }

  @Test
  void aModulesPackagesHaveNoCyclesInsideIt() {
    NxsRules.noCyclesInsideAModule(ROOT).check(classes());
  }

  @Test
  void timeComesFromTheInjectedClock() {
    NxsRules.timeComesFromTheInjectedClock(ROOT, CLOCK_ENTRY_POINTS).check(classes());
  }

  @Test
  void onlyTheCliWritesToTheConsole() {
    NxsRules.onlyTheCliWritesToTheConsole(ROOT, "io.nxs.app.cli").check(classes());
  }

  @Test
  void noCatchBlockDropsItsException() throws IOException {
    // Surefire runs in nxs-app; the modules are its siblings.
    Path project = Path.of("").toAbsolutePath().getParent();
    List<Path> roots;
    try (Stream<Path> modules = Files.list(project)) {
      roots =
          modules
              .filter(m -> m.getFileName().toString().startsWith("nxs-"))
              .map(m -> m.resolve("src/main/java"))
              .filter(Files::isDirectory)
              .sorted()
              .toList();
    }
    assertThat(roots).as("module source roots under " + project).hasSizeGreaterThanOrEqualTo(7);
    assertThat(CatchBlocks.dropping(roots)).isEmpty();
  }
}
