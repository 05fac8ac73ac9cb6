package io.nxs.rollout.fleet;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One staged rollout as the fleet shares it (SPEC RO4). The coordinator alone changes it, one
 * {@link Coordinator#step} at a time; everything it needs to go on is in here, so another instance
 * picks it up where it stands when the coordinator is lost.
 *
 * @param id e.g. {@code R-20261206-171500-0.2.0}
 * @param version the version rolled out
 * @param archive the archive's path, the same on every instance
 * @param sha256 the archive's SHA-256, checked by every instance before it installs
 * @param phase where it is
 * @param waves the planned steps
 * @param wave the index of the current step in {@code waves}
 * @param targets the version each instance must run now: the new one, or on a rollback its previous
 *     one
 * @param from the version each reached instance ran before the rollout: where a rollback returns
 * @param startedAt when it was started
 * @param stepAt when the current phase began (a step's install, its watch, the rollback)
 * @param by who started it (an API key id, or {@code cli})
 * @param decision one line: why it ended (done, rolled back and why, aborted by whom); empty while
 *     it runs
 * @param judged the figures each judged instance had when the decision was taken: node to
 *     {baseline, now}
 * @param endedAt when it ended; null while it runs
 */
public record Rollout(
    String id,
    String version,
    String archive,
    String sha256,
    Phase phase,
    List<Waves.Wave> waves,
    int wave,
    Map<String, String> targets,
    Map<String, String> from,
    @JsonProperty("started_at") Instant startedAt,
    @JsonProperty("step_at") Instant stepAt,
    String by,
    String decision,
    Map<String, Map<String, Vitals>> judged,
    @JsonProperty("ended_at") Instant endedAt) {

  /** Where a rollout is. */
  public enum Phase {
    /** The current step's instances install the new version. */
    INSTALLING,
    /** The current step's instances run it and are watched. */
    WATCHING,
    /** Every upgraded instance goes back to its previous version. */
    ROLLING_BACK,
    /** Every instance runs the new version. */
    DONE,
    /** Every instance runs its previous version again. */
    ROLLED_BACK;

    /** Whether the rollout has ended. */
    public boolean ended() {
      return this == DONE || this == ROLLED_BACK;
    }
  }

  public Rollout {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(phase, "phase");
    waves = List.copyOf(waves);
    targets = Map.copyOf(targets);
    from = from == null ? Map.of() : Map.copyOf(from);
    decision = decision == null ? "" : decision;
    judged = judged == null ? Map.of() : Map.copyOf(judged);
  }

  /** The current step. */
  public Waves.Wave current() {
    return waves.get(wave);
  }

  /** The instances of every step up to the current one: those that run, or ran, the new version. */
  public List<String> reached() {
    return waves.subList(0, wave + 1).stream().flatMap(w -> w.nodes().stream()).toList();
  }

  /** A rollout at the first step, nobody targeted yet. */
  static Rollout start(
      String id,
      String version,
      String archive,
      String sha256,
      List<Waves.Wave> waves,
      String by,
      Instant at) {
    return new Rollout(
        id,
        version,
        archive,
        sha256,
        Phase.INSTALLING,
        waves,
        0,
        Map.of(),
        Map.of(),
        at,
        at,
        by,
        "",
        Map.of(),
        null);
  }

  Rollout with(
      Phase newPhase,
      int newWave,
      Map<String, String> newTargets,
      Map<String, String> newFrom,
      Instant at) {
    return new Rollout(
        id,
        version,
        archive,
        sha256,
        newPhase,
        waves,
        newWave,
        newTargets,
        newFrom,
        startedAt,
        at,
        by,
        decision,
        judged,
        endedAt);
  }

  Rollout decided(
      Phase newPhase,
      Map<String, String> newTargets,
      String why,
      Map<String, Map<String, Vitals>> figures,
      Instant at) {
    return new Rollout(
        id,
        version,
        archive,
        sha256,
        newPhase,
        waves,
        wave,
        newTargets,
        from,
        startedAt,
        at,
        by,
        why,
        figures,
        newPhase.ended() ? at : null);
  }

  static Map<String, String> plus(Map<String, String> map, String key, String value) {
    Map<String, String> out = new LinkedHashMap<>(map);
    out.put(key, value);
    return out;
  }
}
