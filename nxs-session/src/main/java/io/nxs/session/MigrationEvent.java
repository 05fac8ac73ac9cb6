package io.nxs.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.event.NxsEvent;
import java.time.Instant;

/**
 * A migration moved (a new state, or bytes acknowledged), for the dashboard's live view.
 *
 * @param at when
 * @param id the migration
 * @param role {@code source} or {@code target}
 * @param state its state now
 * @param bytesDone acknowledged bytes of the current phase
 * @param bytesTotal bytes of the current phase
 * @param reason why it failed, when it did
 */
public record MigrationEvent(
    @JsonProperty("at") Instant at,
    @JsonProperty("id") String id,
    @JsonProperty("role") String role,
    @JsonProperty("state") String state,
    @JsonProperty("bytes_done") long bytesDone,
    @JsonProperty("bytes_total") long bytesTotal,
    @JsonProperty("reason") String reason)
    implements NxsEvent {}
