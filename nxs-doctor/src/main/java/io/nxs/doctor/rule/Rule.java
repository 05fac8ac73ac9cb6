package io.nxs.doctor.rule;

import io.nxs.core.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One diagnostic rule in the seed's format (seed 001 §4, SPEC DR2).
 *
 * @param id unique id; a custom rule with a built-in's id overrides it
 * @param name human name
 * @param severity how bad a firing is
 * @param category resources, network, services, security, performance or configuration; picks the
 *     base score of a root cause (SPEC DR4)
 * @param component what the rule is about (e.g. {@code disk}); alerts with a {@code service} label
 *     use that instead
 * @param condition when it is true for a series, that series has the problem
 * @param resolveCondition when given, a firing alert resolves only once this is true (hysteresis)
 * @param duration how long the condition must hold before firing
 * @param autoResolve whether a firing alert resolves by itself when the condition clears
 * @param actions what to do when it fires
 * @param source the file it came from, {@code builtin:<file>} for built-ins
 * @param line the line of the rule in that file
 */
public record Rule(
    String id,
    String name,
    Severity severity,
    String category,
    String component,
    Condition condition,
    Condition resolveCondition,
    Duration duration,
    boolean autoResolve,
    List<RuleAction> actions,
    String source,
    int line) {

  /** Categories and the root-cause base scores of seed 001 §5. */
  public static final List<String> CATEGORIES =
      List.of("resources", "network", "services", "security", "performance", "configuration");

  public Rule {
    actions = List.copyOf(actions);
  }

  /**
   * What an alert keeps of its rule: id, severity and category (null for an alert reloaded after a
   * restart until its rule is evaluated again).
   */
  public record Identity(String id, Severity severity, String category) {
    public static Identity of(Rule r) {
      return new Identity(r.id(), r.severity(), r.category());
    }
  }

  /** The first {@code alert} action's message template, if any. */
  public Optional<String> message() {
    return actions.stream()
        .filter(a -> a.type() == RuleAction.Type.ALERT && a.message() != null)
        .map(RuleAction::message)
        .findFirst();
  }

  /** The first {@code suggest} action's command, if any. */
  public Optional<String> suggestion() {
    return actions.stream()
        .filter(a -> a.type() == RuleAction.Type.SUGGEST)
        .map(RuleAction::command)
        .findFirst();
  }

  /** The first {@code escalate} action, if any. */
  public Optional<RuleAction> escalation() {
    return actions.stream().filter(a -> a.type() == RuleAction.Type.ESCALATE).findFirst();
  }

  /** The healing actions of its {@code heal} actions, in the order written. */
  public List<String> healing() {
    return actions.stream()
        .filter(a -> a.type() == RuleAction.Type.HEAL)
        .map(RuleAction::action)
        .toList();
  }

  /** Every metric the rule reads. */
  public List<String> metrics() {
    if (resolveCondition == null) {
      return condition.metrics();
    }
    java.util.TreeSet<String> all = new java.util.TreeSet<>(condition.metrics());
    all.addAll(resolveCondition.metrics());
    return List.copyOf(all);
  }

  /** The root-cause base score of the category (seed 001 §5; performance and security are ours). */
  public double baseScore() {
    return switch (category) {
      case "resources" -> 0.9;
      case "network" -> 0.85;
      case "services" -> 0.7;
      case "configuration", "security" -> 0.6;
      default -> 0.5;
    };
  }
}
