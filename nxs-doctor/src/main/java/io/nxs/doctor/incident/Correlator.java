package io.nxs.doctor.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nxs.core.Severity;
import io.nxs.doctor.alert.Alert;
import io.nxs.doctor.alert.AlertEngine;
import io.nxs.doctor.alert.AlertState;
import io.nxs.doctor.rule.MessageTemplate;
import io.nxs.doctor.rule.Rule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Groups alerts into incidents and names their root cause (SPEC DR4, seed 001 §5).
 *
 * <p>Design note: a newly firing alert joins an open incident when its onset (the moment its
 * condition became true, so a rule's duration does not push it apart) lies within {@link #WINDOW}
 * of a member's onset, and its severity is the same as or below the incident's worst (cascading
 * critical → high → medium) or its component is related to one of the incident's in the dependency
 * graph; otherwise it opens a new incident. The root cause is chosen by, in order: a known pattern;
 * the topology (the deepest failing dependency: a failing component others depend on that depends
 * on no other failing one); the earliest alert. Confidence = base (by the root rule's category) ×
 * temporal (1.0 when the first consequence began with the cause, halving every 5 minutes of onset
 * gap) × topological (1.0 leaf, 0.6 root).
 */
public final class Correlator {

  /** Alerts this close in time may belong together. */
  public static final Duration WINDOW = Duration.ofSeconds(60);

  /** The temporal factor halves every this long. */
  public static final Duration HALF_LIFE = Duration.ofMinutes(5);

  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MMdd").withZone(ZoneOffset.UTC);

  private final DependencyGraph graph;
  private final List<Pattern> patterns;
  private final IncidentStore store;
  private final Clock clock;
  private final Map<String, Group> open = new LinkedHashMap<>();
  private final Map<String, String> incidentOfAlert = new HashMap<>();

  /** The mutable state of one open incident. */
  private static final class Group {
    final String id;
    final Instant openedAt;
    final Map<String, Incident.Member> members = new LinkedHashMap<>();
    Incident view;

    Group(String id, Instant openedAt) {
      this.id = id;
      this.openedAt = openedAt;
    }

    /** Whether an onset lies within the window of any member's onset. */
    boolean near(Instant onset) {
      return members.values().stream()
          .anyMatch(m -> Duration.between(m.since(), onset).abs().compareTo(WINDOW) <= 0);
    }

    Severity worst() {
      return members.values().stream()
          .map(Incident.Member::severity)
          .min(Comparator.naturalOrder())
          .orElse(Severity.INFO);
    }
  }

  public Correlator(
      DependencyGraph graph, List<Pattern> patterns, IncidentStore store, Clock clock) {
    this.graph = graph;
    this.patterns = List.copyOf(patterns);
    this.store = store;
    this.clock = clock;
    for (Incident i : store.open()) {
      Group g = new Group(i.id(), i.openedAt());
      g.members.put(i.rootCause().alertId(), i.rootCause());
      i.related().forEach(m -> g.members.put(m.alertId(), m));
      g.view = i;
      open.put(g.id, g);
      g.members.keySet().forEach(a -> incidentOfAlert.put(a, g.id));
    }
  }

  /** The built-in patterns. */
  public static List<Pattern> builtinPatterns() {
    try (InputStream in = Correlator.class.getResourceAsStream("/io/nxs/doctor/patterns.yaml")) {
      ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
      JsonNode root = yaml.readTree(in);
      List<Pattern> out = new ArrayList<>();
      for (JsonNode p : root.get("patterns")) {
        out.add(yaml.treeToValue(p, Pattern.class));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Takes the alert transitions of one tick; returns the incidents that opened, changed or closed,
   * each already persisted, and links the alerts to them.
   */
  public synchronized List<Incident> accept(
      List<AlertEngine.Transition> transitions,
      Function<String, Optional<Rule>> rules,
      AlertEngine alerts) {
    Map<String, Group> changed = new LinkedHashMap<>();
    for (AlertEngine.Transition t : transitions) {
      Alert a = t.alert();
      String incidentId = incidentOfAlert.get(a.id());
      if (t.to() == AlertState.FIRING && incidentId == null) {
        Group g = join(a);
        g.members.put(a.id(), member(a, false, rules));
        incidentOfAlert.put(a.id(), g.id);
        alerts.assignIncident(a.id(), g.id);
        changed.put(g.id, g);
      } else if (incidentId != null && open.containsKey(incidentId)) {
        Group g = open.get(incidentId);
        g.members.put(a.id(), member(a, t.to() == AlertState.RESOLVED, rules));
        changed.put(g.id, g);
      }
    }
    List<Incident> out = new ArrayList<>();
    for (Group g : changed.values()) {
      g.view = judge(g, rules);
      store.save(g.view);
      if (!g.view.open()) {
        open.remove(g.id);
        g.members.keySet().forEach(incidentOfAlert::remove);
      }
      out.add(g.view);
    }
    return out;
  }

  private Group join(Alert a) {
    Instant fired = a.firedAt();
    for (Group g : open.values()) {
      boolean recent = g.near(a.since());
      boolean cascading = a.severity().compareTo(g.worst()) >= 0;
      boolean related =
          g.members.values().stream().anyMatch(m -> graph.related(m.component(), a.component()));
      if (recent && (cascading || related)) {
        return g;
      }
    }
    Instant dayStart = fired.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    int n =
        store.countOpened(dayStart, dayStart.plus(Duration.ofDays(1)))
            + (int)
                open.values().stream()
                    .filter(g -> !g.openedAt.isBefore(dayStart) && g.view == null)
                    .count()
            + 1;
    Group g =
        new Group(
            String.format(java.util.Locale.ROOT, "INCIDENT-%s-%03d", DAY.format(fired), n), fired);
    open.put(g.id, g);
    return g;
  }

  private Incident judge(Group g, Function<String, Optional<Rule>> rules) {
    List<Incident.Member> members = new ArrayList<>(g.members.values());
    members.sort(Comparator.comparing(Incident.Member::since));
    Incident.Member root = null;
    String reason = "earliest";
    String suggestion = null;
    for (Pattern p : patterns) {
      boolean all =
          p.when().stream()
              .allMatch(glob -> members.stream().anyMatch(m -> Pattern.matches(glob, m.ruleId())));
      if (all) {
        root =
            members.stream()
                .filter(m -> Pattern.matches(p.root(), m.ruleId()))
                .findFirst()
                .orElseThrow();
        reason = "pattern " + p.id();
        suggestion = renderWithLabels(p.suggest(), members, rules);
        break;
      }
    }
    if (root == null) {
      Incident.Member deepest = topologicalRoot(members);
      if (deepest != null) {
        root = deepest;
        reason = "topology";
      } else {
        root = members.getFirst();
      }
    }
    Incident.Member cause = root;
    if (suggestion == null) {
      suggestion =
          rules
              .apply(cause.ruleId())
              .flatMap(Rule::suggestion)
              .map(s -> renderWithLabels(s, List.of(cause), rules))
              .orElse("Investigate " + cause.title() + ": " + cause.message());
    }
    double base = rules.apply(cause.ruleId()).map(Rule::baseScore).orElse(baseOf(cause.category()));
    Instant firstConsequence =
        members.stream()
            .filter(m -> m != cause)
            .map(Incident.Member::since)
            .min(Comparator.naturalOrder())
            .orElse(cause.since());
    double seconds =
        Math.abs(Duration.between(cause.since(), firstConsequence).toMillis()) / 1000.0;
    double temporal = Math.pow(0.5, seconds / HALF_LIFE.toSeconds());
    double topological = graph.topologicalFactor(cause.component());
    boolean isOpen = members.stream().anyMatch(m -> !m.resolved());
    Severity worst = g.worst();
    List<Incident.Member> related = members.stream().filter(m -> m != cause).toList();
    Instant closedAt = isOpen ? null : clock.instant();
    return new Incident(
        g.id,
        worst,
        isOpen,
        g.openedAt,
        closedAt,
        cause,
        related,
        suggestion,
        base * temporal * topological,
        new Incident.Factors(base, temporal, topological),
        reason);
  }

  /**
   * The deepest failing dependency: a member whose component is depended on (directly or not) by
   * another member's component and which itself depends on no other failing component. Null when
   * the graph relates none of them.
   */
  private Incident.Member topologicalRoot(List<Incident.Member> members) {
    Incident.Member best = null;
    for (Incident.Member m : members) {
      boolean below =
          members.stream().anyMatch(o -> o != m && graph.dependsOn(o.component(), m.component()));
      boolean dependsOnFailing =
          members.stream().anyMatch(o -> o != m && graph.dependsOn(m.component(), o.component()));
      if (below
          && !dependsOnFailing
          && (best == null || graph.depth(m.component()) > graph.depth(best.component()))) {
        best = m;
      }
    }
    return best;
  }

  private static String renderWithLabels(
      String template, List<Incident.Member> members, Function<String, Optional<Rule>> rules) {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, Double> values = new LinkedHashMap<>();
    for (Incident.Member m : members) {
      labelsOf(m).forEach(labels::putIfAbsent);
      rules
          .apply(m.ruleId())
          .ifPresent(r -> values.putIfAbsent(r.condition().metrics().getFirst(), m.value()));
    }
    return MessageTemplate.compile("suggest", template).render(values, labels);
  }

  /** Labels as kept in the member's title: recovered from the alert's component and title. */
  private static Map<String, String> labelsOf(Incident.Member m) {
    return m.labels();
  }

  private static double baseOf(String category) {
    return switch (category == null ? "" : category) {
      case "resources" -> 0.9;
      case "network" -> 0.85;
      case "services" -> 0.7;
      case "configuration", "security" -> 0.6;
      default -> 0.5;
    };
  }

  private static Incident.Member member(
      Alert a, boolean resolved, Function<String, Optional<Rule>> rules) {
    String metricUnit =
        rules
            .apply(a.ruleId())
            .map(r -> r.condition().metrics().getFirst().endsWith("_percent") ? "%" : "")
            .orElse("");
    return new Incident.Member(
        a.id(),
        a.ruleId(),
        a.title(),
        a.component(),
        a.message(),
        a.value(),
        metricUnit,
        a.since(),
        a.firedAt(),
        resolved,
        a.severity(),
        a.category(),
        a.labels());
  }

  /** Open incidents, oldest first. */
  public synchronized List<Incident> openIncidents() {
    return open.values().stream().map(g -> g.view).filter(java.util.Objects::nonNull).toList();
  }
}
