package io.nxs.doctor.heal;

import java.time.Instant;

/**
 * One entry of the healing log: one attempt of one action on one target (SPEC DR6). This is the
 * flat view, stored as the row's body and served as JSON; the lifecycle itself, one type per state
 * with its transitions, is {@link Attempt}'s.
 *
 * @param id e.g. {@code H12}
 * @param alertId the alert that triggered it
 * @param ruleId that alert's rule
 * @param alertKey that alert's rule + labels, to verify against
 * @param action the action's name
 * @param level 1-6
 * @param target what it acts on (a service, a provider), may be empty
 * @param state where it is
 * @param requestedAt when it was requested
 * @param updatedAt when it last changed
 * @param verifyBy when the verify window ends, once it verifies (kept when it finishes)
 * @param exitCode the command's exit code, when it ran a command
 * @param output the command's output, truncated
 * @param detail one line: what happened
 * @param approvedBy who approved it (levels 4-6)
 * @param dryRun whether it only said what it would do
 * @param unnecessary whether the triggering condition had already cleared when it ran (a healing
 *     false positive, SPEC DR8)
 */
public record HealingRecord(
    String id,
    String alertId,
    String ruleId,
    String alertKey,
    String action,
    int level,
    String target,
    State state,
    Instant requestedAt,
    Instant updatedAt,
    Instant verifyBy,
    Integer exitCode,
    String output,
    String detail,
    String approvedBy,
    boolean dryRun,
    boolean unnecessary) {

  /** Where an attempt is. */
  public enum State {
    /** Level 4-6: waits for an operator. */
    AWAITING_APPROVAL,
    /** The action is running. */
    RUNNING,
    /** It ran; waiting for the triggering condition to clear. */
    VERIFYING,
    /** The condition cleared within the verify window. */
    SUCCEEDED,
    /** The action failed or the condition did not clear in time. */
    FAILED,
    /** Not run: the rate limit for this action and target was reached. */
    RATE_LIMITED,
    /** Dry-run mode: logged what it would do. */
    DRY_RUN,
    /** The condition cleared before the action ran. */
    CANCELLED,
    /** No such action is configured or registered. */
    UNAVAILABLE;

    /** Whether nothing more will happen to the attempt. */
    public boolean terminal() {
      return this != AWAITING_APPROVAL && this != RUNNING && this != VERIFYING;
    }
  }
}
