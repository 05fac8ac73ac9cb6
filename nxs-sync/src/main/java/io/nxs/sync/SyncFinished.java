package io.nxs.sync;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.nxs.core.event.NxsEvent;
import java.time.Instant;

/**
 * A sync run ended (for the dashboard's live view and anyone else on the event bus).
 *
 * @param at when it ended
 * @param ok whether it completed
 * @param pushed whether it pushed this workspace's changes
 * @param applied files it wrote into the workspace or removed from it
 * @param conflicts conflicts it resolved
 * @param error why it failed, one line; null when ok
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SyncFinished(
    Instant at, boolean ok, boolean pushed, int applied, int conflicts, String error)
    implements NxsEvent {}
