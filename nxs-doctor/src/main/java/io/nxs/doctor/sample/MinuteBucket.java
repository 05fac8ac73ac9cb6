package io.nxs.doctor.sample;

/** One series' aggregate over one minute, as written to the history. */
public record MinuteBucket(
    SeriesKey key, long minuteStartMillis, double avg, double min, double max, int count) {}
