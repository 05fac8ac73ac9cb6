package io.nxs.session.migrate;

import java.util.Locale;

/**
 * Where a migration is (SPEC SE2): INIT → EXPORTING → TRANSFERRING → IMPORTING → VERIFYING →
 * ACTIVE, and FAILED from any step before ACTIVE with the step and a reason. One type per state;
 * each says which state may follow it, and {@link #to} refuses any other move.
 *
 * <p>A failure during TRANSFERRING (a peer that stopped answering) is resumable: the next attempt
 * goes back to TRANSFERRING and continues after the last chunk the target acknowledged.
 */
public sealed interface MigrationState {

  /** The state's name as stored and shown, e.g. {@code TRANSFERRING}. */
  String name();

  /** Whether nothing more happens on its own (ACTIVE, FAILED). */
  default boolean terminal() {
    return false;
  }

  /** Whether {@code next} may follow this state. */
  boolean allows(MigrationState next);

  /**
   * The move to {@code next}.
   *
   * @throws IllegalStateException naming both states when the move is not allowed
   */
  default MigrationState to(MigrationState next) {
    if (!allows(next)) {
      throw new IllegalStateException(
          "a migration cannot go from " + name() + " to " + next.name());
    }
    return next;
  }

  /** Agreeing on versions, key and room with the target. */
  record Init() implements MigrationState {
    public String name() {
      return "INIT";
    }

    public boolean allows(MigrationState next) {
      return next instanceof Exporting || next instanceof Failed;
    }
  }

  /** Taking consistent snapshots of the agents' stores with OpenClaw's online backup. */
  record Exporting() implements MigrationState {
    public String name() {
      return "EXPORTING";
    }

    public boolean allows(MigrationState next) {
      return next instanceof Transferring || next instanceof Failed;
    }
  }

  /**
   * Sending checksummed, compressed chunks; after the bulk, the source fences and sends the rest.
   */
  record Transferring() implements MigrationState {
    public String name() {
      return "TRANSFERRING";
    }

    public boolean allows(MigrationState next) {
      return next instanceof Importing || next instanceof Failed;
    }
  }

  /** The target restores the snapshots through {@code openclaw backup sqlite restore}. */
  record Importing() implements MigrationState {
    public String name() {
      return "IMPORTING";
    }

    public boolean allows(MigrationState next) {
      return next instanceof Verifying || next instanceof Failed;
    }
  }

  /** The target proves every session, count and hash with OpenClaw's own tools, then activates. */
  record Verifying() implements MigrationState {
    public String name() {
      return "VERIFYING";
    }

    public boolean allows(MigrationState next) {
      return next instanceof Active || next instanceof Failed;
    }
  }

  /** The target runs the agent; the source is fenced. */
  record Active() implements MigrationState {
    public String name() {
      return "ACTIVE";
    }

    public boolean terminal() {
      return true;
    }

    public boolean allows(MigrationState next) {
      return false;
    }
  }

  /**
   * Stopped in {@code step} for {@code reason}.
   *
   * @param step the state it failed in
   * @param reason one line for the operator: what went wrong and what to do
   * @param resumable whether {@code nxs session migrate --resume} can continue it
   */
  record Failed(String step, String reason, boolean resumable) implements MigrationState {
    public String name() {
      return "FAILED";
    }

    public boolean terminal() {
      return true;
    }

    public boolean allows(MigrationState next) {
      return resumable && next instanceof Transferring;
    }
  }

  /** The state a stored name stands for (FAILED needs its step and reason, so not here). */
  static MigrationState of(String name) {
    return switch (name.toUpperCase(Locale.ROOT)) {
      case "INIT" -> new Init();
      case "EXPORTING" -> new Exporting();
      case "TRANSFERRING" -> new Transferring();
      case "IMPORTING" -> new Importing();
      case "VERIFYING" -> new Verifying();
      case "ACTIVE" -> new Active();
      default -> throw new IllegalArgumentException("no migration state '" + name + "'");
    };
  }
}
