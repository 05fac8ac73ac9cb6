package io.nxs.doctor.notify;

import io.nxs.core.Json;
import io.nxs.core.Severity;
import io.nxs.core.http.LazyHttpClient;
import io.nxs.doctor.config.NotifyConfig;
import io.nxs.doctor.incident.Incident;
import io.nxs.doctor.incident.IncidentTree;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends incidents, not alerts (SPEC DR7): one message per incident however many alerts it groups.
 *
 * <p>A new incident waits {@link #GROUP_WAIT} before its first message. Webhook: a JSON message
 * when an incident opens, again every {@code repeat_interval} while it stays open, and once when it
 * closes. Alertmanager (v2 API, {@code POST /api/v2/alerts}): each incident is one Alertmanager
 * alert with stable labels ({@code alertname=NxsIncident}, {@code incident}, {@code severity},
 * {@code instance}) so Alertmanager groups and deduplicates it; it is re-posted with {@code endsAt}
 * a few minutes ahead at least every {@link #ALERTMANAGER_RESEND} while open (as Prometheus does),
 * with the root cause and the incident tree as annotations, and posted with {@code endsAt} = now
 * when it closes.
 */
public final class IncidentNotifier {

  private static final Logger LOG = LoggerFactory.getLogger(IncidentNotifier.class);

  /**
   * A new incident is sent once it is this old, so the alerts that cascade from its cause within
   * the correlation window join it first (Alertmanager's group_wait, for the same reason).
   */
  public static final Duration GROUP_WAIT = Duration.ofSeconds(60);

  /** How often an open incident is re-posted to Alertmanager. */
  public static final Duration ALERTMANAGER_RESEND = Duration.ofMinutes(1);

  private final NotifyConfig config;
  private final Clock clock;
  private final Executor executor;
  private final String instance;
  private final HttpClient http =
      LazyHttpClient.of(
          () -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  private final Map<String, Instant> webhookSent = new HashMap<>();
  private final Map<String, Instant> alertmanagerSent = new HashMap<>();
  private final Map<String, Severity> firstSeverity = new HashMap<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();

  public IncidentNotifier(NotifyConfig config, Clock clock, Executor executor, String instance) {
    this.config = config;
    this.clock = clock;
    this.executor = executor;
    this.instance = instance;
  }

  /** Whether any target is configured. */
  public boolean enabled() {
    return config.webhook() != null || config.alertmanager() != null;
  }

  /** Takes the incidents that changed this tick and all open ones; sends what is due. */
  public synchronized void accept(List<Incident> changed, Collection<Incident> open) {
    if (!enabled()) {
      return;
    }
    Instant now = clock.instant();
    Severity min = Severity.parse(config.minSeverity());
    Map<String, Incident> all = new LinkedHashMap<>();
    open.forEach(i -> all.put(i.id(), i));
    changed.forEach(i -> all.put(i.id(), i));
    for (Incident i : all.values()) {
      if (i.severity().compareTo(min) > 0
          && !webhookSent.containsKey(i.id())
          && !alertmanagerSent.containsKey(i.id())) {
        continue;
      }
      boolean known = webhookSent.containsKey(i.id()) || alertmanagerSent.containsKey(i.id());
      if (!known && i.open() && now.isBefore(i.openedAt().plus(GROUP_WAIT))) {
        continue;
      }
      firstSeverity.putIfAbsent(i.id(), i.severity());
      boolean isChanged = changed.stream().anyMatch(c -> c.id().equals(i.id()));
      if (config.webhook() != null) {
        Instant last = webhookSent.get(i.id());
        boolean due =
            i.open()
                ? last == null || !now.isBefore(last.plus(config.repeatInterval()))
                : last != null;
        if (due) {
          String body = Json.write(webhookBody(i));
          post(config.webhook(), body);
          if (i.open()) {
            webhookSent.put(i.id(), now);
          } else {
            webhookSent.remove(i.id());
          }
        }
      }
      if (config.alertmanager() != null) {
        Instant last = alertmanagerSent.get(i.id());
        boolean due =
            i.open()
                ? last == null || isChanged || !now.isBefore(last.plus(ALERTMANAGER_RESEND))
                : last != null;
        if (due) {
          post(
              config.alertmanager() + "/api/v2/alerts",
              Json.write(List.of(alertmanagerAlert(i, now))));
          if (i.open()) {
            alertmanagerSent.put(i.id(), now);
          } else {
            alertmanagerSent.remove(i.id());
          }
        }
      }
      if (!i.open()) {
        firstSeverity.remove(i.id());
      }
    }
  }

  private Map<String, Object> webhookBody(Incident i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", i.open() ? "firing" : "resolved");
    m.put("instance", instance);
    m.put("text", IncidentTree.render(i));
    m.put("incident", i);
    return m;
  }

  private Map<String, Object> alertmanagerAlert(Incident i, Instant now) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", "NxsIncident");
    labels.put("incident", i.id());
    labels.put("severity", firstSeverity.getOrDefault(i.id(), i.severity()).label());
    labels.put("instance", instance);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(
        "summary", "Root cause: " + i.rootCause().title() + " - " + i.rootCause().message());
    annotations.put("description", IncidentTree.render(i));
    annotations.put("root_cause", i.rootCause().ruleId());
    annotations.put("suggested_action", i.suggestedAction());
    annotations.put("confidence", String.format(Locale.ROOT, "%.2f", i.confidence()));
    annotations.put("alerts", String.join(",", i.alertIds()));
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("labels", labels);
    a.put("annotations", annotations);
    a.put("startsAt", i.openedAt().toString());
    a.put("endsAt", (i.open() ? now.plus(Duration.ofMinutes(5)) : now).toString());
    return a;
  }

  private void post(String url, String body) {
    executor.execute(
        () -> {
          try {
            HttpResponse<String> r =
                http.send(
                    HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
              failures.incrementAndGet();
              LOG.warn(
                  "notification to {} answered {}: {}", url, r.statusCode(), firstLine(r.body()));
            } else {
              sent.incrementAndGet();
            }
          } catch (IOException e) {
            failures.incrementAndGet();
            LOG.warn("notification to {} failed: {}", url, e.getMessage());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Messages accepted by their target. */
  public long sent() {
    return sent.get();
  }

  /** Messages that failed. */
  public long failures() {
    return failures.get();
  }

  /** For views: incidents currently notified. */
  public synchronized List<String> notified() {
    List<String> ids = new ArrayList<>(webhookSent.keySet());
    alertmanagerSent.keySet().stream().filter(id -> !ids.contains(id)).forEach(ids::add);
    return ids;
  }
}
