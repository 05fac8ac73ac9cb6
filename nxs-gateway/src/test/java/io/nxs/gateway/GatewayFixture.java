package io.nxs.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nxs.audit.AuditEntry;
import io.nxs.audit.AuditLog;
import io.nxs.audit.AuditQuery;
import io.nxs.core.Json;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.AuthFailureLimiter;
import io.nxs.core.auth.CreatedKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.event.EventBus;
import io.nxs.core.event.NxsEvent;
import io.nxs.core.ext.Extensions;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.metrics.Metrics;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.state.StateStore;
import io.nxs.testkit.MutableClock;
import io.nxs.testkit.TempHome;
import io.nxs.testkit.upstream.FakeUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * A real gateway behind the real HTTP gate: a temporary home with the state store, the real audit
 * log, an event bus that remembers what it saw, and the {@link GatewayModule} started with the
 * given configuration, on a free loopback port.
 */
final class GatewayFixture implements AutoCloseable {

  final TempHome home = TempHome.create();
  final MutableClock clock = MutableClock.startingAt2026();
  final StateStore store = StateStore.open(home.resolve("state.db"));
  final AuditLog audit;
  final EventBus events = new EventBus();
  final List<NxsEvent> seen = new CopyOnWriteArrayList<>();
  final PrometheusMeterRegistry metrics = Metrics.prometheus();
  final Extensions extensions = new Extensions();
  final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
  final GatewayModule module;
  final HttpServer server;
  final String key;
  final String adminKey;
  final String adminKeyId;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private GatewayFixture(String yaml, Map<String, String> env) {
    store.migrate("core");
    audit = AuditLog.open(store, home.resolve("keys"), clock);
    events.subscribe(NxsEvent.class, seen::add);
    module = new GatewayModule(env);
    List<ConfigSection<?>> sections = new ArrayList<>(module.configSections());
    NxsConfig config = new ConfigLoader(sections, env).parse(yaml, "nxs.yaml");
    module.start(
        new ModuleContext(
            home.path(), config, store, audit, events, metrics, extensions, clock, scheduler));
    ApiKeyStore keys = new ApiKeyStore(store, audit, clock);
    key = keys.create(Scope.READ, "agent", null, "test").secret();
    CreatedKey admin = keys.create(Scope.ADMIN, "operator", null, "test");
    adminKey = admin.secret();
    adminKeyId = admin.key().id();
    List<HttpRoutes> routes = module.routes();
    server =
        new HttpServer(
                new ServerConfig("127.0.0.1", 0, Duration.ofSeconds(1)),
                keys,
                new AuthFailureLimiter(clock),
                audit,
                metrics,
                extensions.readinessChecks(),
                routes)
            .start();
  }

  static GatewayFixture start(String yaml) {
    return new GatewayFixture(yaml, Map.of());
  }

  static GatewayFixture start(String yaml, Map<String, String> env) {
    return new GatewayFixture(yaml, env);
  }

  /** YAML for providers named like the upstreams, in priority order, without retries. */
  static String providers(FakeUpstream... upstreams) {
    StringBuilder sb = new StringBuilder("providers:\n");
    int priority = 1;
    for (FakeUpstream u : upstreams) {
      sb.append("  - name: ")
          .append(u.name())
          .append('\n')
          .append("    base_url: ")
          .append(u.baseUrl())
          .append('\n')
          .append("    api_key: key-of-")
          .append(u.name())
          .append('\n')
          .append("    model: model-")
          .append(u.name())
          .append('\n')
          .append("    priority: ")
          .append(priority++)
          .append('\n')
          .append("    timeout: 5s\n")
          .append("    retry: 0\n");
    }
    return sb.toString();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  HttpResponse<String> post(String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String bearer) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Authorization", "Bearer " + bearer)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postAdmin(String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Authorization", "Bearer " + adminKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String chat(String model) {
    return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  static String streamingChat(String model) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  <E extends NxsEvent> List<E> events(Class<E> type) {
    return seen.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  List<AuditEntry> auditEntries(String typePattern) {
    return audit.query(AuditQuery.parse(null, typePattern, null));
  }

  static com.fasterxml.jackson.databind.JsonNode json(String body) throws IOException {
    return Json.mapper().readTree(body);
  }

  @Override
  public void close() {
    // Close the client's idle keep-alive connections first, so the graceful stop has none to wait
    // for.
    http.shutdownNow();
    server.stop();
    module.close();
    scheduler.shutdownNow();
    audit.close();
    home.close();
  }
}
