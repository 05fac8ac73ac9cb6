package io.nxs.app.web;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, installed by
 * {@code .ci/run}) driven through Selenium. Never a driver download: the paths are Debian's.
 *
 * <p>Without Chromium on the machine the browser tests are skipped, except under CI, where a
 * missing browser is a failure.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  final WebDriver driver;
  private final String base;

  private Browser(WebDriver driver, String base) {
    this.driver = driver;
    this.base = base;
  }

  /** A fresh browser (empty session storage) pointed at a daemon on {@code port}. */
  /** A browser emulating a phone's viewport (Chrome's device metrics, as DevTools does). */
  static Browser phone(int port, int width, int height) {
    return open(
        port,
        1366,
        1000,
        Map.of(
            "deviceMetrics",
            Map.of("width", width, "height", height, "pixelRatio", 3.0),
            "userAgent",
            "Mozilla/5.0 (Linux; Android 14) Mobile"));
  }

  static Browser open(int port, int width, int height) {
    return open(port, width, height, null);
  }

  private static Browser open(int port, int width, int height, Map<String, Object> mobile) {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(
          present, "Debian chromium and chromium-driver are not installed; .ci/run installs them");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=" + width + "," + height,
        "--no-first-run",
        "--disable-extensions");
    if (mobile != null) {
      options.setExperimentalOption("mobileEmulation", mobile);
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new Browser(new ChromeDriver(service, options), "http://127.0.0.1:" + port);
  }

  static Browser open(int port) {
    return open(port, 1366, 1000);
  }

  void go(String path) {
    driver.get(base + path);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  <T> T await(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(20)).until(condition::apply);
  }

  /** Text of a dashboard panel's body, once it is no longer loading. */
  String panel(String id) {
    return await(
        d -> {
          String t = d.findElement(By.cssSelector("[data-panel='" + id + "']")).getText();
          return t.isBlank() || t.startsWith("Loading") ? null : t;
        });
  }

  /** Text of a panel once {@code until} holds for it. */
  String panelWhen(String id, Predicate<String> until) {
    return await(
        d -> {
          String t = d.findElement(By.cssSelector("[data-panel='" + id + "']")).getText();
          return until.test(t) ? t : null;
        });
  }

  /** Text of an element once it is not blank. */
  String textOf(String css) {
    return textWhen(css, t -> !t.isBlank());
  }

  /** Text of an element once {@code until} holds for it. */
  String textWhen(String css, Predicate<String> until) {
    return await(
        d -> {
          String t = d.findElement(By.cssSelector(css)).getText();
          return until.test(t) ? t : null;
        });
  }

  void logIn(String key) {
    go("/");
    find("#api-key").sendKeys(key);
    find("#login-form button[type=submit]").click();
  }

  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("cannot save a screenshot: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
