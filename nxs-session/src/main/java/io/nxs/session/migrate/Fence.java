package io.nxs.session.migrate;

import io.nxs.core.ext.PrimaryGuard;
import java.util.Optional;

/**
 * The source's fence after a hand-off (SPEC SE3 case 5): while it stands, this instance must not
 * run the agent as primary, so two copies never both accept writes. It lives in state.db, so it
 * survives restarts; only {@code nxs session unfence} (or a migration that fails before the target
 * took over) lifts it.
 */
public final class Fence implements PrimaryGuard {

  public static final String NAME = "session.fence";

  private final MigrationStore store;

  public Fence(MigrationStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> refusal() {
    return store
        .fenceRow()
        .map(
            f ->
                "fenced since "
                    + f.fencedAt()
                    + " by migration "
                    + f.migrationId()
                    + " to "
                    + f.peer()
                    + ": the agent runs there now; run `nxs session unfence` to take it back here");
  }
}
