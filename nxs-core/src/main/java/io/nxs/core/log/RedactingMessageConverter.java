package io.nxs.core.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Logback {@code %redactedMsg}: the formatted message with secrets removed. */
public final class RedactingMessageConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return Redaction.redact(event.getFormattedMessage());
  }
}
