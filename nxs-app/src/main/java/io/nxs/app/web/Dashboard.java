package io.nxs.app.web;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.event.EventBus;
import io.nxs.core.event.Heartbeat;
import io.nxs.core.event.NxsEvent;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.log.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web dashboard (SPEC UI1): one page at {@code /}, its assets, and a live event stream.
 *
 * <p>The page is a shell rendered on the server from a Mustache template (mustache.java, as the
 * Doctor's messages): it holds no data, so an unauthenticated browser sees the login form and
 * nothing else. The browser keeps the key in its session storage and reads everything through the
 * same authenticated {@code /api/v1/*} routes the CLI uses. Events on the in-process bus reach it
 * over SSE at {@code /api/v1/events}, read with {@code fetch} so the key travels in the {@code
 * Authorization} header and never in a URL.
 */
public final class Dashboard implements HttpRoutes, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);

  /** What {@code /assets/{name}} serves: only these, from the classpath. */
  private static final Map<String, Asset> ASSETS =
      Map.of(
          "dashboard.js",
          new Asset("web/dashboard.js", "text/javascript; charset=utf-8"),
          "dashboard.css",
          new Asset("web/dashboard.css", "text/css; charset=utf-8"),
          "chart.umd.js",
          new Asset(
              "META-INF/resources/webjars/chart.js/4.5.1/dist/chart.umd.js",
              "text/javascript; charset=utf-8"));

  private final Mustache page;
  private final String version;
  private final Set<SseClient> streams = ConcurrentHashMap.newKeySet();
  private final AutoCloseable subscription;

  public Dashboard(EventBus events, String version) {
    this.version = version;
    this.page =
        new DefaultMustacheFactory()
            .compile(new StringReader(read("web/index.mustache")), "index.mustache");
    this.subscription = events.subscribe(NxsEvent.class, this::broadcast);
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/", this::page);
    routes.get("/assets/{name}", this::asset);
    routes.sse("/api/v1/events", this::stream);
  }

  private void page(Context ctx) {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("version", version);
    model.put("panels", Panel.ALL.stream().map(Panel::model).toList());
    StringWriter html = new StringWriter();
    page.execute(html, model);
    ctx.contentType("text/html; charset=utf-8").result(html.toString());
  }

  private void asset(Context ctx) {
    Asset asset = ASSETS.get(ctx.pathParam("name"));
    if (asset == null) {
      throw ApiException.notFound("no asset named '" + ctx.pathParam("name") + "'");
    }
    InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(asset.resource());
    if (in == null) {
      throw new NxsException(
          "the dashboard asset " + asset.resource() + " is missing from the build");
    }
    ctx.header("Cache-Control", "private, max-age=300");
    ctx.contentType(asset.contentType()).result(in);
  }

  private void stream(SseClient client) {
    streams.add(client);
    client.onClose(() -> streams.remove(client));
    client.sendEvent("hello", Map.of("version", version));
    client.keepAlive();
  }

  private void broadcast(NxsEvent event) {
    // Heartbeats are the daemon's pulse for the Doctor, every few seconds: news to nobody.
    if (streams.isEmpty() || event instanceof Heartbeat) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", event.getClass().getSimpleName());
    body.put("at", event.at().toString());
    body.put("event", event);
    String json;
    try {
      json = Redaction.redact(Json.write(body));
    } catch (RuntimeException e) {
      LOG.debug("event {} is not JSON-able; sending its type only", body.get("type"), e);
      json = Json.write(Map.of("type", body.get("type"), "at", body.get("at")));
    }
    for (SseClient client : streams) {
      if (client.terminated()) {
        streams.remove(client);
      } else {
        client.sendEvent("event", json);
      }
    }
  }

  /** Ends every open event stream, so a graceful stop does not wait for them. */
  @Override
  public void close() {
    try {
      subscription.close();
    } catch (Exception e) {
      LOG.debug("event bus unsubscribe failed", e);
    }
    for (SseClient client : streams) {
      client.close();
    }
    streams.clear();
  }

  private static String read(String resource) {
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new NxsException("the dashboard template " + resource + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new NxsException("cannot read " + resource + ": " + e.getMessage(), e);
    }
  }

  private record Asset(String resource, String contentType) {}

  /**
   * A panel of the page: where its data comes from is in the script; the server renders its frame.
   *
   * @param id the element id the script fills
   * @param title the heading
   * @param wide whether it spans the full width
   */
  public record Panel(String id, String title, boolean wide) {
    static final List<Panel> ALL =
        List.of(
            new Panel("health", "Health", false),
            new Panel("failovers", "Recent failovers", false),
            new Panel("providers", "Providers", true),
            new Panel("incidents", "Incidents", true),
            new Panel("healing", "Healing", true),
            new Panel("backups", "Backups", true),
            new Panel("migrations", "Migrations", true),
            new Panel("sync", "Sync", true),
            new Panel("scores", "Media scores", true),
            new Panel("host", "Host", true),
            new Panel("cluster", "Cluster", true),
            new Panel("advice", "Scaling advice", true),
            new Panel("audit", "Audit log", true));

    Map<String, Object> model() {
      return Map.of("id", id, "title", title, "wide", wide);
    }
  }
}
