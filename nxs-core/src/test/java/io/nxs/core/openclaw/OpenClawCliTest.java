package io.nxs.core.openclaw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner with real child processes standing in for the CLI (env, sleep, a missing one). */
class OpenClawCliTest {

  @TempDir Path dir;

  private static final Map<String, String> SYSTEMD_CHILD =
      Map.of(
          "HOME", "/home/op",
          "PATH", System.getenv("PATH"),
          "INVOCATION_ID", "abc",
          "JOURNAL_STREAM", "8:123",
          "OPENCLAW_STATE_DIR", "/elsewhere");

  @Test
  void aNonDefaultHomeIsPassedAsTheStateDirAndSystemdHintsAreDropped() {
    OpenClawCli cli = OpenClawCli.of(List.of("env"), dir, SYSTEMD_CHILD);

    CliResult r = cli.run(Duration.ofSeconds(30));

    assertThat(r.ok()).as(r.describe()).isTrue();
    assertThat(r.stdout())
        .contains("OPENCLAW_STATE_DIR=" + dir)
        .contains("HOME=/home/op")
        .doesNotContain("INVOCATION_ID")
        .doesNotContain("JOURNAL_STREAM");
  }

  @Test
  void openClawsDefaultHomeIsLeftToOpenClaw() {
    OpenClawCli cli =
        OpenClawCli.of(List.of("env"), Path.of("/home/op/.openclaw"), SYSTEMD_CHILD)
            .withEnv(Map.of("OPENCLAW_SKIP_CRON", "1"));

    CliResult r = cli.run(Duration.ofSeconds(30));

    assertThat(r.stdout()).doesNotContain("OPENCLAW_STATE_DIR").contains("OPENCLAW_SKIP_CRON=1");
  }

  @Test
  void argumentsAreArgvWordsNeverAShell() {
    OpenClawCli cli = OpenClawCli.of(List.of("echo", "-n"), dir, Map.of());

    CliResult r = cli.run(Duration.ofSeconds(30), "a b", "$HOME", "; exit 3");

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo("a b $HOME ; exit 3");
    assertThat(r.argv()).containsExactly("echo", "-n", "a b", "$HOME", "; exit 3");
  }

  @Test
  void exitCodesAndStderrAreReported() {
    OpenClawCli cli = OpenClawCli.of(List.of("ls"), dir, Map.of("PATH", System.getenv("PATH")));

    CliResult r = cli.run(Duration.ofSeconds(30), "/definitely/not/here");

    assertThat(r.ok()).isFalse();
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("/definitely/not/here");
    assertThatThrownBy(r::requireSuccess)
        .isInstanceOf(OpenClawException.class)
        .hasMessageContaining("`ls /definitely/not/here` exited 2")
        .hasMessageContaining("No such file");
  }

  @Test
  void aCommandPastItsTimeoutIsKilledAndSaysSo() {
    OpenClawCli cli = OpenClawCli.of(List.of("sleep"), dir, Map.of("PATH", System.getenv("PATH")));

    CliResult r = cli.run(Duration.ofMillis(300), "60");

    assertThat(r.timedOut()).isTrue();
    assertThat(r.ok()).isFalse();
    assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(30));
    assertThat(r.describe()).contains("timed out");
  }

  @Test
  void aMissingCommandSaysWhichKeyToSet() {
    OpenClawCli cli = OpenClawCli.of(List.of("/no/such/openclaw"), dir, Map.of());

    assertThatThrownBy(() -> cli.run(Duration.ofSeconds(5), "--version"))
        .isInstanceOf(OpenClawException.class)
        .hasMessageContaining("/no/such/openclaw --version")
        .hasMessageContaining("openclaw.command");
  }

  @Test
  void jsonOutputParsesAndNonJsonIsAClearError() {
    OpenClawCli cli = OpenClawCli.of(List.of("echo"), dir, Map.of());

    assertThat(cli.run(Duration.ofSeconds(30), "{\"ok\":true}").json().path("ok").asBoolean())
        .isTrue();
    assertThatThrownBy(() -> cli.run(Duration.ofSeconds(30), "not json").json())
        .isInstanceOf(OpenClawException.class)
        .hasMessageContaining("did not print JSON")
        .hasMessageContaining("not json");
  }
}
