package io.nxs.core.ext;

/**
 * Something the Doctor may do to heal (SPEC DR6). Levels 1-3 run automatically, 4-6 wait for an
 * operator's approval: 1 clear caches, 2 restart a service, 3 switch provider, 4 reload extensions,
 * 5 full restart, 6 restore from backup.
 */
public interface HealingAction {

  /** Unique name, e.g. {@code gateway.switch_provider}. */
  String name();

  /** 1 to 6, as above. */
  int level();

  /** One line saying what it does, for approvals and the healing log. */
  String description();

  /**
   * Runs the action (or, when {@code dryRun}, only says what it would do).
   *
   * @param target what to act on, e.g. a provider or service name; may be empty
   */
  Outcome execute(String target, boolean dryRun);

  /**
   * @param success whether the action did what it says
   * @param detail one line for the healing log
   */
  record Outcome(boolean success, String detail) {}
}
