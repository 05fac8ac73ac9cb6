package io.nxs.doctor.collect;

import io.nxs.core.ext.MetricSource;
import io.nxs.doctor.config.NetworkConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import oshi.SystemInfo;
import oshi.hardware.NetworkIF;

/**
 * The network as the agent needs it (SPEC DR1): TCP reachability and connect latency of {@code
 * doctor.network.targets} ({@code network.reachable{target}}, {@code network.latency_ms{target}}),
 * name resolution of {@code dns_names} ({@code dns.resolves{name}}, {@code dns.resolve_ms{name}})
 * and whether the mesh VPN's interface is up ({@code mesh.up{interface}}, via OSHI).
 */
public final class NetworkCollector implements MetricSource {

  private static final int TIMEOUT_MS = 3000;

  private final NetworkConfig config;
  private final SystemInfo system;

  public NetworkCollector(NetworkConfig config) {
    this.config = config;
    this.system = config.meshInterface() == null ? null : new SystemInfo();
  }

  @Override
  public String name() {
    return "network";
  }

  @Override
  public List<Sample> collect() {
    List<Sample> out = new ArrayList<>();
    for (String target : config.targets()) {
      int colon = target.lastIndexOf(':');
      String host = target.substring(0, colon).replaceAll("^\\[|\\]$", "");
      int port = Integer.parseInt(target.substring(colon + 1));
      Map<String, String> l = Map.of("target", target);
      long start = System.nanoTime();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
        out.add(new Sample("network.reachable", l, 1));
        out.add(new Sample("network.latency_ms", l, (System.nanoTime() - start) / 1e6));
      } catch (IOException e) {
        out.add(new Sample("network.reachable", l, 0));
      }
    }
    for (String name : config.dnsNames()) {
      Map<String, String> l = Map.of("name", name);
      long start = System.nanoTime();
      try {
        InetAddress.getAllByName(name);
        out.add(new Sample("dns.resolves", l, 1));
        out.add(new Sample("dns.resolve_ms", l, (System.nanoTime() - start) / 1e6));
      } catch (UnknownHostException e) {
        out.add(new Sample("dns.resolves", l, 0));
      }
    }
    if (system != null) {
      boolean up = false;
      for (NetworkIF nif : system.getHardware().getNetworkIFs(true)) {
        if (nif.getName().equals(config.meshInterface())) {
          up =
              nif.getIfOperStatus() == NetworkIF.IfOperStatus.UP
                  || nif.getIfOperStatus() == NetworkIF.IfOperStatus.UNKNOWN;
        }
      }
      out.add(new Sample("mesh.up", Map.of("interface", config.meshInterface()), up ? 1 : 0));
    }
    return out;
  }
}
