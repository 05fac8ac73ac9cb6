package io.nxs.sync;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.Durations;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.URIish;

/**
 * The {@code sync:} section of {@code nxs.yaml} (SPEC SY1-SY5): the agent's workspace kept the same
 * on several NXS instances through a git remote.
 *
 * <pre>{@code
 * sync:
 *   remote: "https://git.example.org/me/agent-state.git"   # or /srv/agent-state.git
 *   manifest: "sync-manifest.yaml"
 * }</pre>
 *
 * @param remote the git remote every instance syncs through: a local path or {@code file://} URL to
 *     a bare repository, or {@code http(s)://} (user and token from {@code NXS_GIT_USERNAME} and
 *     {@code NXS_GIT_PASSWORD}); default none, which leaves sync off
 * @param manifest the sync manifest file, relative to the NXS home unless absolute; default the
 *     seed's manifest, bundled
 * @param workspace the directory to sync, relative to the NXS home unless absolute; default
 *     OpenClaw's workspace ({@code <openclaw.home>/workspace})
 * @param interval how often to sync; default the manifest's {@code interval} (5m); at least 1s
 * @param branch the remote branch; default {@code main}
 * @param node this instance's name in commits and conflict copies; default the host name plus a
 *     random suffix kept in {@code <home>/sync/node}; letters, digits, {@code -} and {@code _}
 */
public record SyncConfig(
    String remote,
    String manifest,
    String workspace,
    Duration interval,
    String branch,
    String node) {

  /** The section as registered with the config loader. */
  public static final ConfigSection<SyncConfig> SECTION =
      ConfigSection.of(
          "sync", SyncConfig.class, () -> new SyncConfig(null, null, null, null, null, null));

  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

  @JsonCreator
  public SyncConfig(
      @JsonProperty("remote") String remote,
      @JsonProperty("manifest") String manifest,
      @JsonProperty("workspace") String workspace,
      @JsonProperty("interval") Duration interval,
      @JsonProperty("branch") String branch,
      @JsonProperty("node") String node) {
    this.remote = remote == null || remote.isBlank() ? null : remote.strip();
    if (this.remote != null) {
      checkRemote(this.remote);
    }
    this.manifest = blankToNull(manifest);
    this.workspace = blankToNull(workspace);
    if (interval != null && interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "interval must be at least 1s, but was " + Durations.format(interval));
    }
    this.interval = interval;
    this.branch = branch == null ? "main" : branch;
    if (!Repository.isValidRefName("refs/heads/" + this.branch)) {
      throw new IllegalArgumentException(
          "branch '" + this.branch + "' is not a valid git branch name");
    }
    if (node != null && !NODE.matcher(node).matches()) {
      throw new IllegalArgumentException(
          "node must be letters, digits, '-' and '_' (up to 63), but was '" + node + "'");
    }
    this.node = node;
  }

  /** Whether sync runs at all: a remote is set. */
  public boolean enabled() {
    return remote != null;
  }

  /**
   * Checks that a remote is a git URL NXS can reach: a path, {@code file://}, {@code http(s)://} or
   * {@code git://}; never with a password in it.
   *
   * @throws IllegalArgumentException saying what is wrong and what to write instead
   */
  static void checkRemote(String remote) {
    URIish uri;
    try {
      uri = new URIish(remote);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "remote '" + remote + "' is not a git URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "", "file", "http", "https", "git" -> {}
      case "ssh", "git+ssh", "ssh+git" ->
          throw new IllegalArgumentException(
              "remote '"
                  + remote
                  + "' uses ssh, which this build does not carry (JGit without its SSH module):"
                  + " use https with NXS_GIT_USERNAME/NXS_GIT_PASSWORD, or a path");
      default ->
          throw new IllegalArgumentException(
              "remote '"
                  + remote
                  + "' is not a git URL: use a path to a bare repository, file://, http(s):// or"
                  + " git://");
    }
    if (scheme.isEmpty() && uri.getHost() != null) {
      throw new IllegalArgumentException(
          "remote '"
              + remote
              + "' is scp-style ssh (host:path), which this build does not carry: use https or a"
              + " path");
    }
    if (uri.getPass() != null) {
      throw new IllegalArgumentException(
          "remote must not carry a password: set NXS_GIT_USERNAME and NXS_GIT_PASSWORD instead");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
