package io.nxs.app;

import io.nxs.core.NxsException;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.state.SecureFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the running daemon listens, in {@code daemon.address} in the home: written once it listens,
 * removed when it stops. A CLI command reads these two lines instead of parsing {@code nxs.yaml}
 * (half of a command's start, bench/results/2026-12-07-cli.md), and finds the port the daemon
 * really took. A file left by a daemon that died is ignored: its process is gone.
 *
 * @param url the daemon's base URL for a client on this machine, e.g. {@code http://127.0.0.1:8787}
 * @param pid the daemon's process id
 */
public record DaemonAddress(URI url, long pid) {

  private static final String FILE = "daemon.address";

  /** The file in {@code home}. */
  public static Path file(NxsHome home) {
    return home.dir().resolve(FILE);
  }

  /**
   * Where a client on this machine reaches a daemon with this {@code server} section listening on
   * {@code port}: a wildcard address is reached through IPv4 loopback.
   */
  public static URI of(ServerConfig server, int port) {
    String host =
        server.host().equals("0.0.0.0") || server.host().equals("::") ? "127.0.0.1" : server.host();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create(server.scheme() + "://" + host + ":" + port);
  }

  /** Records where this process listens. A failure is logged: clients then read the config. */
  static void write(NxsHome home, URI url) {
    Properties p = new Properties();
    p.setProperty("url", url.toString());
    p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
    StringWriter text = new StringWriter();
    try {
      p.store(text, "where the running NXS daemon listens; removed when it stops");
      SecureFiles.writeAtomically(file(home), text.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException | NxsException e) {
      Log.LOG.warn(
          "cannot record where the daemon listens, clients will read nxs.yaml: {}", e.getMessage());
    }
  }

  /** Removes the file, if it is this process's. */
  static void remove(NxsHome home) {
    if (read(home).filter(a -> a.pid() == ProcessHandle.current().pid()).isEmpty()) {
      return;
    }
    try {
      Files.deleteIfExists(file(home));
    } catch (IOException e) {
      Log.LOG.warn("cannot remove {}: {}", file(home), e.getMessage());
    }
  }

  /**
   * The address of a daemon that is running now, or empty: no file, one a dead process left, or one
   * that cannot be read (the caller then reads {@code nxs.yaml}).
   */
  public static Optional<DaemonAddress> read(NxsHome home) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file(home), StandardCharsets.UTF_8)) {
      p.load(in);
      DaemonAddress a =
          new DaemonAddress(
              URI.create(p.getProperty("url", "")), Long.parseLong(p.getProperty("pid")));
      boolean alive = ProcessHandle.of(a.pid()).map(ProcessHandle::isAlive).orElse(false);
      return alive && a.url().getScheme() != null ? Optional.of(a) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      // No file (no daemon, or one from before this file existed), or one cut short or edited:
      // nxs.yaml says where the daemon should be, as it always did.
      return Optional.empty();
    }
  }

  /**
   * The logger, made at first use: only the daemon writes the file and logs, and a CLI command that
   * reads it must not pay for setting up the logging framework (Logback's start was ~4 % of {@code
   * nxs status}'s CPU, bench/results/2026-12-07-cli-2.md).
   */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(DaemonAddress.class);
  }
}
