package io.nxs.app.cli;

import java.math.BigDecimal;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The JDK's one-time set-ups that a command reaches only later, done on a second thread while the
 * main one builds the command line's model, so a command's wall time on two cores is not their sum.
 * Nothing here changes what a command does or prints; each step only fills a JDK cache the main
 * thread would fill the same way when it gets there (and waits for, should it get there first, as
 * for any class being set up). bench/results/2026-12-07-cli-3.md:
 *
 * <ul>
 *   <li>the search for {@code System.Logger} providers that {@code System.exit} makes (it logs the
 *       exit) and the one for {@code URL} protocol-handler providers that {@code HttpURLConnection}
 *       makes: each is a {@code ServiceLoader} over the class path, and the first opens the 114 MB
 *       jar's 48k-entry directory (~25 % of {@code nxs --version}'s CPU);
 *   <li>{@code BigDecimal}'s class set-up (jackson-core's parser constants; ~10 % of {@code nxs
 *       status}'s main thread);
 *   <li>the annotation types and dynamic proxies picocli's model reads through (the AOT cache does
 *       not hold the proxies: each start generates them), for a command line that builds the model
 *       (not a {@link LightCommand}).
 * </ul>
 */
final class ParallelStart implements Runnable {

  /** Counted down when the thread's URL search is done (or failed). */
  private static final CountDownLatch URL_SEARCH = new CountDownLatch(1);

  /** Whether a thread was started in this process ({@link #begin}). */
  private static volatile boolean started;

  /** Whether the main thread builds picocli's model ({@link LightCommand}s do not). */
  private final boolean model;

  private ParallelStart(boolean model) {
    this.model = model;
  }

  /**
   * Starts the work on a daemon thread, which never keeps the process alive; not for {@code serve}.
   * (A class, not a lambda: linking the lambda cost the main thread more than the thread's start.)
   */
  static void begin(String... args) {
    List<String> names = Cli.commandNames(args);
    if (!names.isEmpty() && names.get(0).equals("serve")) {
      return; // the daemon's start is its own (StartupPhases): nothing here is on its path
    }
    boolean model = LightCommand.parse(args).isEmpty();
    started = true;
    Thread.ofPlatform().daemon().name("nxs-parallel-start").start(new ParallelStart(model));
  }

  /**
   * Before a first {@code URL}: waits for the thread's URL search, when one runs, so the main
   * thread does not read the jar's 48k-entry directory a second time beside it (each thread builds
   * its own; the JDK keeps one). Returns at once in a process without the thread (tests, the
   * daemon).
   */
  static void awaitUrlSearch() {
    if (!started) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        URL_SEARCH.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void run() {
    // In the order the main thread needs them.
    if (model) {
      annotations();
    }
    try {
      URI.create("http://127.0.0.1/").toURL();
    } catch (MalformedURLException impossible) {
      throw new IllegalStateException(impossible);
    } finally {
      URL_SEARCH.countDown();
    }
    if (!model) {
      BigDecimal.ONE.signum(); // a light command's first JSON answer comes before its exit
    }
    System.getLogger("java.lang.Runtime");
    if (model) {
      BigDecimal.ONE.signum();
    }
  }

  /** The annotation types the root's model reads after its {@code @Command}, in its order. */
  private static void annotations() {
    try {
      NxsCommand.class.getDeclaredField("global").getAnnotation(Mixin.class);
      NxsCommand.class.getDeclaredField("spec").getAnnotation(Spec.class);
      GlobalOptions.class.getDeclaredField("home").getAnnotation(Option.class);
    } catch (NoSuchFieldException renamed) {
      throw new IllegalStateException(renamed);
    }
  }
}
