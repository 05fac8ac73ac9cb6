package io.nxs.doctor.rule;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.config.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads rule files in the seed's YAML format ({@code rules:} then a list of rules, seed 001 §4).
 *
 * <p>Each rule is checked on its own: a bad one becomes a {@link RuleProblem} with the file, the
 * line of the offending key and the reason, and the other rules of the file still load.
 */
public final class RuleLoader {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "id",
          "name",
          "description",
          "severity",
          "category",
          "component",
          "condition",
          "resolve_condition",
          "duration",
          "auto_resolve",
          "actions");
  private static final Set<String> ACTION_KEYS =
      Set.of("type", "message", "command", "after", "action");

  private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

  private RuleLoader() {}

  /** The rules of one file and the problems of the rules that were rejected. */
  public record Result(List<Rule> rules, List<RuleProblem> problems) {
    public Result {
      rules = List.copyOf(rules);
      problems = List.copyOf(problems);
    }
  }

  /** Parses one file's text; {@code file} names it in problems. */
  public static Result parse(String text, String file) {
    List<Rule> rules = new ArrayList<>();
    List<RuleProblem> problems = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    try (JsonParser p = MAPPER.getFactory().createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return new Result(rules, problems);
      }
      if (first != JsonToken.START_OBJECT) {
        problems.add(
            new RuleProblem(
                file,
                line(p.currentTokenLocation()),
                "",
                "a rule file is a mapping with a 'rules:' list"));
        return new Result(rules, problems);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        int keyLine = line(p.currentTokenLocation());
        JsonToken value = p.nextToken();
        if (!key.equals("rules")) {
          problems.add(
              new RuleProblem(
                  file, keyLine, "", "unknown key '" + key + "' (a rule file has only 'rules:')"));
          p.skipChildren();
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          problems.add(new RuleProblem(file, keyLine, "", "'rules' must be a list"));
          p.skipChildren();
          continue;
        }
        Set<String> ids = new HashSet<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          int ruleLine = line(p.currentTokenLocation());
          JsonNode node = MAPPER.readTree(p);
          try {
            Rule rule = bind(node, file, ruleLine, lines);
            if (ids.add(rule.id())) {
              rules.add(rule);
            } else {
              problems.add(
                  new RuleProblem(
                      file,
                      ruleLine,
                      rule.id(),
                      "id '" + rule.id() + "' appears twice in this file"));
            }
          } catch (Rejected e) {
            for (Located l : e.reasons) {
              problems.add(new RuleProblem(file, l.line(), l.ruleId(), l.reason()));
            }
          }
        }
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      problems.add(
          new RuleProblem(
              file, at == null ? 0 : line(at), "", "not valid YAML: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new NxsException("cannot read rules from " + file + ": " + e.getMessage(), e);
    }
    return new Result(rules, problems);
  }

  private static Rule bind(JsonNode node, String file, int ruleLine, String[] lines) {
    if (!node.isObject()) {
      throw new Rejected(
          List.of(
              new Located(
                  ruleLine, "", "a rule must be a mapping with id, severity and condition")));
    }
    String id = text(node, "id");
    String ruleId = id == null ? "" : id;
    Fields f = new Fields(lines, ruleLine, ruleId, new ArrayList<>());
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!RULE_KEYS.contains(key)) {
        f.error(
            key,
            "unknown key '"
                + key
                + "' (known: "
                + String.join(", ", new java.util.TreeSet<>(RULE_KEYS))
                + ")");
      }
    }
    if (id == null || !ID.matcher(id).matches()) {
      f.error("id", "id must be lower case like 'disk-space-critical', but was '" + id + "'");
    }
    String name = text(node, "name");
    Severity severity = null;
    String severityText = text(node, "severity");
    if (severityText == null) {
      f.error("severity", "severity is missing");
    } else {
      try {
        severity = Severity.parse(severityText);
      } catch (NxsException e) {
        f.error("severity", e.getMessage());
      }
    }
    Condition condition = condition(node, "condition", f);
    if (condition == null && text(node, "condition") == null) {
      f.error("condition", "condition is missing");
    }
    Condition resolve = condition(node, "resolve_condition", f);
    Duration duration = duration(node, "duration", f, Duration.ZERO);
    boolean autoResolve = true;
    if (node.has("auto_resolve")) {
      JsonNode v = node.get("auto_resolve");
      if (v.isBoolean()) {
        autoResolve = v.booleanValue();
      } else {
        f.error("auto_resolve", "auto_resolve must be true or false, but was '" + v.asText() + "'");
      }
    }
    String category = text(node, "category");
    if (category != null && !Rule.CATEGORIES.contains(category)) {
      f.error(
          "category",
          "category must be one of "
              + String.join(", ", Rule.CATEGORIES)
              + ", but was '"
              + category
              + "'");
    }
    List<RuleAction> actions = new ArrayList<>();
    JsonNode list = node.get("actions");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        f.error("actions", "actions must be a list");
      } else {
        for (JsonNode a : list) {
          RuleAction action = action(a, f);
          if (action != null) {
            actions.add(action);
          }
        }
      }
    }
    if (!f.errors().isEmpty()) {
      throw new Rejected(f.errors());
    }
    if (category == null) {
      category = inferCategory(condition.metrics().getFirst());
    }
    String component = text(node, "component");
    if (component == null) {
      String m = condition.metrics().getFirst();
      component = m.contains(".") ? m.substring(0, m.indexOf('.')) : m;
    }
    return new Rule(
        id,
        name == null ? id : name,
        severity,
        category,
        component,
        condition,
        resolve,
        duration,
        autoResolve,
        actions,
        file,
        ruleLine);
  }

  /** One action, or null after recording why it is wrong. */
  private static RuleAction action(JsonNode a, Fields f) {
    if (!a.isObject()) {
      f.error("actions", "each action must be a mapping with a type");
      return null;
    }
    int before = f.errors().size();
    for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!ACTION_KEYS.contains(key)) {
        f.error(
            key, "unknown action key '" + key + "' (known: after, action, command, message, type)");
      }
    }
    RuleAction.Type type = null;
    try {
      type = RuleAction.Type.parse(text(a, "type"));
    } catch (IllegalArgumentException e) {
      f.error("type", e.getMessage());
    }
    String message = text(a, "message");
    if (message != null) {
      try {
        MessageTemplate.compile(f.ruleId(), message);
      } catch (IllegalArgumentException e) {
        f.error("message", e.getMessage());
      }
    }
    String command = text(a, "command");
    Duration after = duration(a, "after", f, null);
    String action = text(a, "action");
    if (type == RuleAction.Type.SUGGEST && command == null) {
      f.error("type", "a suggest action needs a command");
    }
    if (type == RuleAction.Type.ESCALATE && (text(a, "after") == null || action == null)) {
      f.error("type", "an escalate action needs 'after' and 'action'");
    }
    if (type == RuleAction.Type.HEAL && action == null) {
      f.error("type", "a heal action needs 'action': the healing action to run");
    }
    return f.errors().size() > before
        ? null
        : new RuleAction(type, message, command, after, action);
  }

  /** A compiled condition, or null when absent or wrong (then recorded). */
  private static Condition condition(JsonNode node, String key, Fields f) {
    String text = text(node, key);
    if (text == null) {
      return null;
    }
    try {
      return Condition.compile(text);
    } catch (IllegalArgumentException e) {
      f.error(key, e.getMessage());
      return null;
    }
  }

  private static Duration duration(JsonNode node, String key, Fields f, Duration dflt) {
    String text = text(node, key);
    if (text == null) {
      return dflt;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      f.error(key, key + ": " + e.getMessage());
      return dflt;
    }
  }

  private static String text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }

  static String inferCategory(String metric) {
    String head = metric.contains(".") ? metric.substring(0, metric.indexOf('.')) : metric;
    return switch (head.toLowerCase(Locale.ROOT)) {
      case "disk", "memory", "cpu", "swap", "fd", "load", "inode", "predict", "process" ->
          "resources";
      case "network", "dns", "mesh", "net" -> "network";
      case "service", "nxs", "openclaw", "healing" -> "services";
      case "security" -> "security";
      default -> "performance";
    };
  }

  private static int line(JsonLocation at) {
    return at.getLineNr();
  }

  /** Finds the line of a key inside one rule's block of text and collects the rule's errors. */
  private record Fields(String[] lines, int ruleLine, String ruleId, List<Located> errors) {
    void error(String key, String reason) {
      errors.add(at(key, reason));
    }

    Located at(String key, String reason) {
      Pattern p = Pattern.compile("^\\s*(-\\s+)?" + Pattern.quote(key) + "\\s*:");
      for (int i = Math.max(0, ruleLine - 1); i < lines.length; i++) {
        if (i > ruleLine - 1 && lines[i].matches("^\\s*-\\s+id\\s*:.*")) {
          break;
        }
        if (p.matcher(lines[i]).find()) {
          return new Located(i + 1, ruleId, reason);
        }
      }
      return new Located(ruleLine, ruleId, reason);
    }
  }

  /** One reason a rule is rejected, with its line. */
  private record Located(int line, String ruleId, String reason) {}

  /** Every reason one rule is rejected, internal to parsing. */
  private static final class Rejected extends RuntimeException {
    private final List<Located> reasons;

    Rejected(List<Located> reasons) {
      super(reasons.getFirst().reason(), null, false, false);
      this.reasons = List.copyOf(reasons);
    }
  }
}
