package io.nxs.testkit.openclaw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nxs.core.Json;
import io.nxs.core.openclaw.CliResult;
import io.nxs.core.openclaw.OpenClawCli;
import io.nxs.core.openclaw.OpenClawLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A temporary user home for the real OpenClaw: {@code HOME} points at it and {@code
 * .openclaw/openclaw.json} routes the {@code main} agent to one OpenAI-compatible provider (an NXS
 * daemon's {@code /v1}, or a {@code FakeUpstream}). Every command runs through the core port's
 * {@link OpenClawCli} with OpenClaw's update, Bonjour, channel and cron machinery off ({@link
 * #QUIET_ENV}), a timeout, and its output kept for the failure message.
 *
 * <p>A real turn takes 20–50 s on a busy 2-core machine: make the few real sessions a test class
 * needs once ({@code @BeforeAll}), then grow them with {@link #grow}.
 *
 * <pre>{@code
 * OpenClawInstall install = OpenClawInstall.assumeInstalled();
 * OpenClawHome claw = OpenClawHome.create(install, dir, Provider.of(nxs.baseUrl() + "/v1", key));
 * JsonNode turn = claw.agentTurn("alpha", "hello");        // persists agent:main:alpha
 * JsonNode sessions = claw.sessionsList();                 // openclaw sessions list --json
 * claw.grow("alpha", 50_000);                               // +100,000 messages, OpenClaw's rows
 * try (OpenClawGateway gw = claw.startGateway()) { ... gw.url() ... gw.kill(); }
 * }</pre>
 */
public final class OpenClawHome {

  /** The environment the issue prescribes for every OpenClaw run in tests. */
  public static final Map<String, String> QUIET_ENV =
      Map.of(
          "OPENCLAW_NO_AUTO_UPDATE", "1",
          "OPENCLAW_DISABLE_BONJOUR", "1",
          "OPENCLAW_SKIP_CHANNELS", "1",
          "OPENCLAW_SKIP_CRON", "1");

  /** How long one CLI command may take (generous: the machine is shared and turns are slow). */
  public static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

  /** How long a gateway may take to answer {@code /healthz} (seen: 40-150 s under load). */
  public static final Duration GATEWAY_START_TIMEOUT = Duration.ofMinutes(5);

  /**
   * The provider OpenClaw's {@code main} agent uses, written as {@code models.providers.<name>}
   * with {@code api: "openai-completions"} and selected by {@code agents.defaults.model.primary =
   * <name>/<model>}.
   *
   * @param name provider id in OpenClaw's config
   * @param baseUrl the OpenAI-compatible base URL, ending in {@code /v1}
   * @param apiKey sent as {@code Authorization: Bearer}
   * @param model the model id sent upstream
   */
  public record Provider(String name, String baseUrl, String apiKey, String model) {
    /** Provider {@code nxs}, model {@code nxs-auto} (NXS routes it to its default chain). */
    public static Provider of(String baseUrl, String apiKey) {
      return new Provider("nxs", baseUrl, apiKey, "nxs-auto");
    }
  }

  private final OpenClawInstall install;
  private final Path userHome;
  private final OpenClawCli cli;

  private OpenClawHome(OpenClawInstall install, Path userHome) {
    this.install = install;
    this.userHome = userHome;
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("HOME", userHome.toString());
    env.putAll(QUIET_ENV);
    this.cli = OpenClawCli.of(install.command(), userHome.resolve(".openclaw"), env);
  }

  /** A home under {@code dir} (created) whose OpenClaw talks to {@code provider}. */
  public static OpenClawHome create(OpenClawInstall install, Path dir, Provider provider) {
    OpenClawHome home = new OpenClawHome(install, dir.toAbsolutePath().normalize());
    home.writeConfig(config(provider));
    return home;
  }

  /** The {@code openclaw.json} for a provider: local gateway mode, one provider, one model. */
  public static ObjectNode config(Provider p) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.putObject("gateway").put("mode", "local");
    root.putObject("agents")
        .putObject("defaults")
        .putObject("model")
        .put("primary", p.name() + "/" + p.model());
    ObjectNode provider =
        root.putObject("models").put("mode", "merge").putObject("providers").putObject(p.name());
    provider.put("baseUrl", p.baseUrl()).put("apiKey", p.apiKey()).put("api", "openai-completions");
    ObjectNode model = provider.putArray("models").addObject();
    model.put("id", p.model()).put("name", p.model()).put("reasoning", false);
    model.putArray("input").add("text");
    model
        .putObject("cost")
        .put("input", 0)
        .put("output", 0)
        .put("cacheRead", 0)
        .put("cacheWrite", 0);
    model.put("contextWindow", 32000).put("maxTokens", 1024);
    return root;
  }

  /** Replaces {@code openclaw.json} with this JSON. */
  public void writeConfig(JsonNode config) {
    writeRawConfig(Json.writePretty(config));
  }

  /** Replaces {@code openclaw.json} with these bytes, valid or not (for config-error tests). */
  public void writeRawConfig(String text) {
    try {
      Files.createDirectories(layout().home());
      Files.writeString(layout().configFile(), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The directory {@code HOME} points at. */
  public Path userHome() {
    return userHome;
  }

  /** OpenClaw's files: {@code HOME/.openclaw/...}. */
  public OpenClawLayout layout() {
    return new OpenClawLayout(cli.home());
  }

  /** The runner every command here uses (HOME and {@link #QUIET_ENV} set). */
  public OpenClawCli cli() {
    return cli;
  }

  public OpenClawInstall install() {
    return install;
  }

  /** Runs {@code openclaw ARGS} with {@link #COMMAND_TIMEOUT}; never throws for a bad exit. */
  public CliResult run(String... args) {
    return cli.run(COMMAND_TIMEOUT, args);
  }

  /** {@code agent:main:NAME}. */
  public static String sessionKey(String sessionName) {
    return "agent:main:" + sessionName;
  }

  /**
   * One real, persisted agent turn: {@code openclaw agent --local --agent main --session-key
   * agent:main:NAME --message TEXT --json}.
   *
   * @return its JSON ({@code payloads[].text}, {@code meta.agentMeta.sessionId}, ...)
   * @throws io.nxs.core.openclaw.OpenClawException when it fails, with the command's output
   */
  public JsonNode agentTurn(String sessionName, String message) {
    return run(
            "agent",
            "--local",
            "--agent",
            "main",
            "--session-key",
            sessionKey(sessionName),
            "--message",
            message,
            "--json")
        .requireSuccess()
        .json();
  }

  /** {@code openclaw sessions list --json}, parsed. */
  public JsonNode sessionsList() {
    return run("sessions", "list", "--json").requireSuccess().json();
  }

  /** The session keys {@code sessions list} shows, in its order. */
  public List<String> sessionKeys() {
    List<String> keys = new java.util.ArrayList<>();
    sessionsList().path("sessions").forEach(s -> keys.add(s.path("key").asText()));
    return List.copyOf(keys);
  }

  /**
   * Appends {@code pairs} user/assistant pairs to a session a real turn made, as OpenClaw's own
   * rows. Only while no OpenClaw process (gateway, CLI) has the store open.
   */
  public TranscriptGrower.Grown grow(String sessionName, int pairs) {
    return new TranscriptGrower(layout().agentDatabase("main"))
        .grow(sessionKey(sessionName), pairs);
  }

  /** Starts the gateway on a free loopback port and waits until {@code /healthz} answers 200. */
  public OpenClawGateway startGateway() {
    return startGateway(GATEWAY_START_TIMEOUT);
  }

  /**
   * Starts the gateway and waits for {@code /healthz}. A start that dies with OpenClaw's hard-coded
   * 5 s "state lease heartbeat did not become ready" (a saturated machine, not a bug of the test)
   * is tried again, at most three times in all.
   */
  public OpenClawGateway startGateway(Duration timeout) {
    for (int attempt = 1; ; attempt++) {
      OpenClawGateway gateway = launchGateway();
      try {
        return gateway.awaitHealthy(timeout);
      } catch (OpenClawGateway.GatewayExitedException e) {
        if (attempt >= 3
            || !e.getMessage().contains("state lease heartbeat did not become ready")) {
          throw e;
        }
      }
    }
  }

  /** Starts the gateway and returns at once (to watch it fail, e.g. exit 78 on a bad config). */
  public OpenClawGateway launchGateway(String... extraArgs) {
    return OpenClawGateway.launch(cli, userHome.resolve("logs"), List.of(extraArgs));
  }
}
