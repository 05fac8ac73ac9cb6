package io.nxs.session.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationStateTest {

  private static final List<MigrationState> PATH =
      List.of(
          new MigrationState.Init(),
          new MigrationState.Exporting(),
          new MigrationState.Transferring(),
          new MigrationState.Importing(),
          new MigrationState.Verifying(),
          new MigrationState.Active());

  @Test
  void theHappyPathGoesStepByStepAndEndsActive() {
    MigrationState s = PATH.getFirst();
    for (MigrationState next : PATH.subList(1, PATH.size())) {
      s = s.to(next);
    }
    assertThat(s.name()).isEqualTo("ACTIVE");
    assertThat(s.terminal()).isTrue();
  }

  @Test
  void everyStepBeforeActiveMayFailWithItsReason() {
    for (MigrationState s : PATH.subList(0, PATH.size() - 1)) {
      MigrationState failed = s.to(new MigrationState.Failed(s.name(), "disk full", false));
      assertThat(failed.terminal()).isTrue();
      assertThat(((MigrationState.Failed) failed).step()).isEqualTo(s.name());
    }
    assertThatThrownBy(
            () -> new MigrationState.Active().to(new MigrationState.Failed("ACTIVE", "x", false)))
        .hasMessageContaining("cannot go from ACTIVE to FAILED");
  }

  @Test
  void noStepIsSkippedOrRepeated() {
    assertThatThrownBy(() -> new MigrationState.Init().to(new MigrationState.Transferring()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a migration cannot go from INIT to TRANSFERRING");
    assertThatThrownBy(() -> new MigrationState.Transferring().to(new MigrationState.Active()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new MigrationState.Importing().to(new MigrationState.Importing()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void onlyAResumableFailureGoesBackToTransferring() {
    assertThat(
            new MigrationState.Failed("TRANSFERRING", "target down", true)
                .allows(new MigrationState.Transferring()))
        .isTrue();
    assertThat(
            new MigrationState.Failed("VERIFYING", "hash differs", false)
                .allows(new MigrationState.Transferring()))
        .isFalse();
  }

  @Test
  void storedNamesComeBackAsTheirTypes() {
    for (MigrationState s : PATH) {
      assertThat(MigrationState.of(s.name())).isEqualTo(s);
    }
    assertThatThrownBy(() -> MigrationState.of("PAUSED")).hasMessageContaining("PAUSED");
  }
}
