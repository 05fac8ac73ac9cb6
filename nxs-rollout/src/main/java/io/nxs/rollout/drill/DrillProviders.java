package io.nxs.rollout.drill;

import java.io.IOException;
import java.net.InetAddress;

/**
 * What the gateway drills share: two {@link DrillUpstream}s on loopback — {@value #REMOTE}, named
 * by a host name so the scratch gateway counts it as a remote provider (priority 1), and {@value
 * #LOCAL} at a loopback address, a local model (priority 2) — the scratch configuration that names
 * them (1 s probes, a 1 s Doctor, breakers that open on the first failure and try again after 1 s),
 * and a model request.
 */
final class DrillProviders implements AutoCloseable {

  static final String REMOTE = "drill-remote";
  static final String LOCAL = "drill-local";

  /** The remote provider's host: {@code .invalid} never resolves outside the scratch daemon. */
  private static final String REMOTE_HOST = "provider.drill.invalid";

  private static final String LOCAL_KEY = "drill-local-key";

  final DrillUpstream remote;
  final DrillUpstream local;

  /**
   * Starts both.
   *
   * @param remoteKey the key the remote provider accepts at first (the configured one)
   */
  DrillProviders(String remoteKey) throws IOException {
    this.remote = new DrillUpstream(REMOTE, remoteKey);
    DrillUpstream l;
    try {
      l = new DrillUpstream(LOCAL, LOCAL_KEY);
    } catch (IOException e) {
      remote.close();
      throw e;
    }
    this.local = l;
  }

  /** Points the scratch instance at both, the remote one with {@code remoteKey}. */
  void configure(ScratchInstance scratch, String remoteKey) throws IOException {
    String loopback = InetAddress.getLoopbackAddress().getHostAddress();
    scratch.resolveHosts(loopback + " " + REMOTE_HOST + "\n");
    scratch.configure(
        """
        # A drill's scratch instance: two loopback providers, fast probes and Doctor.
        server:
          host: 127.0.0.1
          port: 0
        providers:
          - name: %s
            base_url: http://%s:%d/v1
            api_key: %s
            model: drill-model
            priority: 1
            timeout: 10
            circuit_breaker: {failure_threshold: 1, timeout_seconds: 1}
          - name: %s
            base_url: http://%s:%d/v1
            api_key: %s
            model: drill-model
            priority: 2
            timeout: 10
            circuit_breaker: {failure_threshold: 1, timeout_seconds: 1}
        failover:
          mode: sequential
          probe_interval: 1s
        doctor:
          interval: 1s
        """
            .formatted(
                REMOTE,
                REMOTE_HOST,
                remote.port(),
                remoteKey,
                LOCAL,
                loopback,
                local.port(),
                LOCAL_KEY));
  }

  /** A model request through the scratch gateway's default chain (remote first, then local). */
  static ScratchInstance.ApiResult ask(ScratchInstance scratch)
      throws IOException, InterruptedException {
    return scratch.api(
        "POST",
        "/v1/chat/completions",
        "{\"model\":\"nxs-auto\",\"messages\":[{\"role\":\"user\",\"content\":\"drill\"}]}");
  }

  /** Whether a model request was answered, and by whom, for a report. */
  static String answered(ScratchInstance.ApiResult r) {
    return "HTTP " + r.status() + " from " + r.provider();
  }

  /** The check that {@code r} is a 200 answered by {@code provider}. */
  static DrillReport.Check answeredBy(String check, ScratchInstance.ApiResult r, String provider) {
    return new DrillReport.Check(
        check, r.status() == 200 && r.provider().equals(provider), answered(r));
  }

  @Override
  public void close() {
    try (remote) {
      local.close();
    }
  }
}
