package io.nxs.cluster.heal;

import java.time.Instant;
import java.util.List;

/**
 * What one heal did, phase by phase (SPEC CL6).
 *
 * @param at when it finished
 * @param node the node that ran it (a node of the side that lost)
 * @param winner phase 1: the ids of the winning side
 * @param loser phase 1: the ids of the other side
 * @param compared phase 2: how many values written apart were compared
 * @param applied phase 3: values written apart that became shared (newer chat, winning config)
 * @param kept phase 3: values written apart that were dropped for the shared one
 * @param review phase 4: conflicts queued for a person
 */
public record HealReport(
    Instant at,
    String node,
    List<String> winner,
    List<String> loser,
    int compared,
    int applied,
    int kept,
    int review) {}
