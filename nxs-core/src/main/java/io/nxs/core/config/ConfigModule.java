package io.nxs.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;

/** Jackson bindings for the value types configuration files use: durations and sizes. */
final class ConfigModule extends SimpleModule {

  ConfigModule() {
    super("nxs-config");
    addDeserializer(Duration.class, new TextDeserializer<>(Duration.class, Durations::parse));
    addDeserializer(ByteSize.class, new TextDeserializer<>(ByteSize.class, ByteSize::parse));
  }

  /** Reads a scalar (string or number) through a parse function; bare numbers keep their text. */
  private static final class TextDeserializer<T> extends JsonDeserializer<T> {
    private final Class<T> type;
    private final Function<String, T> parse;

    TextDeserializer(Class<T> type, Function<String, T> parse) {
      this.type = type;
      this.parse = parse;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken token = p.currentToken();
      if (token != JsonToken.VALUE_STRING
          && token != JsonToken.VALUE_NUMBER_INT
          && token != JsonToken.VALUE_NUMBER_FLOAT) {
        throw InvalidFormatException.from(
            p, "expected a scalar, but found " + describe(token), p.getText(), type);
      }
      String text = p.getText();
      try {
        return parse.apply(text);
      } catch (IllegalArgumentException e) {
        InvalidFormatException invalid = InvalidFormatException.from(p, e.getMessage(), text, type);
        invalid.initCause(e);
        throw invalid;
      }
    }

    private static String describe(JsonToken token) {
      return token == JsonToken.START_OBJECT
          ? "a mapping"
          : token == JsonToken.START_ARRAY ? "a list" : String.valueOf(token);
    }
  }
}
