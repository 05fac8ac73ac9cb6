package io.nxs.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module rules of DESIGN.md, checked on the compiled code: the kernel depends on no module; a
 * capability depends on the kernel (and the audit log), never on another capability; nothing but
 * the CLI writes to the console; no package cycles.
 */
class ArchitectureTest {

  /** Capability modules, each its own root package. */
  static final List<String> CAPABILITIES = List.of("gateway", "doctor", "vault", "rollout");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // In a reactor build the other modules arrive as jars; skip every third-party jar.
            .withImportOption(location -> !location.isJar() || location.contains("/nxs-"))
            .importPackages("io.nxs");
  }

  @Test
  void theKernelDependsOnNoModule() {
    noClasses()
        .that()
        .resideInAPackage("io.nxs.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.nxs.audit..",
            "io.nxs.gateway..",
            "io.nxs.doctor..",
            "io.nxs.vault..",
            "io.nxs.rollout..",
            "io.nxs.app..",
            "io.nxs.testkit..")
        .check(classes);
  }

  @Test
  void theAuditLogDependsOnlyOnTheKernel() {
    noClasses()
        .that()
        .resideInAPackage("io.nxs.audit..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.nxs.gateway..",
            "io.nxs.doctor..",
            "io.nxs.vault..",
            "io.nxs.rollout..",
            "io.nxs.app..")
        .allowEmptyShould(true)
        .check(classes);
  }

  static List<String> capabilities() {
    return CAPABILITIES;
  }

  @ParameterizedTest
  @MethodSource("capabilities")
  void aCapabilityNeverImportsAnotherOrTheApp(String capability) {
    String[] others =
        CAPABILITIES.stream()
            .filter(c -> !c.equals(capability))
            .map(c -> "io.nxs." + c + "..")
            .toArray(String[]::new);
    noClasses()
        .that()
        .resideInAPackage("io.nxs." + capability + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(others)
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("io.nxs.app..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void onlyTheCliWritesToTheConsole() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.nxs.app.cli..")
        .and()
        .doNotHaveFullyQualifiedName(io.nxs.app.cli.Main.class.getName())
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.nxs.(*)..").should().beFreeOfCycles().check(classes);
  }
}
