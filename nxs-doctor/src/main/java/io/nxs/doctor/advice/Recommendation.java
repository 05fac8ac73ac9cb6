package io.nxs.doctor.advice;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One right-sizing recommendation, a row of seed 000 §4's table.
 *
 * @param resource what it is about: {@code cpu}, {@code memory} or {@code schedule}
 * @param pattern the figure that prompts it, e.g. {@code CPU 12 % average over 24 h}
 * @param current what the instance has now, e.g. {@code 4 vCPU}
 * @param recommended what would do, e.g. {@code 2 vCPU}
 * @param savingsPercent the share of this resource's cost saved, as the seed estimates it
 */
public record Recommendation(
    String resource,
    String pattern,
    String current,
    String recommended,
    @JsonProperty("savings_percent") int savingsPercent) {}
