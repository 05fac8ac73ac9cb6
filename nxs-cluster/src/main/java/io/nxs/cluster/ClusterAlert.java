package io.nxs.cluster;

import io.nxs.core.event.NxsEvent;
import java.time.Instant;

/**
 * Something about the cluster a person should know: a flapping instance, this node on the minority
 * side of a split, a node refused, a heal that needs review.
 *
 * @param kind short dotted kind, e.g. {@code flapping}, {@code minority}, {@code review}
 * @param nodeId the instance concerned
 * @param message one line for people
 */
public record ClusterAlert(Instant at, String kind, String nodeId, String message)
    implements NxsEvent {}
