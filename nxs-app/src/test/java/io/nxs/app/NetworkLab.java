package io.nxs.app;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces joined by veth pairs on bridges, made by the test and removed after it: a
 * small LAN on this machine whose links a test can cut for real (packets dropped, connections
 * hanging), as a switch port going dark would. Each host has two links: {@code eth0} on the data
 * bridge (the one a test cuts) and {@code eth1} on a management bridge, which the test's own
 * namespace also joins so it can always reach every host. The bridges live in their own namespace.
 * Needs root and iproute2 ({@code ip}); skipped without them, failed under {@code CI=true}.
 */
final class NetworkLab implements AutoCloseable {

  private final String prefix;
  private final String subnet;
  private final String mgmtSubnet;
  private final List<String> hosts = new ArrayList<>();
  private final String rootPort;

  private NetworkLab(String prefix, int third) {
    this.prefix = prefix;
    this.subnet = "10.251." + third;
    this.mgmtSubnet = "10.252." + third;
    this.rootPort = prefix + "r";
  }

  /** A lab with the two bridges, and the test's own port on the management one at {@code .254}. */
  static NetworkLab create() {
    boolean usable =
        Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"));
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(
          usable && root,
          "network namespaces need root and iproute2 (scripts/test-tools installs it)");
    }
    // Short unique names (interface names are at most 15 characters) and a subnet of our own, so
    // tests of other engineers running at the same time never meet this lab.
    String id =
        Long.toString(ProcessHandle.current().pid() % 100000, 36)
            + ThreadLocalRandom.current().nextInt(36 * 36);
    NetworkLab lab = new NetworkLab("nx" + id, ThreadLocalRandom.current().nextInt(1, 254));
    lab.sh("ip", "netns", "add", lab.hub());
    for (String br : List.of("br0", "br1")) {
      lab.sh("ip", "-n", lab.hub(), "link", "add", br, "type", "bridge");
      lab.sh("ip", "-n", lab.hub(), "link", "set", br, "up");
    }
    lab.sh(
        "ip",
        "link",
        "add",
        lab.rootPort,
        "type",
        "veth",
        "peer",
        "name",
        "hr",
        "netns",
        lab.hub());
    lab.sh("ip", "-n", lab.hub(), "link", "set", "hr", "master", "br1");
    lab.sh("ip", "-n", lab.hub(), "link", "set", "hr", "up");
    lab.sh("ip", "addr", "add", lab.mgmtSubnet + ".254/24", "dev", lab.rootPort);
    lab.sh("ip", "link", "set", lab.rootPort, "up");
    return lab;
  }

  private String hub() {
    return prefix + "-hub";
  }

  /**
   * Adds a host (its own namespace) at {@code <data subnet>.<n>} and {@code <management
   * subnet>.<n>}; returns its data address.
   */
  String addHost(String name, int n) {
    String ns = namespace(name);
    hosts.add(name);
    sh("ip", "netns", "add", ns);
    sh("ip", "-n", ns, "link", "set", "lo", "up");
    link(ns, "eth0", "h" + name, "br0", address(n));
    link(ns, "eth1", "m" + name, "br1", mgmtAddress(n));
    return address(n);
  }

  private void link(String ns, String inside, String outside, String bridge, String ip) {
    sh(
        "ip", "-n", ns, "link", "add", inside, "type", "veth", "peer", "name", outside, "netns",
        hub());
    sh("ip", "-n", hub(), "link", "set", "dev", outside, "master", bridge);
    sh("ip", "-n", hub(), "link", "set", "dev", outside, "up");
    sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", inside);
    sh("ip", "-n", ns, "link", "set", "dev", inside, "up");
  }

  /** A host's address on the data network (the one {@link #cut} cuts). */
  String address(int n) {
    return subnet + "." + n;
  }

  /** A host's address on the management network, which the test reaches and never cuts. */
  String mgmtAddress(int n) {
    return mgmtSubnet + "." + n;
  }

  String namespace(String host) {
    return prefix + "-" + host;
  }

  /** The command prefix that runs a program on a host. */
  List<String> on(String host) {
    return List.of("ip", "netns", "exec", namespace(host));
  }

  /** Cuts a host's data link: nothing gets in or out between it and the other hosts. */
  void cut(String host) {
    sh("ip", "-n", hub(), "link", "set", "dev", "h" + host, "down");
  }

  /** Connects a host's link again. */
  void heal(String host) {
    sh("ip", "-n", hub(), "link", "set", "dev", "h" + host, "up");
  }

  @Override
  public void close() {
    for (String h : hosts) {
      quietly("ip", "netns", "del", namespace(h));
    }
    quietly("ip", "link", "del", rootPort);
    quietly("ip", "netns", "del", hub());
  }

  private void quietly(String... command) {
    try {
      run(command);
    } catch (IllegalStateException e) {
      // Already gone (deleting a namespace removes its interfaces): nothing left to clean.
    }
  }

  private void sh(String... command) {
    run(command);
  }

  private static void run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
