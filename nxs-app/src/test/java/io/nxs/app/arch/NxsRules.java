package io.nxs.app.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The architecture rules, each a function of the root package it guards, so the same rule runs on
 * NXS ({@code io.nxs}) and on the fixtures that prove it can fail ({@code io.nxs.archfixture}).
 *
 * <p>A module is a root package's direct sub-package: {@code io.nxs.vault} and everything below it.
 * The rules that need source text (what a catch block does) are in {@link CatchBlocks}.
 */
public final class NxsRules {

  private NxsRules() {}

  /**
   * The module a class belongs to under {@code root}: the package segment after it, e.g. {@code
   * vault} for {@code io.nxs.vault.internal.TargetPool}; empty for a class outside the root.
   */
  public static Optional<String> moduleOf(String root, String packageName) {
    if (!packageName.startsWith(root + ".")) {
      return Optional.empty();
    }
    String rest = packageName.substring(root.length() + 1);
    int dot = rest.indexOf('.');
    return Optional.of(dot < 0 ? rest : rest.substring(0, dot));
  }

  /** Every module under {@code root} that holds at least one of the classes. */
  public static Set<String> modules(JavaClasses classes, String root) {
    Set<String> out = new TreeSet<>();
    classes.forEach(c -> moduleOf(root, c.getPackageName()).ifPresent(out::add));
    return out;
  }

  /**
   * Fails when the import found fewer classes than it should: a rule over an empty import passes
   * whatever the code does, so a wrong path or package must stop the build rather than pass it.
   *
   * @param expectedModules modules that must each contribute classes
   */
  public static void requireImported(
      JavaClasses classes, String root, Set<String> expectedModules) {
    Set<String> found = modules(classes, root);
    Set<String> missing = new TreeSet<>(expectedModules);
    missing.removeAll(found);
    if (classes.isEmpty() || !missing.isEmpty()) {
      throw new AssertionError(
          "the architecture rules imported "
              + classes.size()
              + " classes under "
              + root
              + " and none of the modules "
              + missing
              + ": the rules would check nothing; fix the import, not the rules");
    }
  }

  /**
   * A module depends on no module under {@code root} but itself and the ones allowed: the kernel on
   * none, the audit log on the kernel, a capability on the kernel and the audit log.
   */
  public static ArchRule dependsOnlyOn(String root, String module, Set<String> allowed) {
    String[] permitted =
        Stream.concat(Stream.of(module), allowed.stream())
            .map(m -> root + "." + m + "..")
            .toArray(String[]::new);
    return noClasses()
        .that()
        .resideInAPackage(root + "." + module + "..")
        .should()
        .dependOnClassesThat(
            JavaClass.Predicates.resideInAPackage(root + "..")
                .and(JavaClass.Predicates.resideOutsideOfPackages(permitted)))
        .as("module " + module + " depends on no module but " + allowed);
  }

  /** Only the command-line package writes to the console; everything else logs. */
  public static ArchRule onlyTheCliWritesToTheConsole(String root, String cliPackage) {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .resideOutsideOfPackage(cliPackage + "..")
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err");
  }

  /**
   * A module's {@code internal} packages are its own: no class of another module depends on them
   * (they meet through the module's public package, core's ports and events).
   */
  public static ArchRule internalsStayInTheirModule(String root) {
    return classes()
        .that()
        .resideInAPackage(root + "..")
        .should(
            new ArchCondition<>("use no other module's internal packages") {
              @Override
              public void check(JavaClass origin, ConditionEvents events) {
                Optional<String> home = moduleOf(root, origin.getPackageName());
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                  JavaClass target = d.getTargetClass();
                  String pkg = target.getPackageName();
                  Optional<String> owner = moduleOf(root, pkg);
                  if (isInternal(pkg) && owner.isPresent() && !owner.equals(home)) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                  }
                }
              }
            });
  }

  private static boolean isInternal(String pkg) {
    return pkg.endsWith(".internal") || pkg.contains(".internal.");
  }

  /** No package cycles between modules. */
  public static ArchRule noCyclesBetweenModules(String root) {
    return slices().matching(root + ".(*)..").should().beFreeOfCycles();
  }

  /**
   * No package cycles inside a module: its sub-packages ({@code internal}, {@code store}, ...) form
   * layers. The module's own top package, its public face, is not a slice: it holds the facade and
   * the types its internals are built from, and both directions between it and them are normal.
   */
  public static ArchRule noCyclesInsideAModule(String root) {
    return slices().matching(root + ".(*).(*)..").should().beFreeOfCycles();
  }

  /**
   * Time comes from the injected {@link Clock}: nothing reads the wall clock itself except the
   * entry points that create the one clock ({@code nxs}'s {@code main}).
   *
   * @param entryPoints fully qualified names of the classes allowed to create the system clock
   */
  public static ArchRule timeComesFromTheInjectedClock(String root, Set<String> entryPoints) {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and(
            new DescribedPredicate<JavaClass>("are not an entry point " + entryPoints) {
              @Override
              public boolean test(JavaClass c) {
                String outer = c.getName().replaceFirst("\\$.*", "");
                return !entryPoints.contains(outer);
              }
            })
        .should()
        .callMethod(Clock.class, "systemUTC")
        .orShould()
        .callMethod(Clock.class, "systemDefaultZone")
        .orShould()
        .callMethod(Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(LocalDate.class, "now")
        .orShould()
        .callMethod(LocalDateTime.class, "now")
        .orShould()
        .callMethod(OffsetDateTime.class, "now")
        .orShould()
        .callMethod(ZonedDateTime.class, "now")
        .because("tests move a MutableClock; code that reads the wall clock cannot be tested");
  }
}
