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
 *     means "when OpenClaw's home exists"
 * @param openclawHome deprecated: OpenClaw's home now comes from {@code openclaw.home}, the one
 *     place every module reads it from; when set it still wins, with a deprecation message; default
 *     unset (null)
 * @param targets where snapshots go, each gets every snapshot; default one local directory, {@code
 *     <home>/backups}
 * @param retention how many snapshots prune keeps; default 24 hourly, 7 daily, 4 weekly, 12 monthly
 * @param schedule how often the daemon backs up, verifies and drills
 * @param rpo the recovery point objective: a last verified backup older than this is unhealthy;
 *     default 1h
 * @param passphraseEnv the environment variable holding a passphrase the vault key is derived from
 *     (PBKDF2, ADR 0058) instead of {@code keys/vault.key}; default none (the key file)
 */
public record VaultConfig(
    List<Source> sources,
    Boolean openclaw,
    String openclawHome,
    List<Target> targets,
    Retention retention,
    Schedule schedule,
    Duration rpo,
    String passphraseEnv) {

  /** The section as registered with the config loader. */
  public static final ConfigSection<VaultConfig> SECTION =
      ConfigSection.of("vault", VaultConfig.class, VaultConfig::defaults);

  @JsonCreator
  public VaultConfig(
      @JsonProperty("sources") List<Source> sources,
      @JsonProperty("openclaw") Boolean openclaw,
      @JsonProperty("openclaw_home") String openclawHome,
      @JsonProperty("targets") List<Target> targets,
      @JsonProperty("retention") Retention retention,
      @JsonProperty("schedule") Schedule schedule,
      @JsonProperty("rpo") Duration rpo,
      @JsonProperty("passphrase_env") String passphraseEnv) {
    this.sources = sources == null ? List.of() : List.copyOf(sources);
    this.openclaw = openclaw;
    this.openclawHome = openclawHome;
    this.targets =
        targets == null || targets.isEmpty()
            ? List.of(new Target("local", "backups"))
            : List.copyOf(targets);
    this.retention = retention == null ? Retention.DEFAULT : retention;
    this.schedule = schedule == null ? Schedule.DEFAULT : schedule;
    this.rpo = rpo == null ? Duration.ofHours(1) : rpo;
    if (passphraseEnv != null && !passphraseEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          "passphrase_env names an environment variable, e.g. NXS_VAULT_PASSPHRASE, not a value");
    }
    this.passphraseEnv = passphraseEnv;
    if (this.rpo.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(
          "rpo must be at least 1m, but was " + Durations.format(this.rpo));
    }
    for (int i = 0; i < this.targets.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (this.targets.get(i).where().equals(this.targets.get(j).where())) {
          throw new IllegalArgumentException(
              "targets["
                  + j
                  + "] and targets["
                  + i
                  + "] are the same place '"
                  + this.targets.get(i).where()
                  + "': give each target its own place");
        }
      }
    }
  }

  /**
   * One line per deprecated key in use, naming its replacement; empty when none. The key keeps
   * working.
   */
  public List<String> deprecations() {
    return openclawHome == null
        ? List.of()
        : List.of(
            "vault.openclaw_home is deprecated: set openclaw.home: "
                + openclawHome
                + " instead (every module reads OpenClaw's home from there)");
  }

  /** A configuration with the vault key in {@code keys/vault.key}. */
  public VaultConfig(
      List<Source> sources,
      Boolean openclaw,
      String openclawHome,
      List<Target> targets,
      Retention retention,
      Schedule schedule,
      Duration rpo) {
    this(sources, openclaw, openclawHome, targets, retention, schedule, rpo, null);
  }

  /** The defaults: NXS's own state to {@code <home>/backups}. */
  public static VaultConfig defaults() {
    return new VaultConfig(null, null, null, null, null, null, null, null);
  }

  /** A copy with other targets, for tests and the CLI. */
  public VaultConfig withTargets(List<Target> newTargets) {
    return new VaultConfig(
        sources, openclaw, openclawHome, newTargets, retention, schedule, rpo, passphraseEnv);
  }

  /** A copy with other sources. */
  public VaultConfig withSources(List<Source> newSources) {
    return new VaultConfig(
        newSources, openclaw, openclawHome, targets, retention, schedule, rpo, passphraseEnv);
  }

  /** A copy whose key is derived from the passphrase in an environment variable. */
  public VaultConfig withPassphraseEnv(String name) {
    return new VaultConfig(
        sources, openclaw, openclawHome, targets, retention, schedule, rpo, name);
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
   * A place snapshots go (SPEC VA5). Each type has its own keys; a key of another type, or a
   * missing one, is refused with a one-line error naming the key.
   *
   * @param type {@code local}, {@code s3} or {@code git}; default {@code local}
   * @param path local: the directory, relative paths under the NXS home
   * @param endpoint s3: the service's URL, e.g. {@code https://s3.eu-central-1.amazonaws.com}
   * @param bucket s3: the bucket (created by the operator beforehand)
   * @param prefix s3: a key prefix inside the bucket, e.g. {@code laptop/}; default none
   * @param region s3: the signing region; default {@code us-east-1}
   * @param pathStyle s3: {@code https://host/bucket/key} URLs rather than {@code
   *     https://bucket.host/key}; default true (what MinIO, Garage, Ceph and most S3-compatible
   *     services want)
   * @param accessKeyEnv s3: the environment variable holding the access key; default {@code
   *     NXS_S3_ACCESS_KEY}; when unset, {@code secrets.yaml}'s {@code vault.s3.<bucket>.access_key}
   * @param secretKeyEnv s3: the same for the secret key; default {@code NXS_S3_SECRET_KEY}
   * @param url git: the remote, e.g. {@code ssh://git@host/me/backups.git} or {@code
   *     file:///srv/b.git}
   * @param branch git: the branch snapshots are committed to; default {@code main}
   */
  public record Target(
      String type,
      String path,
      String endpoint,
      String bucket,
      String prefix,
      String region,
      boolean pathStyle,
      String accessKeyEnv,
      String secretKeyEnv,
      String url,
      String branch) {

    /** The target types. */
    public static final List<String> TYPES = List.of("local", "s3", "git");

    @JsonCreator
    public Target(
        @JsonProperty("type") String type,
        @JsonProperty("path") String path,
        @JsonProperty("endpoint") String endpoint,
        @JsonProperty("bucket") String bucket,
        @JsonProperty("prefix") String prefix,
        @JsonProperty("region") String region,
        @JsonProperty("path_style") Boolean pathStyle,
        @JsonProperty("access_key_env") String accessKeyEnv,
        @JsonProperty("secret_key_env") String secretKeyEnv,
        @JsonProperty("url") String url,
        @JsonProperty("branch") String branch) {
      this(
          type,
          path,
          endpoint,
          bucket,
          prefix,
          region,
          pathStyle == null || pathStyle,
          accessKeyEnv,
          secretKeyEnv,
          url,
          branch);
    }

    public Target {
      type = type == null ? "local" : type;
      if (!TYPES.contains(type)) {
        throw new IllegalArgumentException(
            "target type '" + type + "' is unknown: use local, s3 or git");
      }
      switch (type) {
        case "local" -> {
          require(type, "path", path);
          refuse(
              type,
              "endpoint",
              endpoint,
              "bucket",
              bucket,
              "prefix",
              prefix,
              "region",
              region,
              "access_key_env",
              accessKeyEnv,
              "secret_key_env",
              secretKeyEnv,
              "url",
              url,
              "branch",
              branch);
        }
        case "s3" -> {
          require(type, "endpoint", endpoint);
          require(type, "bucket", bucket);
          refuse(type, "path", path, "url", url, "branch", branch);
          try {
            java.net.URI u = new java.net.URI(endpoint);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())
                || u.getHost() == null) {
              throw new java.net.URISyntaxException(endpoint, "not an http(s) URL");
            }
            if (u.getUserInfo() != null) {
              throw new IllegalArgumentException(
                  "an s3 target's endpoint must not carry credentials: put them in the"
                      + " environment or secrets.yaml");
            }
          } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(
                "an s3 target's endpoint must be an http(s) URL such as"
                    + " https://s3.eu-central-1.amazonaws.com, but was '"
                    + endpoint
                    + "'");
          }
          prefix = prefix == null || prefix.isBlank() ? "" : prefix.replaceAll("^/+", "");
          if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
          }
          region = region == null || region.isBlank() ? "us-east-1" : region;
          accessKeyEnv = envName("access_key_env", accessKeyEnv, "NXS_S3_ACCESS_KEY");
          secretKeyEnv = envName("secret_key_env", secretKeyEnv, "NXS_S3_SECRET_KEY");
        }
        default -> {
          require(type, "url", url);
          refuse(
              type,
              "path",
              path,
              "endpoint",
              endpoint,
              "bucket",
              bucket,
              "prefix",
              prefix,
              "region",
              region,
              "access_key_env",
              accessKeyEnv,
              "secret_key_env",
              secretKeyEnv);
          branch = branch == null || branch.isBlank() ? "main" : branch;
          if (!branch.matches("[A-Za-z0-9._/-]+")
              || branch.contains("..")
              || branch.startsWith("/")) {
            throw new IllegalArgumentException(
                "a git target's branch '" + branch + "' is not a valid branch name");
          }
          if (url.matches("(?i)[a-z][a-z0-9+.-]*://[^/@]*:[^/@]*@.*")) {
            throw new IllegalArgumentException(
                "a git target's url must not carry a password: use an ssh key or a credential helper");
          }
        }
      }
    }

    /** A local directory target. */
    public Target(String type, String path) {
      this(type, path, null, null, null, null, true, null, null, null, null);
    }

    /** An S3 target with the default credential variables. */
    public static Target s3(String endpoint, String bucket, String prefix) {
      return new Target("s3", null, endpoint, bucket, prefix, null, true, null, null, null, null);
    }

    /** A git target. */
    public static Target git(String url, String branch) {
      return new Target("git", null, null, null, null, null, true, null, null, url, branch);
    }

    /** What makes two targets the same place, for the duplicate check and messages. */
    public String where() {
      return switch (type) {
        case "local" -> "local:" + path;
        case "s3" -> "s3:" + endpoint.replaceAll("/+$", "") + "/" + bucket + "/" + prefix;
        default -> "git:" + url + "#" + branch;
      };
    }

    private static void require(String type, String key, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("a " + type + " target needs " + key);
      }
    }

    private static void refuse(String type, String... keysAndValues) {
      for (int i = 0; i < keysAndValues.length; i += 2) {
        if (keysAndValues[i + 1] != null) {
          throw new IllegalArgumentException(
              "'" + keysAndValues[i] + "' is not a key of a " + type + " target");
        }
      }
    }

    private static String envName(String key, String value, String fallback) {
      String name = value == null || value.isBlank() ? fallback : value;
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException(
            key + " names an environment variable, e.g. " + fallback + ", not a value");
      }
      return name;
    }
  }

  /**
   * How many snapshots prune keeps per period (SPEC VA4): the newest snapshot of each of the last N
   * hours, days, ISO weeks and months, plus the newest snapshot overall.
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
