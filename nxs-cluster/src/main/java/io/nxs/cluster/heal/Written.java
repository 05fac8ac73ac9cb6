package io.nxs.cluster.heal;

import io.nxs.core.cluster.SharedKind;
import java.time.Instant;

/**
 * A shared value as written by one node.
 *
 * @param kind its kind, which says how a conflict is settled
 * @param key its key within the kind
 * @param value the value
 * @param writer the id of the node that wrote it
 * @param at when, from the writer's clock
 */
public record Written(SharedKind kind, String key, String value, String writer, Instant at) {}
