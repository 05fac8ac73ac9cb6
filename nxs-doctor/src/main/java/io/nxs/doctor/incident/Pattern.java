package io.nxs.doctor.incident;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A known combination of alerts and its root cause (seed 001 §5, "disk full + service crash → disk
 * is the root cause"), from {@code io/nxs/doctor/patterns.yaml}.
 *
 * @param id its name
 * @param when rule id globs that must all match an alert of the incident ({@code *} any text)
 * @param root the glob of the alert that is the root cause
 * @param suggest the suggested action; {@code {{label}}} reads any alert's labels
 */
public record Pattern(String id, List<String> when, String root, String suggest) {

  @JsonCreator
  public Pattern(
      @JsonProperty("id") String id,
      @JsonProperty("when") List<String> when,
      @JsonProperty("root") String root,
      @JsonProperty("suggest") String suggest) {
    this.id = id;
    this.when = List.copyOf(when);
    this.root = root;
    this.suggest = suggest;
    if (!this.when.contains(root)) {
      throw new IllegalArgumentException(
          "pattern '" + id + "': root must be one of its 'when' globs");
    }
  }

  /** Whether a rule id matches a glob. */
  public static boolean matches(String glob, String ruleId) {
    String regex = java.util.regex.Pattern.quote(glob).replace("*", "\\E.*\\Q");
    return ruleId.matches(regex);
  }
}
