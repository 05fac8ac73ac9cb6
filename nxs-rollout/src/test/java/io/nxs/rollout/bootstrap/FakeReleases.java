package io.nxs.rollout.bootstrap;

import com.sun.net.httpserver.HttpServer;
import io.nxs.rollout.bootstrap.BootstrapState.Place;
import io.nxs.rollout.release.Ed25519Keys;
import io.nxs.rollout.release.ReleasePackager;
import io.nxs.rollout.release.ReleaseSignature;
import io.nxs.rollout.release.SmallRelease;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small signed releases whose {@code bin/nxs} is a shell script standing in for the daemon, and a
 * loopback HTTP server that answers its {@code /readyz} and serves mirror files. The scripts are
 * real processes the bootstrap starts, checks and stops; only the daemon's insides are left out.
 */
final class FakeReleases implements AutoCloseable {

  /** How the release's {@code bin/nxs} behaves. */
  enum Behaviour {
    /** {@code config check} passes; {@code serve} says its port and runs until SIGTERM. */
    WORKS,
    /** {@code config check} refuses the home's nxs.yaml. */
    REFUSES_CONFIG,
    /** {@code serve} writes to state.db, then fails its migration and exits 1. */
    FAILS_MIGRATION,
    /** {@code serve} fails with a secret in its output. */
    CRASHES_WITH_SECRET
  }

  /** A secret the crashing release prints; must never reach a dump. */
  static final String SECRET = "sk-live-0123456789abcdefghij";

  final KeyPair signer = SmallRelease.keyPair();
  final HttpServer http;

  /** Mirror files by URL path. */
  final Map<String, Path> served = new ConcurrentHashMap<>();

  /** Requests for a served path to answer 503 before the file. */
  final Map<String, AtomicInteger> unavailable = new ConcurrentHashMap<>();

  private final Path dir;

  FakeReleases(Path dir) throws IOException {
    this.dir = dir;
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          AtomicInteger busy = unavailable.get(path);
          Path file = served.get(path);
          if (path.equals("/readyz")) {
            exchange.sendResponseHeaders(200, -1);
          } else if (busy != null && busy.getAndDecrement() > 0) {
            exchange.sendResponseHeaders(503, -1);
          } else if (file == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
              Files.copy(file, out);
            }
          }
          exchange.close();
        });
    http.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + path;
  }

  /** A release of {@code version}, signed by {@link #signer}. */
  Path signed(String version, Behaviour behaviour) throws IOException {
    Path archive = pack(version, behaviour);
    ReleaseSignature.sign(archive, signer.getPrivate());
    return archive;
  }

  Path pack(String version, Behaviour behaviour) throws IOException {
    String name = version + "-" + behaviour;
    return ReleasePackager.pack(
        SmallRelease.inputs(dir, name, version, script(version, behaviour)),
        Files.createDirectories(dir.resolve("out-" + name)));
  }

  private String script(String version, Behaviour behaviour) {
    int port = http.getAddress().getPort();
    String serve =
        switch (behaviour) {
          case WORKS, REFUSES_CONFIG ->
              "echo \"NXS " + version + " listening on port " + port + "\"; exec sleep 300";
          case FAILS_MIGRATION ->
              "echo 'half-migrated' >> \"$3/state.db\"; echo wal > \"$3/state.db-wal\";"
                  + " echo 'migration V7 of state.db failed: no such column' >&2; exit 1";
          case CRASHES_WITH_SECRET ->
              "echo \"provider rejected api_key=" + SECRET + "\" >&2; exit 3";
        };
    String config =
        behaviour == Behaviour.REFUSES_CONFIG
            ? "echo \"$4/nxs.yaml:2: 'server.port' moved to 'server.listen' in "
                + version
                + "\";"
                + " exit 1"
            : "echo 'nxs.yaml is valid'; exit 0";
    return "#!/bin/sh\n# NXS "
        + version
        + " stand-in\ncase \"$1\" in\n  config) "
        + config
        + " ;;\n  serve) "
        + serve
        + " ;;\nesac\necho \"unknown command $1\" >&2\nexit 2\n";
  }

  /** The trusted key's PEM file. */
  Path publicKeyFile() throws IOException {
    return Files.writeString(dir.resolve("release.pub"), Ed25519Keys.toPem(signer.getPublic()));
  }

  Bootstrap.Request request(List<String> sources, Place preferred, Place userOwned) {
    return new Bootstrap.Request(
        sources, preferred, userOwned, signer.getPublic(), Duration.ofSeconds(60), false);
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
