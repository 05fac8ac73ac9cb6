package io.nxs.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;

/** The dashboard in a real headless Chromium against a real daemon on loopback. */
class DashboardBrowserTest {

  @TempDir Path dir;

  private Daemon daemon;
  private String adminKey;

  @BeforeEach
  void startDaemon() throws Exception {
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    // The Doctor samples every second here, so the host charts have points within the test.
    Files.writeString(
        home.config(),
        Files.readString(home.config()).replace("port: 8787", "port: 0")
            + "doctor:\n  interval: 1s\n");
    daemon = Daemon.start(home, Map.of(), Clock.systemUTC());
    adminKey = Files.readString(home.adminKey(), StandardCharsets.UTF_8).strip();
  }

  @AfterEach
  void stopDaemon() {
    daemon.close();
  }

  @Test
  void anUnauthenticatedBrowserGetsTheLoginFormAndNoData() throws Exception {
    try (Browser b = Browser.open(daemon.port())) {
      b.go("/");

      assertThat(b.find("#login").isDisplayed()).isTrue();
      assertThat(b.find("#dashboard").isDisplayed()).isFalse();
      assertThat(b.driver.getPageSource())
          .doesNotContain("nxs.start")
          .doesNotContain("admin.key_create");
      b.screenshot("login");
    }
    HttpResponse<String> api =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + daemon.port() + "/api/v1/audit"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(401);
  }

  @Test
  void aWrongKeyIsRefusedWithAMessageAndTheDashboardStaysHidden() {
    try (Browser b = Browser.open(daemon.port())) {
      b.logIn("nxs_not-a-real-key");

      String error = b.textOf("#login-error");
      assertThat(error).contains("unknown, expired or revoked");
      assertThat(b.find("#dashboard").isDisplayed()).isFalse();
    }
  }

  @Test
  void loggingInShowsReadinessAndTheAuditTailAndSurvivesAReload() {
    try (Browser b = Browser.open(daemon.port())) {
      b.logIn(adminKey);

      assertThat(b.panel("health")).contains("ready").contains("audit").contains("health score");
      assertThat(b.panelWhen("host", t -> t.contains("CPU"))).contains("Memory").contains("Disk");
      assertThat(b.find("#panel-host canvas").isDisplayed()).isTrue();
      assertThat(b.panelWhen("audit", t -> t.contains("nxs.start"))).contains("admin.key_create");
      // Scaling advice (DR10) from /api/v1/doctor/advice: one instance, no figures long enough yet.
      assertThat(b.panelWhen("advice", t -> t.contains("take work")))
          .contains("1 instance(s) take work; scale signals stay within 2–10")
          .contains("No right-sizing advised")
          .contains("No scale signal yet");
      b.screenshot("dashboard");

      b.driver.navigate().refresh();
      assertThat(b.panel("audit")).contains("nxs.start");
      assertThat(b.find("#login").isDisplayed()).isFalse();
    }
  }

  @Test
  void theAuditFilterNarrowsTheTail() {
    try (Browser b = Browser.open(daemon.port())) {
      b.logIn(adminKey);
      b.panelWhen("audit", t -> t.contains("nxs.start"));

      b.find("#audit-type").sendKeys("admin.*");
      b.find("#panel-audit button[type=submit]").click();

      String filtered = b.panelWhen("audit", t -> !t.contains("nxs.start"));
      assertThat(filtered).contains("admin.key_create");
    }
  }

  @Test
  void onAPhoneThePanelsStackInOneColumn() {
    try (Browser b = Browser.phone(daemon.port(), 390, 844)) {
      b.logIn(adminKey);
      b.panel("health");

      long viewport =
          (Long) ((JavascriptExecutor) b.driver).executeScript("return window.innerWidth");
      long pageWidth =
          (Long)
              ((JavascriptExecutor) b.driver)
                  .executeScript("return document.documentElement.scrollWidth");
      assertThat(viewport).isEqualTo(390);
      assertThat(pageWidth).as("no sideways scrolling").isLessThanOrEqualTo(viewport);
      assertThat(b.find("#panel-providers").getRect().getX())
          .isEqualTo(b.find("#panel-health").getRect().getX());
      b.screenshot("phone");
    }
  }
}
