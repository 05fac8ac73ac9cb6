package io.nxs.vault.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A real S3 implementation on loopback for the tests: Adobe S3Mock's standalone server (from Maven
 * Central, copied to {@code target/s3mock} by the build) as a child process, started once per test
 * JVM and stopped when it exits. Buckets {@code nxs} and {@code nxs-other} exist from the start.
 * S3Mock accepts any credentials and honours {@code If-None-Match: *} (412 when the key exists).
 */
public final class S3Server {

  /** Credentials the tests use; S3Mock checks none. */
  public static final S3Target.Credentials CREDENTIALS =
      new S3Target.Credentials("nxs-test-access", "nxs-test-secret-DO-NOT-LOG");

  private static S3Server shared;
  private static RuntimeException failed;

  private final Process process;
  private final URI endpoint;

  private S3Server(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** The server, started on first use. */
  public static synchronized S3Server get() {
    if (failed != null) {
      throw failed; // once: every test of the JVM would otherwise wait for it again
    }
    if (shared == null) {
      try {
        shared = start();
      } catch (RuntimeException e) {
        failed = e;
        throw e;
      }
    }
    return shared;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A target on the {@code nxs} bucket under a prefix of its own. */
  public S3Target target(String prefix) {
    return new S3Target(endpoint, "us-east-1", true, "nxs", prefix, () -> CREDENTIALS);
  }

  /** An endpoint where nothing listens: what a client sees of a stopped server. */
  public static URI deadEndpoint() {
    return URI.create("http://127.0.0.1:" + freePort());
  }

  private static S3Server start() {
    String jar = System.getProperty("nxs.s3mock.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "S3Mock's server jar is missing ("
              + jar
              + "): run the tests through Maven, which copies it");
    }
    try {
      Path root = Files.createTempDirectory("nxs-s3mock");
      Path log = root.resolveSibling(root.getFileName() + ".log");
      int http = freePort();
      int https = freePort();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p =
          new ProcessBuilder(
                  List.of(
                      java,
                      "-XX:TieredStopAtLevel=1",
                      "-Xmx256m",
                      "-jar",
                      jar,
                      "--server.port=" + https,
                      "--com.adobe.testing.s3mock.httpPort=" + http,
                      "--com.adobe.testing.s3mock.store.root=" + root,
                      "--com.adobe.testing.s3mock.store.initialBuckets=nxs,nxs-other",
                      "--server.address=127.0.0.1",
                      "--spring.main.banner-mode=off"))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      URI endpoint = URI.create("http://127.0.0.1:" + http);
      try {
        Awaitility.await("S3Mock answering at " + endpoint + " (log " + log + ")")
            // Spring Boot starts in ~10 s on an idle machine and took 90 s at a load of 40: the
            // bound is for a server that will never answer, not a timing expectation.
            .atMost(Duration.ofMinutes(6))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> answers(p, endpoint, log));
      } catch (RuntimeException e) {
        p.destroyForcibly();
        throw e;
      }
      return new S3Server(p, endpoint);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean answers(Process p, URI endpoint, Path log) {
    if (!p.isAlive()) {
      throw new IllegalStateException("S3Mock exited at start; its log: " + log);
    }
    try {
      HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/nxs").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(2000);
      return c.getResponseCode() == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
