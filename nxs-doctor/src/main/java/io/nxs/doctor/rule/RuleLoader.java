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
            if (!ids.add(rule.id())) {
              throw new Located(
                  ruleLine, rule.id(), "id '" + rule.id() + "' appears twice in this file");
            }
            rules.add(rule);
          } catch (Located e) {
            problems.add(new RuleProblem(file, e.line, e.ruleId, e.getMessage()));
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
      throw new Located(ruleLine, "", "a rule must be a mapping with id, severity and condition");
    }
    String id = text(node, "id");
    String ruleId = id == null ? "" : id;
    Fields f = new Fields(lines, ruleLine, ruleId);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!RULE_KEYS.contains(key)) {
        throw f.at(
            key,
            "unknown key '"
                + key
                + "' (known: "
                + String.join(", ", new java.util.TreeSet<>(RULE_KEYS))
                + ")");
      }
    }
    if (id == null || !ID.matcher(id).matches()) {
      throw f.at("id", "id must be lower case like 'disk-space-critical', but was '" + id + "'");
    }
    String name = text(node, "name");
    Severity severity;
    try {
      severity = Severity.parse(require(node, "severity", f));
    } catch (NxsException e) {
      throw f.at("severity", e.getMessage());
    }
    Condition condition = condition(node, "condition", f);
    if (condition == null) {
      throw f.at("condition", "condition is missing");
    }
    Condition resolve = condition(node, "resolve_condition", f);
    Duration duration = duration(node, "duration", f, Duration.ZERO);
    boolean autoResolve = true;
    if (node.has("auto_resolve")) {
      JsonNode v = node.get("auto_resolve");
      if (!v.isBoolean()) {
        throw f.at(
            "auto_resolve", "auto_resolve must be true or false, but was '" + v.asText() + "'");
      }
      autoResolve = v.booleanValue();
    }
    String category = text(node, "category");
    if (category == null) {
      category = inferCategory(condition.metrics().getFirst());
    } else if (!Rule.CATEGORIES.contains(category)) {
      throw f.at(
          "category",
          "category must be one of "
              + String.join(", ", Rule.CATEGORIES)
              + ", but was '"
              + category
              + "'");
    }
    String component = text(node, "component");
    if (component == null) {
      String m = condition.metrics().getFirst();
      component = m.contains(".") ? m.substring(0, m.indexOf('.')) : m;
    }
    List<RuleAction> actions = new ArrayList<>();
    JsonNode list = node.get("actions");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw f.at("actions", "actions must be a list");
      }
      for (JsonNode a : list) {
        actions.add(action(a, f));
      }
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

  private static RuleAction action(JsonNode a, Fields f) {
    if (!a.isObject()) {
      throw f.at("actions", "each action must be a mapping with a type");
    }
    for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!ACTION_KEYS.contains(key)) {
        throw f.at(
            key, "unknown action key '" + key + "' (known: after, action, command, message, type)");
      }
    }
    RuleAction.Type type;
    try {
      type = RuleAction.Type.parse(text(a, "type"));
    } catch (IllegalArgumentException e) {
      throw f.at("type", e.getMessage());
    }
    String message = text(a, "message");
    if (message != null) {
      try {
        MessageTemplate.compile(f.ruleId, message);
      } catch (IllegalArgumentException e) {
        throw f.at("message", e.getMessage());
      }
    }
    String command = text(a, "command");
    if (type == RuleAction.Type.SUGGEST && command == null) {
      throw f.at("type", "a suggest action needs a command");
    }
    Duration after = duration(a, "after", f, null);
    String action = text(a, "action");
    if (type == RuleAction.Type.ESCALATE && (after == null || action == null)) {
      throw f.at("type", "an escalate action needs 'after' and 'action'");
    }
    return new RuleAction(type, message, command, after, action);
  }

  private static Condition condition(JsonNode node, String key, Fields f) {
    String text = text(node, key);
    if (text == null) {
      return null;
    }
    try {
      return Condition.compile(text);
    } catch (IllegalArgumentException e) {
      throw f.at(key, e.getMessage());
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
      throw f.at(key, key + ": " + e.getMessage());
    }
  }

  private static String require(JsonNode node, String key, Fields f) {
    String v = text(node, key);
    if (v == null) {
      throw f.at(key, key + " is missing");
    }
    return v;
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

  /** Finds the line of a key inside one rule's block of text. */
  private record Fields(String[] lines, int ruleLine, String ruleId) {
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

  /** A rejection with its line, internal to parsing. */
  private static final class Located extends RuntimeException {
    private final int line;
    private final String ruleId;

    Located(int line, String ruleId, String reason) {
      super(reason, null, false, false);
      this.line = line;
      this.ruleId = ruleId;
    }
  }
}
