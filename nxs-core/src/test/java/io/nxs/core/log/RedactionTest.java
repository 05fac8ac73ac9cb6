package io.nxs.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RedactionTest {

  @Test
  void registeredSecretsAreMaskedWherevertheyAppear() {
    Redaction.register("provider-key-8f3a9c");

    assertThat(Redaction.redact("calling with provider-key-8f3a9c now"))
        .isEqualTo("calling with [REDACTED] now");
  }

  @Test
  void secretShapedTokensAreMaskedEvenWhenUnregistered() {
    assertThat(Redaction.redact("Authorization: Bearer abcdefghijkl123"))
        .isEqualTo("Authorization: Bearer [REDACTED]");
    assertThat(Redaction.redact("key nxs_AAAAAAAAAAAAAAAAAAAAAAAA used"))
        .isEqualTo("key [REDACTED] used");
    assertThat(Redaction.redact("sk-proj-ABCDEFGHIJKLMNOPQRST")).isEqualTo("[REDACTED]");
    assertThat(Redaction.redact("{\"api_key\": \"hunter22\"}"))
        .isEqualTo("{\"api_key\": \"[REDACTED]\"}");
    assertThat(Redaction.redact("password=opensesame")).isEqualTo("password=[REDACTED]");
  }

  @Test
  void wellKnownPlaceholderKeysAreNotSecretsAndProviderNamesSurvive() {
    for (String placeholder :
        new String[] {"ollama", "lm-studio", "sk-no-key-required", "EMPTY", "none", "not-needed"}) {
      Redaction.register(placeholder);
    }

    assertThat(Redaction.isPlaceholder(" Lm-Studio ")).isTrue();
    assertThat(
            Redaction.redact(
                "ollama-local: refused after 2 ms; lmstudio-local via lm-studio: refused; EMPTY"))
        .isEqualTo(
            "ollama-local: refused after 2 ms; lmstudio-local via lm-studio: refused; EMPTY");
  }

  @Test
  void valuesTooShortToBeSecretsAreNotRegistered() {
    Redaction.register("local1");
    Redaction.register("abc1234");

    assertThat(Redaction.redact("provider local1 answered abc1234"))
        .isEqualTo("provider local1 answered abc1234");
  }

  @Test
  void aRealKeyIsStillMaskedBesidePlaceholders() {
    Redaction.register("ollama");
    Redaction.register("gsk_5f2Qm9Tz1LwXc8Rv");

    assertThat(Redaction.redact("ollama-local failed; groq key gsk_5f2Qm9Tz1LwXc8Rv refused"))
        .isEqualTo("ollama-local failed; groq key [REDACTED] refused");
  }

  @Test
  void ordinaryTextIsUntouched() {
    assertThat(Redaction.redact("provider kimi-primary failed over in 12 ms"))
        .isEqualTo("provider kimi-primary failed over in 12 ms");
  }

  @Test
  void logLinesAndStackTracesGoThroughTheRedactor() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    // The same conversion words the shipped logback.xml uses.
    context.putObject(
        ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY,
        new java.util.HashMap<>(
            java.util.Map.of(
                "redactedMsg", RedactingMessageConverter.class.getName(),
                "redactedEx", RedactingThrowableConverter.class.getName())));
    encoder.setPattern("%redactedMsg%n%redactedEx");
    encoder.start();
    OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(sink);
    appender.start();
    Logger logger = context.getLogger("redaction-test");
    logger.addAppender(appender);
    try {
      Redaction.register("kimi-secret-123456");
      logger.warn("upstream refused key {}", "kimi-secret-123456");
      logger.error("failed", new IllegalStateException("bad key kimi-secret-123456"));
    } finally {
      logger.detachAppender(appender);
    }

    String out = sink.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .doesNotContain("kimi-secret-123456")
        .contains("upstream refused key [REDACTED]");
    assertThat(out).contains("IllegalStateException: bad key [REDACTED]");
  }
}
