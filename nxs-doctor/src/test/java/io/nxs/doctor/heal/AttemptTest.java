package io.nxs.doctor.heal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.doctor.heal.Attempt.AwaitingApproval;
import io.nxs.doctor.heal.Attempt.Cancelled;
import io.nxs.doctor.heal.Attempt.DryRun;
import io.nxs.doctor.heal.Attempt.Exhausted;
import io.nxs.doctor.heal.Attempt.Failed;
import io.nxs.doctor.heal.Attempt.Request;
import io.nxs.doctor.heal.Attempt.Running;
import io.nxs.doctor.heal.Attempt.Succeeded;
import io.nxs.doctor.heal.Attempt.Verifying;
import io.nxs.doctor.heal.HealingRecord.State;
import io.nxs.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A healing attempt's lifecycle: each state's transitions and the flat view it is stored as. */
class AttemptTest {

  private static final Duration WINDOW = Duration.ofSeconds(30);

  private final MutableClock clock = MutableClock.startingAt2026();

  private Request request(int level) {
    return new Request(
        "H7",
        "A3",
        "service-down",
        "service-down{service=web}",
        "doctor.restart_service",
        level,
        "web",
        clock.instant(),
        false);
  }

  private Verifying verifying(Running running) {
    Instant ranAt = clock.advance(Duration.ofSeconds(2)).instant();
    return running.verify(ranAt, ranAt.plus(WINDOW), 0, "restarted", "exit 0");
  }

  @Test
  void approvingAWaitingAttemptRunsItAndRecordsWhoApprovedAndWhen() {
    AwaitingApproval waiting = new AwaitingApproval(request(4), "level 4 waits for approval");
    Instant requested = clock.instant();

    Running running = waiting.approve("ops", clock.advance(Duration.ofMinutes(3)).instant());

    HealingRecord view = running.view();
    assertThat(view.state()).isEqualTo(State.RUNNING);
    assertThat(view.approvedBy()).isEqualTo("ops");
    assertThat(view.detail()).isEqualTo("approved by ops");
    assertThat(view.requestedAt()).isEqualTo(requested);
    assertThat(view.updatedAt()).isEqualTo(requested.plus(Duration.ofMinutes(3)));
    assertThat(waiting.view().updatedAt()).isEqualTo(requested);
  }

  @Test
  void cancellingBeforeApprovalEndsTheAttemptWithoutARun() {
    AwaitingApproval waiting = new AwaitingApproval(request(5), "level 5 waits for approval");

    Cancelled cancelled = waiting.cancel(clock.advance(Duration.ofMinutes(1)).instant());

    HealingRecord view = cancelled.view();
    assertThat(view.state()).isEqualTo(State.CANCELLED);
    assertThat(view.state().terminal()).isTrue();
    assertThat(view.detail()).isEqualTo("the condition cleared before approval");
    assertThat(view.updatedAt()).isEqualTo(clock.instant());
    assertThat(view.approvedBy()).isNull();
    assertThat(view.exitCode()).isNull();
  }

  @Test
  void aLevelOneToThreeAttemptStartsRunningWithNobodyApproving() {
    Running running = Running.start(request(2));

    HealingRecord view = running.view();
    assertThat(view.state()).isEqualTo(State.RUNNING);
    assertThat(view.detail()).isEqualTo("started");
    assertThat(view.updatedAt()).isEqualTo(view.requestedAt());
    assertThat(view.approvedBy()).isNull();
    assertThat(view.unnecessary()).isFalse();
  }

  @Test
  void anActionThatWorkedVerifiesUntilItsDeadline() {
    Verifying v = verifying(Running.start(request(2)));

    HealingRecord view = v.view();
    assertThat(view.state()).isEqualTo(State.VERIFYING);
    assertThat(view.detail()).isEqualTo("exit 0; verifying");
    assertThat(view.verifyBy()).isEqualTo(clock.instant().plus(WINDOW));
    assertThat(view.exitCode()).isZero();
    assertThat(view.output()).isEqualTo("restarted");
    assertThat(v.expired(clock.instant().plus(WINDOW).minusMillis(1))).isFalse();
    assertThat(v.expired(clock.instant().plus(WINDOW))).isTrue();
  }

  @Test
  void aVerifiedAttemptKeepsWhatItsRunLeftAndWhoApprovedIt() {
    Running approved =
        new AwaitingApproval(request(4), "waits").approve("ops", clock.instant()).markUnnecessary();
    Verifying v = verifying(approved);

    Succeeded done = v.verified(clock.advance(Duration.ofSeconds(10)).instant());

    HealingRecord view = done.view();
    assertThat(view.state()).isEqualTo(State.SUCCEEDED);
    assertThat(view.detail()).isEqualTo("verified: the condition cleared");
    assertThat(view.updatedAt()).isEqualTo(clock.instant());
    assertThat(view.verifyBy()).isEqualTo(v.verifyBy());
    assertThat(view.exitCode()).isZero();
    assertThat(view.output()).isEqualTo("restarted");
    assertThat(view.approvedBy()).isEqualTo("ops");
    assertThat(view.unnecessary()).isTrue();
  }

  @Test
  void aVerifyThatTimesOutFailsAndNamesTheWindow() {
    Verifying v = verifying(Running.start(request(2)));

    Failed failed = v.timedOut(clock.advance(WINDOW).instant(), WINDOW);

    HealingRecord view = failed.view();
    assertThat(view.state()).isEqualTo(State.FAILED);
    assertThat(view.detail()).isEqualTo("verify failed: the condition did not clear within 30s");
    assertThat(view.verifyBy()).isEqualTo(v.verifyBy());
    assertThat(view.exitCode()).isZero();
  }

  @Test
  void anActionThatFailedEndsWithoutAVerifyDeadline() {
    Failed failed =
        Running.start(request(2))
            .fail(clock.advance(Duration.ofSeconds(1)).instant(), 3, "unit not found", "exit 3");

    HealingRecord view = failed.view();
    assertThat(view.state()).isEqualTo(State.FAILED);
    assertThat(view.verifyBy()).isNull();
    assertThat(view.exitCode()).isEqualTo(3);
    assertThat(view.output()).isEqualTo("unit not found");
    assertThat(view.detail()).isEqualTo("exit 3");
  }

  @Test
  void aDryRunEndsWithWhatItWouldHaveDoneAndNothingRun() {
    DryRun dry =
        Running.start(request(2))
            .dryRun(clock.advance(Duration.ofSeconds(1)).instant(), "would restart web");

    HealingRecord view = dry.view();
    assertThat(view.state()).isEqualTo(State.DRY_RUN);
    assertThat(view.detail()).isEqualTo("would restart web");
    assertThat(view.exitCode()).isNull();
    assertThat(view.verifyBy()).isNull();
  }

  @Test
  void anExhaustedLadderShowsAsAFailedPseudoAction() {
    Request r = new Request("H9", "A3", "service-down", "k", "-", 0, "web", clock.instant(), false);

    HealingRecord view = new Exhausted(r, "every healing level was tried").view();

    assertThat(view.state()).isEqualTo(State.FAILED);
    assertThat(view.action()).isEqualTo("-");
    assertThat(view.updatedAt()).isEqualTo(view.requestedAt());
  }

  @Test
  void everyOpenStateComesBackUnchangedFromItsStoredView() {
    AwaitingApproval waiting = new AwaitingApproval(request(4), "waits");
    Running running = waiting.approve("ops", clock.advance(Duration.ofSeconds(5)).instant());
    Verifying v = verifying(running.markUnnecessary());

    for (Attempt.Open open : new Attempt.Open[] {waiting, running, v}) {
      HealingRecord stored =
          Json.mapper().convertValue(Json.mapper().valueToTree(open.view()), HealingRecord.class);
      assertThat(Attempt.restore(stored)).isEqualTo(open);
    }
  }

  @Test
  void aFinishedAttemptCannotBeCarriedOn() {
    HealingRecord done = verifying(Running.start(request(2))).verified(clock.instant()).view();

    assertThatThrownBy(() -> Attempt.restore(done))
        .isInstanceOf(NxsException.class)
        .hasMessage(
            "healing attempt 'H7' is succeeded: only an unfinished attempt can be carried on");
  }

  @Test
  void theStoredAndServedJsonKeepsItsFieldNamesAndStateStrings() {
    Verifying v =
        verifying(new AwaitingApproval(request(4), "waits").approve("ops", clock.instant()));

    String json = Json.write(v.verified(clock.advance(Duration.ofSeconds(10)).instant()).view());

    assertThat(json)
        .isEqualTo(
            "{\"id\":\"H7\",\"alertId\":\"A3\",\"ruleId\":\"service-down\","
                + "\"alertKey\":\"service-down{service=web}\",\"action\":\"doctor.restart_service\","
                + "\"level\":4,\"target\":\"web\",\"state\":\"SUCCEEDED\","
                + "\"requestedAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:12Z\","
                + "\"verifyBy\":\"2026-01-01T00:00:32Z\",\"exitCode\":0,\"output\":\"restarted\","
                + "\"detail\":\"verified: the condition cleared\",\"approvedBy\":\"ops\","
                + "\"dryRun\":false,\"unnecessary\":false}");
  }
}
