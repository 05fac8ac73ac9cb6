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
 * Network namespaces joined by veth pairs on a bridge, made by the test and removed after it: a
 * small LAN on this machine whose links a test can cut for real (packets dropped, connections
 * hanging), as a switch port going dark would. The bridge lives in its own namespace; the test's
 * own namespace gets one port on it so it can reach every host. Needs root and iproute2 ({@code
 * ip}); skipped without them, failed under {@code CI=true}.
 */
final class NetworkLab implements AutoCloseable {

  private final String prefix;
  private final String subnet;
  private final List<String> hosts = new ArrayList<>();
  private final String rootPort;

  private NetworkLab(String prefix, String subnet) {
    this.prefix = prefix;
    this.subnet = subnet;
    this.rootPort = prefix + "r";
  }

  /** A lab with a bridge, and the test's own port on it at {@code <subnet>.254}. */
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
    NetworkLab lab =
        new NetworkLab("nx" + id, "10.251." + ThreadLocalRandom.current().nextInt(1, 254));
    lab.sh("ip", "netns", "add", lab.hub());
    lab.sh("ip", "-n", lab.hub(), "link", "add", "br0", "type", "bridge");
    lab.sh("ip", "-n", lab.hub(), "link", "set", "br0", "up");
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
    lab.sh("ip", "-n", lab.hub(), "link", "set", "hr", "master", "br0");
    lab.sh("ip", "-n", lab.hub(), "link", "set", "hr", "up");
    lab.sh("ip", "addr", "add", lab.subnet + ".254/24", "dev", lab.rootPort);
    lab.sh("ip", "link", "set", lab.rootPort, "up");
    return lab;
  }

  private String hub() {
    return prefix + "-hub";
  }

  /** Adds a host (its own namespace) at {@code <subnet>.<n>}; returns its address. */
  String addHost(String name, int n) {
    String ns = namespace(name);
    hosts.add(name);
    sh("ip", "netns", "add", ns);
    sh("ip", "-n", ns, "link", "set", "lo", "up");
    sh(
        "ip",
        "-n",
        ns,
        "link",
        "add",
        "eth0",
        "type",
        "veth",
        "peer",
        "name",
        "h" + name,
        "netns",
        hub());
    sh("ip", "-n", hub(), "link", "set", "h" + name, "master", "br0");
    sh("ip", "-n", hub(), "link", "set", "h" + name, "up");
    sh("ip", "-n", ns, "addr", "add", address(n) + "/24", "dev", "eth0");
    sh("ip", "-n", ns, "link", "set", "eth0", "up");
    return address(n);
  }

  String address(int n) {
    return subnet + "." + n;
  }

  String namespace(String host) {
    return prefix + "-" + host;
  }

  /** The command prefix that runs a program on a host. */
  List<String> on(String host) {
    return List.of("ip", "netns", "exec", namespace(host));
  }

  /** Cuts a host's link to the bridge: nothing gets in or out. */
  void cut(String host) {
    sh("ip", "-n", hub(), "link", "set", "h" + host, "down");
  }

  /** Connects a host's link again. */
  void heal(String host) {
    sh("ip", "-n", hub(), "link", "set", "h" + host, "up");
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
