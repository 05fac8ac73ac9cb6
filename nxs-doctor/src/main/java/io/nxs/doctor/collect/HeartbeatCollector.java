package io.nxs.doctor.collect;

import io.nxs.core.event.Heartbeat;
import io.nxs.core.ext.MetricSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Heartbeats as durations (SPEC DR1): {@code nxs.last_heartbeat} is the seconds since the daemon's
 * last {@link Heartbeat}, and {@code heartbeat.age_seconds{source}} the same for every source.
 * Before the first heartbeat the age counts from when the collector started.
 */
public final class HeartbeatCollector implements MetricSource {

  /** The source whose heartbeat is {@code nxs.last_heartbeat}. */
  public static final String DAEMON = "daemon";

  private final Clock clock;
  private final long startMillis;
  private final Map<String, Long> lastBeat = new ConcurrentHashMap<>();

  public HeartbeatCollector(Clock clock) {
    this.clock = clock;
    this.startMillis = clock.millis();
  }

  /** Records a heartbeat; wire to the event bus. */
  public void onHeartbeat(Heartbeat beat) {
    lastBeat.merge(beat.source(), beat.at().toEpochMilli(), Math::max);
  }

  /** When the source last beat (epoch millis), or -1. */
  public long last(String source) {
    return lastBeat.getOrDefault(source, -1L);
  }

  @Override
  public String name() {
    return "heartbeats";
  }

  @Override
  public List<Sample> collect() {
    long now = clock.millis();
    List<Sample> out = new ArrayList<>();
    out.add(
        new Sample(
            "nxs.last_heartbeat",
            Map.of(),
            (now - lastBeat.getOrDefault(DAEMON, startMillis)) / 1000.0));
    lastBeat.forEach(
        (source, at) ->
            out.add(
                new Sample(
                    "heartbeat.age_seconds", Map.of("source", source), (now - at) / 1000.0)));
    return out;
  }
}
