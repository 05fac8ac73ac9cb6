package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.core.config.ConfigSection;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The modules' serving() work begins after its delay, in start order, and never after close. */
class LateWorkTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> served = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private NxsModule module(String name, boolean fails) {
    return new NxsModule() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<ConfigSection<?>> configSections() {
        return List.of();
      }

      @Override
      public void start(ModuleContext context) {}

      @Override
      public void serving() {
        served.add(name);
        if (fails) {
          throw new IllegalStateException(name + " cannot begin");
        }
      }

      @Override
      public List<HttpRoutes> routes() {
        return NxsModule.noRoutes();
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void everyModuleHearsServingInStartOrderEvenAfterOneFails() {
    LateWork.begin(
        List.of(module("score", true), module("doctor", false)), scheduler, Duration.ZERO);

    await().atMost(Duration.ofSeconds(10)).until(() -> served.size() == 2);
    assertThat(served).containsExactly("score", "doctor");
  }

  @Test
  void aDaemonClosedBeforeTheDelayNeverCallsServingEvenWhenTheTaskWasAlreadyTaken() {
    List<Runnable> taken = new CopyOnWriteArrayList<>();
    ScheduledThreadPoolExecutor capturing =
        new ScheduledThreadPoolExecutor(1) {
          @Override
          public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            taken.add(task);
            return super.schedule(task, delay, unit);
          }
        };
    try {
      LateWork work =
          LateWork.begin(List.of(module("score", false)), capturing, Duration.ofHours(1));

      work.cancel();
      work.cancel();
      // The scheduler's thread had picked the task up just as the daemon closed.
      taken.forEach(Runnable::run);

      assertThat(taken).hasSize(1);
      assertThat(served).isEmpty();
    } finally {
      capturing.shutdownNow();
    }
  }
}
