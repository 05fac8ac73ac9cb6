package io.nxs.doctor.rule;

/**
 * Why a rule was rejected.
 *
 * @param file the file
 * @param line the line of the offending key (or of the rule)
 * @param ruleId the rule's id, or empty when it has none
 * @param reason one line
 */
public record RuleProblem(String file, int line, String ruleId, String reason) {

  @Override
  public String toString() {
    return file + ":" + line + ": " + (ruleId.isEmpty() ? "" : "rule '" + ruleId + "': ") + reason;
  }
}
