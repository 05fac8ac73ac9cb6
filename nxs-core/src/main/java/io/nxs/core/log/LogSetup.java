package io.nxs.core.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * NXS's logging set-up, in code rather than {@code logback.xml}: every line to stderr, through the
 * redactor ({@code %redactedMsg}, {@code %redactedEx}), at {@code $NXS_LOG_LEVEL} (default INFO),
 * with Jetty, Javalin, Flyway and SQLite at WARN. Parsing an XML file at every start cost each CLI
 * command and the daemon more than the whole set-up does now.
 *
 * <p>Logback finds this through {@code META-INF/services}; its rank puts it after logback's own
 * file lookup, so a {@code logback.xml} or {@code logback-test.xml} on the class path (an
 * operator's or a test's) still wins.
 */
@ConfiguratorRank(value = ConfiguratorRank.NOMINAL - 1)
public final class LogSetup extends ContextAwareBase implements Configurator {

  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{20} - %redactedMsg%n%redactedEx";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    registerConverters(context);
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv("NXS_LOG_LEVEL"), Level.INFO));
    root.addAppender(stderr);
    for (String quiet :
        new String[] {"org.eclipse.jetty", "io.javalin", "org.flywaydb", "org.sqlite"}) {
      context.getLogger(quiet).setLevel(Level.WARN);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  @SuppressWarnings("unchecked")
  private static void registerConverters(LoggerContext context) {
    Map<String, Supplier<DynamicConverter<?>>> rules =
        (Map<String, Supplier<DynamicConverter<?>>>)
            context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
    if (rules == null) {
      rules = new HashMap<>();
      context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
    }
    rules.put("redactedMsg", RedactingMessageConverter::new);
    rules.put("redactedEx", RedactingThrowableConverter::new);
  }
}
