package io.nxs.doctor.heal;

import io.nxs.core.NxsException;
import io.nxs.core.config.Durations;
import io.nxs.doctor.heal.HealingRecord.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Where one healing attempt is in its lifecycle (SPEC DR6), one type per state, each holding only
 * what is true in it and offering only the transitions that leave it:
 *
 * <pre>
 * AwaitingApproval ──approve──▶ Running ──verify──▶ Verifying ──verified──▶ Succeeded
 *        │                       │  │                  │
 *      cancel                 fail  dryRun           timedOut
 *        ▼                       ▼  ▼                  ▼
 *    Cancelled               Failed DryRun           Failed
 * </pre>
 *
 * <p>{@link RateLimited}, {@link Unavailable} and {@link Exhausted} are born finished: the ladder
 * records them instead of running anything. Levels 1-3 start as {@link Running}, 4-6 as {@link
 * AwaitingApproval}. The public {@link HealingRecord} view, the one stored and served as JSON,
 * flattens a state into its {@link State} phase and nullable fields.
 */
sealed interface Attempt {

  /** What is asked for; the same in every state. */
  Request request();

  /** When it last changed. */
  Instant updatedAt();

  /** One line: what happened. */
  String detail();

  /** The phase shown in the view and stored. */
  State phase();

  /** The public, flat view: what is stored and served. */
  HealingRecord view();

  /**
   * One attempt of one action on one target for one alert.
   *
   * @param id e.g. {@code H12}
   * @param alertId the alert that triggered it
   * @param ruleId that alert's rule
   * @param alertKey that alert's rule + labels, to verify against
   * @param action the action's name
   * @param level 1-6, 0 when no action could be found
   * @param target what it acts on (a service, a provider), may be empty
   * @param requestedAt when it was requested
   * @param dryRun whether the healer was in dry-run mode then
   */
  record Request(
      String id,
      String alertId,
      String ruleId,
      String alertKey,
      String action,
      int level,
      String target,
      Instant requestedAt,
      boolean dryRun) {

    HealingRecord view(
        State state,
        Instant updatedAt,
        Instant verifyBy,
        Integer exitCode,
        String output,
        String detail,
        String approvedBy,
        boolean unnecessary) {
      return new HealingRecord(
          id,
          alertId,
          ruleId,
          alertKey,
          action,
          level,
          target,
          state,
          requestedAt,
          updatedAt,
          verifyBy,
          exitCode,
          output,
          detail,
          approvedBy,
          dryRun,
          unnecessary);
    }
  }

  /** Something will still happen to it: it waits, runs or verifies. */
  sealed interface Open extends Attempt permits AwaitingApproval, Running, Verifying {}

  /** Nothing more will happen to it. */
  sealed interface Closed extends Attempt
      permits Succeeded, Failed, DryRun, Cancelled, RateLimited, Unavailable, Exhausted {}

  /**
   * The open attempt a stored view shows, to carry on after a restart.
   *
   * @throws NxsException when the view shows a finished attempt
   */
  static Open restore(HealingRecord r) {
    Request q =
        new Request(
            r.id(),
            r.alertId(),
            r.ruleId(),
            r.alertKey(),
            r.action(),
            r.level(),
            r.target(),
            r.requestedAt(),
            r.dryRun());
    return switch (r.state()) {
      case AWAITING_APPROVAL -> new AwaitingApproval(q, r.detail());
      case RUNNING -> new Running(q, r.updatedAt(), r.detail(), r.approvedBy(), r.unnecessary());
      case VERIFYING ->
          new Verifying(
              q,
              r.updatedAt(),
              r.detail(),
              r.approvedBy(),
              r.unnecessary(),
              r.exitCode(),
              r.output(),
              r.verifyBy());
      default ->
          throw new NxsException(
              "healing attempt '"
                  + r.id()
                  + "' is "
                  + r.state().name().toLowerCase(Locale.ROOT)
                  + ": only an unfinished attempt can be carried on");
    };
  }

  /** Level 4-6: waits for an operator; nothing has changed since it was requested. */
  record AwaitingApproval(Request request, String detail) implements Open {
    @Override
    public State phase() {
      return State.AWAITING_APPROVAL;
    }

    @Override
    public Instant updatedAt() {
      return request.requestedAt();
    }

    /** An operator approved it: it runs. */
    Running approve(String by, Instant at) {
      return new Running(request, at, "approved by " + by, by, false);
    }

    /** The condition cleared before anyone approved it. */
    Cancelled cancel(Instant at) {
      return new Cancelled(request, at, "the condition cleared before approval");
    }

    @Override
    public HealingRecord view() {
      return request.view(phase(), updatedAt(), null, null, null, detail, null, false);
    }
  }

  /**
   * The action is running.
   *
   * @param approvedBy who approved it, null for levels 1-3
   * @param unnecessary whether the condition had already cleared when it started (a healing false
   *     positive, SPEC DR8)
   */
  record Running(
      Request request, Instant updatedAt, String detail, String approvedBy, boolean unnecessary)
      implements Open {

    /** A level 1-3 attempt, started at once. */
    static Running start(Request request) {
      return new Running(request, request.requestedAt(), "started", null, false);
    }

    @Override
    public State phase() {
      return State.RUNNING;
    }

    /** The condition had already cleared when it started. */
    Running markUnnecessary() {
      return new Running(request, updatedAt, detail, approvedBy, true);
    }

    /**
     * The action worked; the condition has until {@code verifyBy} to clear.
     *
     * @param exitCode the command's exit code, null unless it ran a command
     * @param output the command's output, null unless it ran a command
     */
    Verifying verify(Instant at, Instant verifyBy, Integer exitCode, String output, String detail) {
      return new Verifying(
          request, at, detail + "; verifying", approvedBy, unnecessary, exitCode, output, verifyBy);
    }

    /** The action failed. */
    Failed fail(Instant at, Integer exitCode, String output, String detail) {
      return new Failed(request, at, detail, approvedBy, unnecessary, exitCode, output, null);
    }

    /** Dry-run mode: it only said what it would do. */
    DryRun dryRun(Instant at, String detail) {
      return new DryRun(request, at, detail, approvedBy, unnecessary);
    }

    @Override
    public HealingRecord view() {
      return request.view(phase(), updatedAt, null, null, null, detail, approvedBy, unnecessary);
    }
  }

  /** It ran; the triggering condition has until {@code verifyBy} to clear. */
  record Verifying(
      Request request,
      Instant updatedAt,
      String detail,
      String approvedBy,
      boolean unnecessary,
      Integer exitCode,
      String output,
      Instant verifyBy)
      implements Open {
    @Override
    public State phase() {
      return State.VERIFYING;
    }

    /** Whether the verify window is over at {@code now}. */
    boolean expired(Instant now) {
      return !now.isBefore(verifyBy);
    }

    /** The condition cleared within the window. */
    Succeeded verified(Instant at) {
      return new Succeeded(
          request,
          at,
          "verified: the condition cleared",
          approvedBy,
          unnecessary,
          exitCode,
          output,
          verifyBy);
    }

    /** The condition did not clear within {@code window}. */
    Failed timedOut(Instant at, Duration window) {
      return new Failed(
          request,
          at,
          "verify failed: the condition did not clear within " + Durations.format(window),
          approvedBy,
          unnecessary,
          exitCode,
          output,
          verifyBy);
    }

    @Override
    public HealingRecord view() {
      return request.view(
          phase(), updatedAt, verifyBy, exitCode, output, detail, approvedBy, unnecessary);
    }
  }

  /** The condition cleared within the verify window that ended at {@code verifyBy}. */
  record Succeeded(
      Request request,
      Instant updatedAt,
      String detail,
      String approvedBy,
      boolean unnecessary,
      Integer exitCode,
      String output,
      Instant verifyBy)
      implements Closed {
    @Override
    public State phase() {
      return State.SUCCEEDED;
    }

    @Override
    public HealingRecord view() {
      return request.view(
          phase(), updatedAt, verifyBy, exitCode, output, detail, approvedBy, unnecessary);
    }
  }

  /**
   * The action failed, or the condition did not clear in time.
   *
   * @param verifyBy the verify deadline it missed, null when the action itself failed
   */
  record Failed(
      Request request,
      Instant updatedAt,
      String detail,
      String approvedBy,
      boolean unnecessary,
      Integer exitCode,
      String output,
      Instant verifyBy)
      implements Closed {
    @Override
    public State phase() {
      return State.FAILED;
    }

    @Override
    public HealingRecord view() {
      return request.view(
          phase(), updatedAt, verifyBy, exitCode, output, detail, approvedBy, unnecessary);
    }
  }

  /** Dry-run mode: logged what it would do. */
  record DryRun(
      Request request, Instant updatedAt, String detail, String approvedBy, boolean unnecessary)
      implements Closed {
    @Override
    public State phase() {
      return State.DRY_RUN;
    }

    @Override
    public HealingRecord view() {
      return request.view(phase(), updatedAt, null, null, null, detail, approvedBy, unnecessary);
    }
  }

  /** The condition cleared before an operator approved it. */
  record Cancelled(Request request, Instant updatedAt, String detail) implements Closed {
    @Override
    public State phase() {
      return State.CANCELLED;
    }

    @Override
    public HealingRecord view() {
      return request.view(phase(), updatedAt, null, null, null, detail, null, false);
    }
  }

  /** Not run: the rate limit for this action and target was reached. */
  record RateLimited(Request request, String detail) implements Closed {
    @Override
    public State phase() {
      return State.RATE_LIMITED;
    }

    @Override
    public Instant updatedAt() {
      return request.requestedAt();
    }

    @Override
    public HealingRecord view() {
      return request.view(phase(), updatedAt(), null, null, null, detail, null, false);
    }
  }

  /** No such action is configured or registered. */
  record Unavailable(Request request, String detail) implements Closed {
    @Override
    public State phase() {
      return State.UNAVAILABLE;
    }

    @Override
    public Instant updatedAt() {
      return request.requestedAt();
    }

    @Override
    public HealingRecord view() {
      return request.view(phase(), updatedAt(), null, null, null, detail, null, false);
    }
  }

  /**
   * Every level of the ladder was tried: an operator has to act. Shown as {@link State#FAILED} of
   * the pseudo-action {@code -}.
   */
  record Exhausted(Request request, String detail) implements Closed {
    @Override
    public State phase() {
      return State.FAILED;
    }

    @Override
    public Instant updatedAt() {
      return request.requestedAt();
    }

    @Override
    public HealingRecord view() {
      return request.view(phase(), updatedAt(), null, null, null, detail, null, false);
    }
  }
}
