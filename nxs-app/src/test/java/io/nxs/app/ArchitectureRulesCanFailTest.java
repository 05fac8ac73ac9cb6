package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.nxs.app.arch.CatchBlocks;
import io.nxs.app.arch.NxsRules;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every rule of {@link ArchitectureTest} fails on a class that breaks it: the fixtures under {@code
 * io.nxs.archfixture} (modules {@code alpha}, {@code beta}, {@code gamma}, {@code delta}), each
 * breaking one rule, beside classes that follow it and must not be reported.
 */
class ArchitectureRulesCanFailTest {

  private static final String ROOT = "io.nxs.archfixture";

  private static final JavaClasses FIXTURES = new ClassFileImporter().importPackages(ROOT);

  private static List<String> violations(ArchRule rule) {
    EvaluationResult result = rule.evaluate(FIXTURES);
    return result.getFailureReport().getDetails();
  }

  @Test
  void aModuleThatUsesAnotherIsCaught() {
    assertThat(violations(NxsRules.dependsOnlyOn(ROOT, "beta", Set.of("core"))))
        .isNotEmpty()
        .allMatch(v -> v.contains("Reacher") && v.contains("alpha"));
    assertThat(violations(NxsRules.dependsOnlyOn(ROOT, "beta", Set.of("alpha")))).isEmpty();
  }

  @Test
  void reachingIntoAnotherModulesInternalsIsCaughtAndUsingYourOwnIsNot() {
    List<String> found = violations(NxsRules.internalsStayInTheirModule(ROOT));
    assertThat(found).isNotEmpty().allMatch(v -> v.contains("beta.Reacher"));
    assertThat(found).noneMatch(v -> v.contains("alpha.Facade"));
  }

  @Test
  void aCycleBetweenModulesIsCaught() {
    assertThat(violations(NxsRules.noCyclesBetweenModules(ROOT)))
        .anyMatch(v -> v.contains("gamma") && v.contains("delta"));
  }

  @Test
  void aCycleBetweenAModulesPackagesIsCaught() {
    assertThat(violations(NxsRules.noCyclesInsideAModule(ROOT)))
        .anyMatch(v -> v.contains("alpha.one") && v.contains("alpha.two"));
  }

  @Test
  void readingTheWallClockIsCaughtAndTheInjectedClockIsNot() {
    List<String> found = violations(NxsRules.timeComesFromTheInjectedClock(ROOT, Set.of()));
    assertThat(found).isNotEmpty().allMatch(v -> v.contains("WallClockReader"));
    assertThat(
            violations(
                NxsRules.timeComesFromTheInjectedClock(
                    ROOT, Set.of("io.nxs.archfixture.alpha.WallClockReader"))))
        .as("an entry point may create the clock")
        .isEmpty();
  }

  @Test
  void writingToTheConsoleOutsideTheCliIsCaught() {
    assertThat(violations(NxsRules.onlyTheCliWritesToTheConsole(ROOT, ROOT + ".cli")))
        .isNotEmpty()
        .allMatch(v -> v.contains("Printer"));
  }

  @Test
  void aCatchThatDropsItsExceptionIsCaughtAndAnExpectedOneIsNot() {
    List<String> found = CatchBlocks.dropping(List.of(Path.of("src/test/java/io/nxs/archfixture")));
    assertThat(found)
        .singleElement()
        .satisfies(v -> assertThat(v).contains("Swallower.java").contains("ignored"));
  }

  @Test
  void anImportThatFoundNothingStopsTheRulesInsteadOfPassingThem() {
    JavaClasses none = new ClassFileImporter().importPackages("io.nxs.no.such.package");
    assertThatThrownBy(() -> NxsRules.requireImported(none, "io.nxs.no.such.package", Set.of("x")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("imported 0 classes");
    assertThatThrownBy(() -> NxsRules.requireImported(FIXTURES, ROOT, Set.of("alpha", "omega")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("[omega]");
    assertThatThrownBy(() -> CatchBlocks.dropping(List.of(Path.of("no/such/dir"))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no Java source");
  }
}
