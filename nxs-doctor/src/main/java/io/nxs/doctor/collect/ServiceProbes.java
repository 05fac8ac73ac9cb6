package io.nxs.doctor.collect;

import io.nxs.core.ext.MetricSource;
import io.nxs.core.http.LazyHttpClient;
import io.nxs.doctor.command.ShellCommand;
import io.nxs.doctor.config.ServiceConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * Probes the configured services (SPEC DR1): HTTP (status, latency, optional body match), TCP
 * connect, command (exit code) and process (a process of that name runs), all at once on virtual
 * threads.
 *
 * <p>Each service yields {@code service.<name>.up} (0/1), {@code service.<name>.latency_ms} and
 * {@code service.<name>.last_success} (seconds since the last good probe), and the same figures
 * with a {@code service} label plus {@code service.consecutive_failures}, which the built-in {@code
 * service-down} rule reads.
 */
public final class ServiceProbes implements MetricSource {

  private final List<ServiceConfig> services;
  private final Clock clock;
  private final long startMillis;
  private final java.util.function.Predicate<String> paused;
  // Plain HTTP/1.1 unless a service allows HTTP/2: the JDK client otherwise sends an h2c upgrade,
  // which some servers refuse (OpenClaw's gateway answers it with 400).
  private final HttpClient http1 = client(HttpClient.Version.HTTP_1_1);
  private final HttpClient http2 = client(HttpClient.Version.HTTP_2);

  // Each is built at its first probe (LazyHttpClient): most daemons never probe over HTTP/2.
  private static HttpClient client(HttpClient.Version version) {
    return LazyHttpClient.of(
        () ->
            HttpClient.newBuilder()
                .version(version)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
  }

  private final Map<String, State> states = new ConcurrentHashMap<>();

  /** What the last probe of one service found. */
  public record ProbeResult(boolean up, double latencyMs, String detail) {}

  private static final class State {
    long lastSuccessMillis = -1;
    int consecutiveFailures;
    ProbeResult last;
  }

  public ServiceProbes(List<ServiceConfig> services, Clock clock) {
    this(services, clock, name -> false);
  }

  /**
   * @param paused whether a service is stopped on purpose (through its {@code ServiceControl}): it
   *     is still probed, and {@code service.paused} 1 keeps {@code service-down} from firing
   */
  public ServiceProbes(
      List<ServiceConfig> services, Clock clock, java.util.function.Predicate<String> paused) {
    this.paused = paused;
    this.services = List.copyOf(services);
    this.clock = clock;
    this.startMillis = clock.millis();
    services.forEach(s -> states.put(s.name(), new State()));
  }

  @Override
  public String name() {
    return "services";
  }

  /** The configured services. */
  public List<ServiceConfig> services() {
    return services;
  }

  @Override
  public List<Sample> collect() {
    List<ProbeResult> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<ProbeResult>> futures = new ArrayList<>();
      for (ServiceConfig s : services) {
        futures.add(pool.submit(() -> probe(s)));
      }
      for (Future<ProbeResult> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          results.add(new ProbeResult(false, 0, "probe failed: " + e.getCause()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return List.of();
        }
      }
    }
    long now = clock.millis();
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      ServiceConfig s = services.get(i);
      ProbeResult r = results.get(i);
      State st = states.get(s.name());
      synchronized (st) {
        st.last = r;
        if (r.up()) {
          st.lastSuccessMillis = now;
          st.consecutiveFailures = 0;
        } else {
          st.consecutiveFailures++;
        }
        double sinceSuccess =
            (now - (st.lastSuccessMillis < 0 ? startMillis : st.lastSuccessMillis)) / 1000.0;
        String prefix = "service." + s.name() + ".";
        Map<String, String> l = Map.of("service", s.name());
        out.add(new Sample(prefix + "up", Map.of(), r.up() ? 1 : 0));
        out.add(new Sample(prefix + "latency_ms", Map.of(), r.latencyMs()));
        out.add(new Sample(prefix + "last_success", Map.of(), sinceSuccess));
        out.add(new Sample("service.up", l, r.up() ? 1 : 0));
        out.add(new Sample("service.latency_ms", l, r.latencyMs()));
        out.add(new Sample("service.last_success", l, sinceSuccess));
        out.add(new Sample("service.consecutive_failures", l, st.consecutiveFailures));
        out.add(new Sample("service.paused", l, paused.test(s.name()) ? 1 : 0));
      }
    }
    return out;
  }

  /** The last probe result of a service, if it was probed. */
  public ProbeResult last(String service) {
    State st = states.get(service);
    if (st == null) {
      return null;
    }
    synchronized (st) {
      return st.last;
    }
  }

  /** Probes one service now. */
  public ProbeResult probe(ServiceConfig s) {
    long start = System.nanoTime();
    ProbeResult r =
        switch (s.kind()) {
          case "http" -> http(s);
          case "tcp" -> tcp(s);
          case "command" -> command(s);
          default -> process(s);
        };
    double ms = (System.nanoTime() - start) / 1e6;
    return new ProbeResult(r.up(), ms, r.detail());
  }

  private ProbeResult http(ServiceConfig s) {
    try {
      HttpResponse<String> response =
          (s.http2() ? http2 : http1)
              .send(
                  HttpRequest.newBuilder(URI.create(s.http())).timeout(s.timeout()).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      boolean statusOk = status >= 200 && status < 400;
      boolean bodyOk =
          s.bodyMatch() == null || Pattern.compile(s.bodyMatch()).matcher(response.body()).find();
      return new ProbeResult(
          statusOk && bodyOk,
          0,
          "HTTP " + status + (statusOk && !bodyOk ? ", body does not match " + s.bodyMatch() : ""));
    } catch (IOException e) {
      return new ProbeResult(
          false,
          0,
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ProbeResult(false, 0, "interrupted");
    } catch (IllegalArgumentException e) {
      return new ProbeResult(false, 0, "bad URL: " + e.getMessage());
    }
  }

  private static ProbeResult tcp(ServiceConfig s) {
    int colon = s.tcp().lastIndexOf(':');
    String host = s.tcp().substring(0, colon).replaceAll("^\\[|\\]$", "");
    int port = Integer.parseInt(s.tcp().substring(colon + 1));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) s.timeout().toMillis());
      return new ProbeResult(true, 0, "connected");
    } catch (IOException e) {
      return new ProbeResult(false, 0, "connect failed: " + e.getMessage());
    }
  }

  private static ProbeResult command(ServiceConfig s) {
    ShellCommand.Result r = ShellCommand.run(s.command(), s.timeout());
    return new ProbeResult(r.ok(), 0, r.summary());
  }

  private static ProbeResult process(ServiceConfig s) {
    boolean running =
        ProcessHandle.allProcesses()
            .anyMatch(
                p ->
                    p.info()
                        .command()
                        .map(
                            c -> {
                              Path name = Path.of(c).getFileName();
                              return name != null && name.toString().equals(s.process());
                            })
                        .orElse(false));
    return new ProbeResult(running, 0, running ? "running" : "no process named " + s.process());
  }
}
