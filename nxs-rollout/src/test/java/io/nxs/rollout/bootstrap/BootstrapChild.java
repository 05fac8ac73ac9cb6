package io.nxs.rollout.bootstrap;

import io.nxs.rollout.bootstrap.BootstrapState.Place;
import io.nxs.rollout.release.Ed25519Keys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A bootstrap in its own process, for {@link BootstrapKillTest}: {@code PAUSE_AT ARCHIVE PUBKEY
 * HOME ROOT USER_HOME USER_ROOT}. It prints {@code STEP <state>} after every step and, when the
 * state is {@code PAUSE_AT}, blocks before checkpointing it, for the test to SIGKILL it there.
 */
public final class BootstrapChild {

  private BootstrapChild() {}

  public static void main(String[] args) throws IOException {
    String pauseAt = args[0];
    Bootstrap.Request request =
        new Bootstrap.Request(
            List.of(args[1]),
            new Place(Path.of(args[3]), Path.of(args[4]), Optional.empty()),
            new Place(Path.of(args[5]), Path.of(args[6]), Optional.empty()),
            Ed25519Keys.readPublic(Path.of(args[2])),
            Duration.ofSeconds(60),
            false);
    Bootstrap.Listener listener =
        new Bootstrap.Listener() {
          @Override
          public void stepDone(BootstrapState from, BootstrapState to) {
            System.out.println("STEP " + to.name());
            System.out.flush();
            if (to.name().equals(pauseAt)) {
              try {
                // Blocks until the test kills this process.
                System.in.read();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            }
          }
        };
    BootstrapState end = new Bootstrap(request, listener, Clock.systemUTC()).run();
    System.out.println("END " + end.name());
  }
}
