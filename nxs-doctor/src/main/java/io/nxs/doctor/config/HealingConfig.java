package io.nxs.doctor.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.Durations;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code doctor.healing}: the healing ladder (SPEC DR6).
 *
 * @param dryRun when true, actions are logged with what they would do and never run; default false
 * @param maxAttempts at most this many runs of one action on one target per {@code window}, then
 *     the ladder escalates instead (no restart storms); default 3
 * @param window the rate-limit window; default 15m
 * @param verifyWindow how long the triggering condition has to clear after an action; default 2m
 * @param resetAfter a target healthy this long gets its attempt counter reset; default 10m
 * @param commandTimeout the timeout of a healing command; default 60s
 * @param actions configured actions, tried from the lowest level up
 */
public record HealingConfig(
    boolean dryRun,
    int maxAttempts,
    Duration window,
    Duration verifyWindow,
    Duration resetAfter,
    Duration commandTimeout,
    List<ActionConfig> actions) {

  @JsonCreator
  public HealingConfig(
      @JsonProperty("dry_run") Boolean dryRun,
      @JsonProperty("max_attempts") Integer maxAttempts,
      @JsonProperty("window") Duration window,
      @JsonProperty("verify_window") Duration verifyWindow,
      @JsonProperty("reset_after") Duration resetAfter,
      @JsonProperty("command_timeout") Duration commandTimeout,
      @JsonProperty("actions") List<ActionConfig> actions) {
    this(
        dryRun != null && dryRun,
        maxAttempts == null ? 3 : maxAttempts,
        window == null ? Duration.ofMinutes(15) : window,
        verifyWindow == null ? Duration.ofMinutes(2) : verifyWindow,
        resetAfter == null ? Duration.ofMinutes(10) : resetAfter,
        commandTimeout == null ? Duration.ofSeconds(60) : commandTimeout,
        actions == null ? List.of() : actions);
  }

  public HealingConfig {
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new IllegalArgumentException(
          "max_attempts must be in [1, 100], but was " + maxAttempts);
    }
    for (var d : List.of(window, verifyWindow, resetAfter, commandTimeout)) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(
            "healing durations must be positive, but one was " + Durations.format(d));
      }
    }
    actions = List.copyOf(actions);
    Set<String> names = new HashSet<>();
    for (ActionConfig a : actions) {
      if (!names.add(a.name())) {
        throw new IllegalArgumentException("healing action '" + a.name() + "' is listed twice");
      }
    }
  }

  static HealingConfig defaults() {
    return new HealingConfig(null, null, null, null, null, null, null);
  }

  /**
   * One configured healing action.
   *
   * @param name unique, e.g. {@code clear-caches}
   * @param level 1-6; 4-6 wait for approval
   * @param command a shell command; {@code {{target}}} is replaced by the alert's target
   * @param use instead of a command, an action another module registered (e.g. {@code
   *     gateway.switch_provider})
   * @param on rule ids (a trailing {@code *} matches any suffix) whose alerts this action heals
   */
  public record ActionConfig(String name, int level, String command, String use, List<String> on) {

    @JsonCreator
    public ActionConfig(
        @JsonProperty("name") String name,
        @JsonProperty("level") Integer level,
        @JsonProperty("command") String command,
        @JsonProperty("use") String use,
        @JsonProperty("on") List<String> on) {
      this(name, level == null ? 0 : level.intValue(), command, use, on == null ? List.of() : on);
    }

    public ActionConfig {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a healing action needs a name");
      }
      if (level < 1 || level > 6) {
        throw new IllegalArgumentException(
            "healing action '" + name + "': level must be in [1, 6], but was " + level);
      }
      if ((command == null) == (use == null)) {
        throw new IllegalArgumentException(
            "healing action '" + name + "' needs exactly one of command or use");
      }
      if (on == null || on.isEmpty()) {
        throw new IllegalArgumentException(
            "healing action '" + name + "' needs 'on': the rule ids it heals");
      }
      on = List.copyOf(on);
    }
  }
}
