package io.nxs.score;

import java.time.Instant;

/**
 * A file was scored, rejected or could not be scored; on the event bus for the dashboard.
 *
 * @param at when
 * @param id the score's id
 * @param kind {@code image}, {@code audio} or null
 * @param status as in {@link Score}
 * @param quality the quality, or null
 * @param review whether it went to the review queue
 */
public record ScoreEvent(
    Instant at, String id, String kind, String status, Double quality, boolean review)
    implements io.nxs.core.event.NxsEvent {}
