package io.nxs.gateway.internal;

import io.nxs.core.Severity;
import io.nxs.gateway.GatewayEvent;
import io.nxs.gateway.Outcome;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Air-gapped mode (GW12): when every remote provider is unreachable at the network level (refused,
 * reset, timed out) while local providers exist, only local providers are used and an alert event
 * is raised. Any answer from a remote provider (an attempt or a probe) ends it.
 */
final class AirGap {

  private final Set<String> remote;
  private final List<String> local;
  private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
  private final Telemetry telemetry;
  private volatile boolean active;

  AirGap(Set<String> remote, List<String> local, Telemetry telemetry) {
    this.remote = Set.copyOf(remote);
    this.local = List.copyOf(local);
    this.telemetry = telemetry;
  }

  boolean active() {
    return active;
  }

  /** Notes how a provider answered (or did not). */
  void observe(String provider, Outcome outcome) {
    if (!remote.contains(provider)) {
      return;
    }
    boolean down =
        outcome == Outcome.REFUSED || outcome == Outcome.RESET || outcome == Outcome.TIMEOUT;
    boolean up = outcome.tried() && outcome != Outcome.CANCELLED && !down;
    if (down) {
      unreachable.add(provider);
    } else if (up) {
      unreachable.remove(provider);
    } else {
      return;
    }
    boolean now = !local.isEmpty() && !remote.isEmpty() && unreachable.containsAll(remote);
    synchronized (this) {
      if (now != active) {
        active = now;
        telemetry.publish(new GatewayEvent.AirGapped(telemetry.clock().instant(), now, local));
        telemetry.audit(
            now ? "provider.air_gapped" : "provider.air_gap_ended",
            now ? Severity.HIGH : Severity.INFO,
            "remote providers",
            Map.of("local_providers", local, "remote_providers", List.copyOf(remote)));
      }
    }
  }
}
