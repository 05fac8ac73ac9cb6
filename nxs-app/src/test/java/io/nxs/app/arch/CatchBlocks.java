package io.nxs.app.arch;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.stmt.CatchClause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rule that needs source text: no catch block drops its exception. A catch with no statement (a
 * comment is not one) hides the failure from everyone; it is allowed only where the exception is
 * the expected answer and the code goes on by design — the parameter is then named {@code expected}
 * and a comment says why (for example "the daemon is not running: work offline"). Anything else
 * handles it: rethrows or wraps it with its cause, logs it, returns what it means.
 *
 * <p>Parsed with JavaParser (ADR 0017): bytecode cannot tell an empty handler from one that jumps
 * on, and a regular expression cannot tell a catch from a comment or a string.
 */
public final class CatchBlocks {

  private CatchBlocks() {}

  /** The parameter name that marks a catch whose empty body is the intended answer. */
  public static final String EXPECTED = "expected";

  /**
   * Every catch block under the source roots that drops its exception, as {@code file:line catch
   * (Type name)}.
   *
   * @throws AssertionError when the roots hold no Java file (a rule over nothing passes always)
   */
  public static List<String> dropping(List<Path> sourceRoots) {
    JavaParser parser =
        new JavaParser(
            new ParserConfiguration()
                .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_21)
                .setAttributeComments(false));
    List<String> violations = new ArrayList<>();
    int files = 0;
    for (Path root : sourceRoots) {
      for (Path file : javaFiles(root)) {
        files++;
        ParseResult<CompilationUnit> parsed;
        try {
          parsed = parser.parse(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        CompilationUnit unit =
            parsed
                .getResult()
                .filter(u -> parsed.isSuccessful())
                .orElseThrow(
                    () -> new AssertionError(file + ": cannot parse: " + parsed.getProblems()));
        for (CatchClause c : unit.findAll(CatchClause.class)) {
          boolean empty = c.getBody().getStatements().isEmpty();
          String name = c.getParameter().getNameAsString();
          if (empty && !name.equals(EXPECTED)) {
            violations.add(
                file
                    + ":"
                    + c.getBegin().map(p -> p.line).orElse(0)
                    + " catch ("
                    + c.getParameter().getTypeAsString()
                    + " "
                    + name
                    + ") drops the exception: handle it, or name it '"
                    + EXPECTED
                    + "' and say in a comment why going on is the answer");
          }
        }
      }
    }
    if (files == 0) {
      throw new AssertionError("no Java source under " + sourceRoots + ": the rule checks nothing");
    }
    return violations;
  }

  private static List<Path> javaFiles(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
