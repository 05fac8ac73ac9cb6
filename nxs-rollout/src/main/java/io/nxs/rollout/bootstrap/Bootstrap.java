package io.nxs.rollout.bootstrap;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.nxs.core.NxsException;
import io.nxs.core.log.Redaction;
import io.nxs.core.state.SecureFiles;
import io.nxs.rollout.bootstrap.BootstrapState.Configuring;
import io.nxs.rollout.bootstrap.BootstrapState.Detecting;
import io.nxs.rollout.bootstrap.BootstrapState.Fresh;
import io.nxs.rollout.bootstrap.BootstrapState.Halted;
import io.nxs.rollout.bootstrap.BootstrapState.Incompatible;
import io.nxs.rollout.bootstrap.BootstrapState.Place;
import io.nxs.rollout.bootstrap.BootstrapState.RolledBack;
import io.nxs.rollout.bootstrap.BootstrapState.Running;
import io.nxs.rollout.bootstrap.BootstrapState.SafeMode;
import io.nxs.rollout.bootstrap.BootstrapState.Start;
import io.nxs.rollout.bootstrap.BootstrapState.Upgrade;
import io.nxs.rollout.bootstrap.BootstrapState.Validating;
import io.nxs.rollout.bootstrap.BootstrapState.Verifying;
import io.nxs.rollout.release.BadSignatureException;
import io.nxs.rollout.release.Ed25519Keys;
import io.nxs.rollout.release.ReleaseException;
import io.nxs.rollout.release.ReleaseInstaller;
import io.nxs.rollout.release.ReleaseSignature;
import io.nxs.rollout.release.ReleaseVersion;
import io.nxs.rollout.release.VerifiedRelease;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nxs bootstrap ARCHIVE} (SPEC RO3): installs a signed release on this machine and starts
 * it, one {@link BootstrapState} at a time, checkpointing the state to {@code
 * ROOT/.bootstrap/state.json} (atomically) after every step, so a run killed at any point resumes
 * from the last good step.
 *
 * <p>The failure matrix: a damaged download is fetched again from the next source; a bad signature
 * halts; a configuration the new version refuses stops with a compatibility report; a new version
 * that fails on the home's state (a migration) is rolled back to the previous version and a copy of
 * the state taken before; an I/O failure is retried in a fresh temporary directory; an unwritable
 * home or install root falls back to user-owned ones; anything else writes a redacted diagnostic
 * dump and puts the home in {@link SafeModeMarker safe mode}.
 *
 * <p>Every step is safe to run again: a step killed half-way runs again from its start on resume.
 * Talking to the new version goes through its own launcher ({@code nxs-VERSION/bin/nxs config
 * check}, {@code serve}), so the version that will run is the one that judges the home.
 */
public final class Bootstrap {

  /** The state file's name in the work directory. */
  public static final String STATE_FILE = "state.json";

  /** How often a failing I/O step is tried, each time in a fresh temporary directory. */
  static final int ATTEMPTS = 3;

  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  /**
   * What to install, and where.
   *
   * @param sources where the archive is: as given, then under each mirror ({@link #sources})
   * @param preferred the home and install root asked for
   * @param userOwned where to go when {@code preferred} cannot be written
   * @param trusted the key the release must be signed with; pinned in a fresh home's nxs.yaml
   * @param readyTimeout how long the new version may take to answer {@code /readyz} 200
   * @param systemd whether systemd runs NXS: after validation, {@code systemctl restart nxs}
   *     instead of leaving the validated daemon running
   */
  public record Request(
      List<String> sources,
      Place preferred,
      Place userOwned,
      PublicKey trusted,
      Duration readyTimeout,
      boolean systemd) {

    public Request {
      sources = List.copyOf(sources);
      if (sources.isEmpty()) {
        throw new IllegalArgumentException("no archive to bootstrap from");
      }
    }

    /** The archive's file name, e.g. {@code nxs-0.2.0.tar.gz}. */
    public String archiveName() {
      return ReleaseSources.fileName(sources.getFirst());
    }

    /** The archive as given, then the same file name under each mirror. */
    public static List<String> sources(String archive, List<String> mirrors) {
      return ReleaseSources.of(archive, mirrors);
    }
  }

  /** Hears what a bootstrap does, e.g. to print it. */
  public interface Listener {

    /** A step left {@code from} for {@code to}; called before {@code to} is checkpointed. */
    default void stepDone(BootstrapState from, BootstrapState to) {}

    /** Something worth a line: a fallback, a retry, a rollback. */
    default void note(String line) {}
  }

  /** The state file's content. */
  record Checkpoint(
      @JsonProperty("archive") String archive, @JsonProperty("state") BootstrapState state) {}

  private final Request request;
  private final Listener listener;
  private final Clock clock;
  private Place place;

  public Bootstrap(Request request, Listener listener, Clock clock) {
    this.request = request;
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * The state a run would resume from: an unfinished one in the preferred or the user-owned work
   * directory; START when there is none or the last run ended.
   *
   * @throws NxsException when an unfinished bootstrap of another archive is there
   */
  public BootstrapState resumable() {
    for (Place p : List.of(request.preferred(), request.userOwned())) {
      Optional<Checkpoint> saved = read(p.work().resolve(STATE_FILE));
      if (saved.isEmpty() || saved.get().state().terminal()) {
        continue;
      }
      if (!saved.get().archive().equals(request.archiveName())) {
        throw new NxsException(
            "a bootstrap of "
                + saved.get().archive()
                + " is unfinished at "
                + saved.get().state().name()
                + " ("
                + p.work().resolve(STATE_FILE)
                + "): run it again with that archive to finish it, or remove the file");
      }
      return saved.get().state();
    }
    return new Start();
  }

  /** Runs from {@link #resumable} to an end and returns it. */
  public BootstrapState run() {
    BootstrapState state = resumable();
    if (!(state instanceof Start)) {
      listener.note("resuming at " + state.name() + " from the last checkpoint");
    }
    place = placeOf(state);
    while (!state.terminal()) {
      BootstrapState next = attempt(state);
      listener.stepDone(state, next);
      if (place == null) {
        place = placeOf(next);
      }
      checkpoint(next);
      state = next;
    }
    return state;
  }

  /** One step, I/O failures retried; what else goes wrong is safe mode. */
  private BootstrapState attempt(BootstrapState state) {
    IOException last = null;
    for (int i = 1; i <= ATTEMPTS; i++) {
      try {
        return step(state);
      } catch (IOException | UncheckedIOException e) {
        last = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
        listener.note(
            state.name()
                + " failed ("
                + last.getMessage()
                + "); "
                + (i < ATTEMPTS ? "retrying in a fresh temporary directory" : "giving up"));
      } catch (RuntimeException e) {
        return safeMode(state, state.name() + " failed: " + e.getMessage(), e);
      }
    }
    return safeMode(
        state, state.name() + " failed " + ATTEMPTS + " times: " + last.getMessage(), last);
  }

  private BootstrapState step(BootstrapState state) throws IOException {
    return switch (state) {
      case Start s -> start();
      case Verifying v -> verify(v);
      case Detecting d -> detect(d);
      case Upgrade u -> upgrade(u);
      case Fresh f -> fresh(f);
      case Configuring c -> configure(c);
      case Validating v -> validate(v);
      case Running r -> r;
      case Halted h -> h;
      case Incompatible i -> i;
      case RolledBack r -> r;
      case SafeMode s -> s;
    };
  }

  // START: where to install.

  private BootstrapState start() {
    Optional<String> problem = unwritable(request.preferred());
    if (problem.isEmpty()) {
      return new Verifying(request.preferred());
    }
    Optional<String> userProblem = unwritable(request.userOwned());
    if (userProblem.isPresent()) {
      return new Halted(
          "no permission: " + problem.get() + "; the user-owned fallback: " + userProblem.get());
    }
    listener.note(
        "no permission ("
            + problem.get()
            + "): installing in the user-owned "
            + request.userOwned().root()
            + " with home "
            + request.userOwned().home());
    Place user = request.userOwned();
    return new Verifying(new Place(user.home(), user.root(), problem));
  }

  private static Optional<String> unwritable(Place p) {
    for (Path dir : List.of(p.home(), p.root(), p.work())) {
      try {
        SecureFiles.ensureDirectory(dir);
        Files.delete(Files.createTempFile(dir, ".write-probe-", ""));
      } catch (IOException | RuntimeException e) {
        return Optional.of("cannot write " + dir + " (" + e.getMessage() + ")");
      }
    }
    return Optional.empty();
  }

  // VERIFYING: fetch from the sources in turn until one verifies.

  private BootstrapState verify(Verifying v) throws IOException {
    List<String> problems = new ArrayList<>();
    String name = request.archiveName();
    for (String source : request.sources()) {
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        Path tmp = freshTemp(v.place());
        try {
          Path archive = tmp.resolve(name);
          ReleaseSources.fetch(source, archive);
          ReleaseSources.fetch(source + ReleaseSignature.SUFFIX, signature(archive));
          VerifiedRelease release = ReleaseSignature.verify(archive, request.trusted());
          Path kept = Files.createDirectories(v.place().work().resolve("release")).resolve(name);
          Files.move(
              signature(archive),
              signature(kept),
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
          Files.move(
              archive, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          listener.note("verified " + name + " (NXS " + release.version() + ") from " + source);
          return new Detecting(v.place(), kept, release.version().toString());
        } catch (BadSignatureException e) {
          return new Halted(e.getMessage());
        } catch (ReleaseSources.NotThere e) {
          problems.add(e.getMessage());
          break;
        } catch (ReleaseException e) {
          problems.add(source + ": damaged: " + e.getMessage());
          listener.note(source + " is damaged; fetching again from the next source");
          break;
        } catch (IOException e) {
          problems.add(source + ": " + e.getMessage());
          listener.note(
              source
                  + ": "
                  + e.getMessage()
                  + (attempt < ATTEMPTS ? "; retrying in a fresh temporary directory" : ""));
        } finally {
          SecureFiles.deleteTree(tmp);
        }
      }
    }
    return new Halted(
        "no source holds a release that verifies; nothing was installed: "
            + String.join("; ", problems));
  }

  private static Path signature(Path archive) {
    return ReleaseSignature.signatureFile(archive);
  }

  // DETECTING: upgrade or fresh.

  private BootstrapState detect(Detecting d) {
    Optional<ReleaseVersion> installed =
        new ReleaseInstaller(d.place().root()).installed(Optional.empty());
    ReleaseVersion version = ReleaseVersion.parse(d.version());
    if (installed.isPresent() && installed.get().compareTo(version) >= 0) {
      return new Halted(
          "NXS "
              + installed.get()
              + " is installed in "
              + d.place().root()
              + "; "
              + version
              + " is not newer (versions only go up). Nothing was changed.");
    }
    boolean state = Files.exists(d.place().home().resolve("state.db"));
    if (installed.isPresent() || state) {
      return new Upgrade(d.place(), d.archive(), d.version(), installed.map(Object::toString));
    }
    return new Fresh(d.place(), d.archive(), d.version());
  }

  // UPGRADE | FRESH: install beside what is there.

  private BootstrapState upgrade(Upgrade u) throws IOException {
    Path backup = u.place().work().resolve("rollback");
    Path tmp = freshTemp(u.place());
    try {
      for (String file : STATE_FILES) {
        Path from = u.place().home().resolve(file);
        if (Files.exists(from)) {
          Files.copy(from, tmp.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      SecureFiles.deleteTree(backup);
      Files.move(tmp, backup, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      SecureFiles.deleteTree(tmp);
    }
    install(u.place(), u.archive(), u.version());
    return new Configuring(u.place(), u.version(), u.previous(), Optional.of(backup));
  }

  /** What of the home an upgrade copies first and a rollback puts back. */
  private static final List<String> STATE_FILES =
      List.of("state.db", "state.db-wal", "state.db-shm", "nxs.yaml");

  private BootstrapState fresh(Fresh f) {
    install(f.place(), f.archive(), f.version());
    return new Configuring(f.place(), f.version(), Optional.empty(), Optional.empty());
  }

  /** Installs the verified archive, unless a resumed run finds it installed and current. */
  private void install(Place p, Path archive, String version) {
    Path root = p.root();
    String directory = "nxs-" + version;
    Path current = root.resolve(ReleaseInstaller.CURRENT);
    try {
      if (Files.isSymbolicLink(current)
          && Files.readSymbolicLink(current).toString().equals(directory)) {
        return;
      }
      // A directory a killed run left before it became current.
      SecureFiles.deleteTree(root.resolve(directory));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    new ReleaseInstaller(root).install(archive, request.trusted(), Optional.empty());
    listener.note("installed NXS " + version + " in " + root.resolve(directory));
  }

  // CONFIGURING: a fresh home gets the release's nxs.yaml with the key pinned; the new version
  // checks the configuration.

  private BootstrapState configure(Configuring c) throws IOException {
    Place p = c.place();
    Path release = p.root().resolve("nxs-" + c.version());
    Path config = p.home().resolve("nxs.yaml");
    SecureFiles.ensureDirectory(p.home());
    if (!Files.exists(config)) {
      String text = Files.readString(release.resolve("config/nxs.yaml"), StandardCharsets.UTF_8);
      SecureFiles.writeAtomically(
          p.home().resolve(PINNED_KEY),
          Ed25519Keys.toPem(request.trusted()).getBytes(StandardCharsets.US_ASCII));
      if (!text.startsWith("release:") && !text.contains("\nrelease:")) {
        text +=
            (text.endsWith("\n") ? "" : "\n")
                + "\n# Pinned by nxs bootstrap: 'nxs upgrade' installs only releases signed with"
                + " this key.\nrelease:\n  public_key: "
                + PINNED_KEY
                + "\n";
      }
      SecureFiles.writeAtomically(config, text.getBytes(StandardCharsets.UTF_8));
    }
    Launched check = runRelease(release, p.home(), "config", "check");
    if (check.exit() == 0) {
      return new Validating(p, c.version(), c.previous(), c.backup());
    }
    Path report = p.work().resolve("compatibility-report-" + c.version() + ".txt");
    String kept =
        c.previous()
            .map(v -> "NXS " + v + " stays current; nothing of the home was changed.")
            .orElse("NXS " + c.version() + " is installed but not started.");
    SecureFiles.writeAtomically(
        report,
        Redaction.redact(
                "Compatibility report: NXS "
                    + c.version()
                    + " cannot run with "
                    + config
                    + "\n\n'nxs config check' of the new version (exit "
                    + check.exit()
                    + ") says:\n"
                    + check.output()
                    + "\n"
                    + kept
                    + "\nFix the configuration (see docs/operations.md) and run nxs bootstrap"
                    + " again.\n")
            .getBytes(StandardCharsets.UTF_8));
    c.previous().ifPresent(v -> rollBack(p, v));
    return new Incompatible(p, c.version(), report);
  }

  /** The pinned release key's file in a bootstrapped home, named by its nxs.yaml. */
  static final String PINNED_KEY = "release.pub";

  // VALIDATING: the new version starts on the home's state and answers /readyz 200.

  private BootstrapState validate(Validating v) throws IOException {
    Place p = v.place();
    Path release = p.root().resolve(ReleaseInstaller.CURRENT);
    stopRecorded(p);
    Path log = p.work().resolve("serve.log");
    Process serve = startServe(p, release, log);
    Optional<Integer> port = awaitReady(serve, log, request.readyTimeout());
    if (port.isPresent()) {
      if (!request.systemd()) {
        return new Running(p, v.version(), serve.pid(), port.get());
      }
      stop(serve);
      Launched restart = run(List.of("systemctl", "restart", "nxs.service"), null);
      if (restart.exit() != 0) {
        throw new NxsException("systemctl restart nxs.service failed: " + restart.output());
      }
      return new Running(p, v.version(), 0, port.get());
    }
    stop(serve);
    String reason =
        "NXS " + v.version() + " did not become ready on " + p.home() + ": " + tail(log, 5);
    if (v.previous().isPresent() && v.backup().isPresent()) {
      restore(v.backup().get(), p.home());
      rollBack(p, v.previous().get());
      listener.note("rolled back to NXS " + v.previous().get() + " and its state: " + reason);
      return new RolledBack(p, v.version(), v.previous().get(), reason);
    }
    v.backup().ifPresent(b -> restore(b, p.home()));
    return safeMode(v, reason, null);
  }

  private Process startServe(Place p, Path release, Path log) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                release.resolve("bin/nxs").toString(), "serve", "--home", p.home().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().remove("NXS_HOME");
    Process serve = pb.start();
    SecureFiles.writeAtomically(
        p.work().resolve(PID_FILE), Long.toString(serve.pid()).getBytes(StandardCharsets.US_ASCII));
    return serve;
  }

  /** The daemon a bootstrap started and left running, or a killed run left behind. */
  static final String PID_FILE = "serve.pid";

  /** Stops a daemon an earlier, killed run of this bootstrap started. */
  private void stopRecorded(Place p) throws IOException {
    Path pidFile = p.work().resolve(PID_FILE);
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isPresent() && process.get().isAlive()) {
      listener.note("stopping NXS (pid " + pid + ") that an interrupted run started");
      ProcessHandle h = process.get();
      h.destroy();
      try {
        h.onExit().get(60, TimeUnit.SECONDS);
      } catch (Exception notInTime) {
        h.destroyForcibly();
      }
    }
    Files.delete(pidFile);
  }

  private static void stop(Process serve) {
    serve.destroy();
    try {
      if (!serve.waitFor(60, TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      serve.destroyForcibly();
    }
  }

  /** The port once {@code /readyz} answers 200; empty when the daemon exits or time runs out. */
  private static Optional<Integer> awaitReady(Process serve, Path log, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpClient http = HttpClient.newHttpClient();
    int port = -1;
    while (System.nanoTime() < deadline && serve.isAlive()) {
      if (port < 0) {
        Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
        port = m.find() ? Integer.parseInt(m.group(1)) : -1;
      }
      if (port >= 0 && readyz(http, port)) {
        return Optional.of(port);
      }
      // A real child process starting: poll its output and /readyz.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    return Optional.empty();
  }

  private static boolean readyz(HttpClient http, int port) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void rollBack(Place p, String previous) {
    new ReleaseInstaller(p.root()).restore(ReleaseVersion.parse(previous));
  }

  /** Puts the copied state back; a WAL the failed version left would otherwise be replayed. */
  private static void restore(Path backup, Path home) {
    try {
      for (String file : STATE_FILES) {
        Path copy = backup.resolve(file);
        Path target = home.resolve(file);
        if (Files.exists(copy)) {
          Path tmp = home.resolve("." + file + ".restore");
          Files.copy(copy, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(
              tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
          Files.deleteIfExists(target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore the state copied to " + backup, e);
    }
  }

  // Anything else: a redacted diagnostic dump and safe mode.

  private BootstrapState safeMode(BootstrapState state, String reason, Throwable cause) {
    Place p = place != null ? place : placeOf(state);
    Path dir = p != null ? p.work() : Path.of(System.getProperty("java.io.tmpdir"));
    Path dump = dir.resolve("diagnostic-" + clock.instant().toString().replace(':', '-') + ".txt");
    StringBuilder text = new StringBuilder();
    text.append("NXS bootstrap diagnostic dump, ").append(clock.instant()).append('\n');
    text.append("archive: ").append(request.archiveName()).append('\n');
    text.append("sources: ").append(request.sources()).append('\n');
    text.append("state: ").append(state.name()).append(' ').append(state).append('\n');
    text.append("reason: ").append(reason).append('\n');
    text.append("java: ")
        .append(Runtime.version())
        .append(", os: ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.version"))
        .append('\n');
    if (p != null) {
      text.append("home: ").append(p.home()).append(", root: ").append(p.root()).append('\n');
      text.append("free space in the root: ").append(p.root().toFile().getUsableSpace() >> 20);
      text.append(" MiB\n");
      text.append("\nlast lines of ").append(p.work().resolve("serve.log")).append(":\n");
      text.append(tail(p.work().resolve("serve.log"), 40)).append('\n');
    }
    if (cause != null) {
      StringWriter trace = new StringWriter();
      cause.printStackTrace(new PrintWriter(trace));
      text.append("\n").append(trace);
    }
    SecureFiles.ensureDirectory(dir);
    SecureFiles.writeAtomically(
        dump, Redaction.redact(text.toString()).getBytes(StandardCharsets.UTF_8));
    if (p != null) {
      SafeModeMarker.write(p.home(), reason + " (diagnostic dump: " + dump + ")");
      startInSafeMode(p);
    }
    listener.note("SAFE MODE: " + Redaction.redact(reason) + "; diagnostic dump in " + dump);
    return new SafeMode(p, dump, Redaction.redact(reason));
  }

  /**
   * Starts the current version, which finds the marker and serves in safe mode; nothing when no
   * version is installed. Not waited for: safe mode answers /readyz 503 by design.
   */
  private void startInSafeMode(Place p) {
    Path current = p.root().resolve(ReleaseInstaller.CURRENT);
    if (!Files.isExecutable(current.resolve("bin/nxs"))) {
      return;
    }
    try {
      if (request.systemd()) {
        run(List.of("systemctl", "restart", "nxs.service"), null);
      } else {
        stopRecorded(p);
        startServe(p, current, p.work().resolve("serve.log"));
      }
      listener.note("started NXS in safe mode on " + p.home());
    } catch (IOException e) {
      listener.note("could not start NXS in safe mode: " + e.getMessage());
    }
  }

  // Helpers.

  /** Output and exit code of a command the bootstrap ran. */
  record Launched(int exit, String output) {}

  private Launched runRelease(Path release, Path home, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(release.resolve("bin/nxs").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("--home", home.toString()));
    return run(command, home);
  }

  private static Launched run(List<String> command, Path home) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("NXS_HOME");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return new Launched(-1, out + "\n(killed after 120 s)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running " + command.getFirst(), e);
    }
    return new Launched(p.exitValue(), out.strip());
  }

  private static Path freshTemp(Place p) throws IOException {
    return Files.createTempDirectory(SecureFiles.ensureDirectory(p.work()), "tmp-");
  }

  private static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (NoSuchFileException e) {
      return "(no output)";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  private static Place placeOf(BootstrapState state) {
    return switch (state) {
      case Verifying v -> v.place();
      case Detecting d -> d.place();
      case Upgrade u -> u.place();
      case Fresh f -> f.place();
      case Configuring c -> c.place();
      case Validating v -> v.place();
      case Running r -> r.place();
      case Incompatible i -> i.place();
      case RolledBack r -> r.place();
      case SafeMode s -> s.place();
      case Start s -> null;
      case Halted h -> null;
    };
  }

  private void checkpoint(BootstrapState state) {
    if (place == null) {
      return;
    }
    try {
      SecureFiles.writeAtomically(
          place.work().resolve(STATE_FILE),
          JSON.writeValueAsBytes(new Checkpoint(request.archiveName(), state)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the bootstrap state file", e);
    }
  }

  /** The checkpoint in a state file, when there is one. */
  static Optional<Checkpoint> read(Path stateFile) {
    try {
      return Optional.of(JSON.readValue(Files.readAllBytes(stateFile), Checkpoint.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new NxsException(
          stateFile + ": not a bootstrap state file (" + e.getMessage() + "); remove it", e);
    }
  }
}
