package io.nxs.doctor.advice;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What {@code nxs doctor advice} and {@code /api/v1/doctor/advice} show (SPEC DR10).
 *
 * @param instances instances that take work now (1 for a single node)
 * @param minInstances the fewest a scale signal advises
 * @param maxInstances the most a scale signal advises
 * @param figures what the advice is made from
 * @param recommendations right-sizing for this instance, possibly none
 * @param lastSignal the last scale signal this instance gave, or null
 */
public record Advice(
    int instances,
    @JsonProperty("min_instances") int minInstances,
    @JsonProperty("max_instances") int maxInstances,
    RightSizing.Figures figures,
    List<Recommendation> recommendations,
    @JsonProperty("last_signal") ScalingSignal lastSignal) {}
