package io.nxs.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The logging set-up NXS ships: stderr, redacted, quiet libraries. */
class LogSetupTest {

  @Test
  void theShippedAppenderWritesEveryLineThroughTheRedactor() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> stderr =
        (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDERR");
    Redaction.register("shipped-secret-987654");

    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            context.getLogger("io.nxs.test"),
            Level.WARN,
            "upstream refused key {}",
            new IllegalStateException("bad key shipped-secret-987654"),
            new Object[] {"shipped-secret-987654"});
    String line = new String(stderr.getEncoder().encode(event), StandardCharsets.UTF_8);

    assertThat(line)
        .contains("WARN")
        .contains("upstream refused key [REDACTED]")
        .contains("IllegalStateException: bad key [REDACTED]")
        .doesNotContain("shipped-secret-987654");
    assertThat(context.getLogger("org.eclipse.jetty").getLevel()).isEqualTo(Level.WARN);
  }
}
