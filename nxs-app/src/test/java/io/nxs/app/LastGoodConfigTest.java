package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.ext.HealingAction;
import io.nxs.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastGoodConfigTest {

  @TempDir Path home;

  @Test
  void rollsBackToTheConfigNxsLastStartedWellWithKeepsTheBadOneAsideAndRestarts() throws Exception {
    Path config = home.resolve("nxs.yaml");
    Files.writeString(config, "server: {port: 8787}\n");
    List<String> restarts = new CopyOnWriteArrayList<>();
    LastGoodConfig lastGood =
        new LastGoodConfig(
            config, MutableClock.startingAt2026(), Optional.of(() -> restarts.add("restart")));
    lastGood.keep();
    Files.writeString(config, "server: {port: 8788}\n");

    HealingAction.Outcome o = lastGood.execute("", false);

    assertThat(o.success()).isTrue();
    assertThat(Files.readString(config)).isEqualTo("server: {port: 8787}\n");
    assertThat(Files.readString(home.resolve("nxs.yaml.rolled-back-20260101T000000Z")))
        .isEqualTo("server: {port: 8788}\n");
    assertThat(restarts).containsExactly("restart");
    assertThat(lastGood.level()).isEqualTo(5);
  }

  @Test
  void refusesWhenNothingWasKeptOrTheConfigIsAlreadyTheLastGoodOne() throws Exception {
    Path config = home.resolve("nxs.yaml");
    Files.writeString(config, "server: {port: 8787}\n");
    LastGoodConfig lastGood =
        new LastGoodConfig(config, MutableClock.startingAt2026(), Optional.empty());

    assertThat(lastGood.execute("", false).detail())
        .isEqualTo("no configuration NXS started well with is kept yet");
    lastGood.keep();
    assertThat(lastGood.execute("", false))
        .isEqualTo(
            new HealingAction.Outcome(false, "nxs.yaml is already the last good configuration"));
  }
}
