package io.nxs.vault;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.Durations;
import java.time.Duration;
import java.util.List;

/**
 * The {@code vault:} section of {@code nxs.yaml} (SPEC VA1-VA7).
 *
 * @param sources the agent's directories to back up, besides NXS's own state; default none
 * @param openclaw whether to add OpenClaw's workspace and SQLite stores; {@code null} (the default)
 *     means "when {@code openclaw_home} exists"
 * @param openclawHome OpenClaw's home; default {@code ~/.openclaw}
 * @param targets where snapshots go, each gets every snapshot; default one local directory,
 *     {@code <home>/backups}
 * @param retention how many snapshots prune keeps; default 24 hourly, 7 daily, 4 weekly, 12 monthly
 * @param schedule how often the daemon backs up, verifies and drills
 * @param rpo the recovery point objective: a last verified backup older than this is unhealthy;
 *     default 1h
 */
public record VaultConfig(
    List<Source> sources,
    Boolean openclaw,
    String openclawHome,
    List<Target> targets,
    Retention retention,
    Schedule schedule,
    Duration rpo) {

  /** The section as registered with the config loader. */
  public static final ConfigSection<VaultConfig> SECTION =
      ConfigSection.of("vault", VaultConfig.class);

  @JsonCreator
  public VaultConfig(
      @JsonProperty("sources") List<Source> sources,
      @JsonProperty("openclaw") Boolean openclaw,
      @JsonProperty("openclaw_home") String openclawHome,
      @JsonProperty("targets") List<Target> targets,
      @JsonProperty("retention") Retention retention,
      @JsonProperty("schedule") Schedule schedule,
      @JsonProperty("rpo") Duration rpo) {
    this.sources = sources == null ? List.of() : List.copyOf(sources);
    this.openclaw = openclaw;
    this.openclawHome = openclawHome == null ? "~/.openclaw" : openclawHome;
    this.targets =
        targets == null || targets.isEmpty()
            ? List.of(new Target("local", "backups"))
            : List.copyOf(targets);
    this.retention = retention == null ? Retention.DEFAULT : retention;
    this.schedule = schedule == null ? Schedule.DEFAULT : schedule;
    this.rpo = rpo == null ? Duration.ofHours(1) : rpo;
    if (this.rpo.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(
          "rpo must be at least 1m, but was " + Durations.format(this.rpo));
    }
    for (int i = 0; i < this.targets.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (this.targets.get(i).path().equals(this.targets.get(j).path())) {
          throw new IllegalArgumentException(
              "targets[" + j + "] and targets[" + i + "] are the same directory '"
                  + this.targets.get(i).path() + "': give each target its own place");
        }
      }
    }
  }

  /** The defaults: NXS's own state to {@code <home>/backups}. */
  public static VaultConfig defaults() {
    return new VaultConfig(null, null, null, null, null, null, null);
  }

  /** A copy with other targets, for tests and the CLI. */
  public VaultConfig withTargets(List<Target> newTargets) {
    return new VaultConfig(sources, openclaw, openclawHome, newTargets, retention, schedule, rpo);
  }

  /** A copy with other sources. */
  public VaultConfig withSources(List<Source> newSources) {
    return new VaultConfig(newSources, openclaw, openclawHome, targets, retention, schedule, rpo);
  }

  /**
   * One directory of the agent's to back up.
   *
   * @param path the directory; {@code ~} is the user's home
   * @param include glob patterns (relative to {@code path}) a file must match; default all
   * @param exclude glob patterns that leave a file out; default none
   */
  public record Source(String path, List<String> include, List<String> exclude) {
    @JsonCreator
    public Source(
        @JsonProperty("path") String path,
        @JsonProperty("include") List<String> include,
        @JsonProperty("exclude") List<String> exclude) {
      if (path == null || path.isBlank()) {
        throw new IllegalArgumentException("a source needs a path");
      }
      this.path = path;
      this.include = include == null || include.isEmpty() ? List.of("**") : List.copyOf(include);
      this.exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }
  }

  /**
   * A place snapshots go.
   *
   * @param type {@code local} (this build); {@code s3} and {@code git} are refused with a clear
   *     message until they are built
   * @param path for {@code local}: the directory, relative paths under the NXS home
   */
  public record Target(String type, String path) {
    @JsonCreator
    public Target(@JsonProperty("type") String type, @JsonProperty("path") String path) {
      this.type = type == null ? "local" : type;
      if (!this.type.equals("local")) {
        throw new IllegalArgumentException(
            "target type '" + this.type + "' is not available in this build: use type: local");
      }
      if (path == null || path.isBlank()) {
        throw new IllegalArgumentException("a local target needs a path");
      }
      this.path = path;
    }
  }

  /**
   * How many snapshots prune keeps per period (SPEC VA4): the newest snapshot of each of the last
   * N hours, days, ISO weeks and months, plus the newest snapshot overall.
   *
   * @param hourly default 24
   * @param daily default 7
   * @param weekly default 4
   * @param monthly default 12
   */
  public record Retention(int hourly, int daily, int weekly, int monthly) {
    /** 24 hourly, 7 daily, 4 weekly, 12 monthly. */
    public static final Retention DEFAULT = new Retention(24, 7, 4, 12);

    @JsonCreator
    public static Retention of(
        @JsonProperty("hourly") Integer hourly,
        @JsonProperty("daily") Integer daily,
        @JsonProperty("weekly") Integer weekly,
        @JsonProperty("monthly") Integer monthly) {
      return new Retention(
          hourly == null ? DEFAULT.hourly : hourly,
          daily == null ? DEFAULT.daily : daily,
          weekly == null ? DEFAULT.weekly : weekly,
          monthly == null ? DEFAULT.monthly : monthly);
    }

    public Retention {
      check("hourly", hourly);
      check("daily", daily);
      check("weekly", weekly);
      check("monthly", monthly);
    }

    private static void check(String name, int value) {
      if (value < 0 || value > 10_000) {
        throw new IllegalArgumentException(name + " must be in [0, 10000], but was " + value);
      }
    }
  }

  /**
   * What the daemon runs by itself.
   *
   * @param backup interval between backups; default 1h, {@code 0s} turns scheduled backups off
   * @param verify interval between quick verifies; default 24h
   * @param drill interval between restore drills; default 30d
   */
  public record Schedule(Duration backup, Duration verify, Duration drill) {
    public static final Schedule DEFAULT =
        new Schedule(Duration.ofHours(1), Duration.ofHours(24), Duration.ofDays(30));

    @JsonCreator
    public static Schedule of(
        @JsonProperty("backup") Duration backup,
        @JsonProperty("verify") Duration verify,
        @JsonProperty("drill") Duration drill) {
      return new Schedule(
          backup == null ? DEFAULT.backup : backup,
          verify == null ? DEFAULT.verify : verify,
          drill == null ? DEFAULT.drill : drill);
    }

    public Schedule {
      if (backup.isNegative() || verify.isNegative() || drill.isNegative()) {
        throw new IllegalArgumentException("schedule intervals must not be negative");
      }
      if (!backup.isZero() && backup.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException(
            "schedule.backup must be 0s (off) or at least 1m, but was " + Durations.format(backup));
      }
    }
  }
}
