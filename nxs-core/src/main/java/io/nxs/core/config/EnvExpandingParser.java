package io.nxs.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A parser that expands environment references in string values as they are read.
 *
 * <p>Expanding token by token (rather than the raw text) keeps every line and column exact and
 * leaves comments alone, so a commented-out {@code ${KEY}} in the defaults never trips the load.
 * Keys are never expanded.
 */
final class EnvExpandingParser extends JsonParserDelegate {

  private final EnvExpander expander;
  private final String source;
  private final Map<String, JsonLocation> keyLocations = new HashMap<>();
  private JsonToken expandedFor;
  private String expanded;

  EnvExpandingParser(JsonParser delegate, EnvExpander expander, String source) {
    super(delegate);
    this.expander = expander;
    this.source = source;
  }

  @Override
  public JsonToken nextToken() throws IOException {
    expandedFor = null;
    JsonToken token = super.nextToken();
    if (token == JsonToken.FIELD_NAME || token == JsonToken.START_OBJECT) {
      // Jackson reports some errors (unknown or missing keys of records) only at the end of the
      // mapping; remembering where each key and mapping started lets the loader point at it.
      keyLocations.putIfAbsent(ConfigLoader.pathOf(delegate), delegate.currentTokenLocation());
    }
    return token;
  }

  /** Where the key or mapping at a dotted path began, or null when it was not seen. */
  JsonLocation locationOf(String path) {
    return keyLocations.get(path);
  }

  private String expandedText() throws IOException {
    if (expandedFor == null) {
      String raw = delegate.getText();
      try {
        expanded = expander.expand(raw);
      } catch (IllegalArgumentException e) {
        var at = delegate.currentTokenLocation();
        throw new ConfigException(
            source,
            at.getLineNr(),
            at.getColumnNr(),
            ConfigLoader.pathOf(delegate),
            e.getMessage(),
            e);
      }
      expandedFor = JsonToken.VALUE_STRING;
    }
    return expanded;
  }

  private boolean onString() {
    return delegate.currentToken() == JsonToken.VALUE_STRING;
  }

  @Override
  public String getText() throws IOException {
    return onString() ? expandedText() : super.getText();
  }

  @Override
  public String getValueAsString() throws IOException {
    return onString() ? expandedText() : super.getValueAsString();
  }

  @Override
  public String getValueAsString(String defaultValue) throws IOException {
    return onString() ? expandedText() : super.getValueAsString(defaultValue);
  }

  @Override
  public char[] getTextCharacters() throws IOException {
    return onString() ? expandedText().toCharArray() : super.getTextCharacters();
  }

  @Override
  public int getTextLength() throws IOException {
    return onString() ? expandedText().length() : super.getTextLength();
  }

  @Override
  public int getTextOffset() throws IOException {
    return onString() ? 0 : super.getTextOffset();
  }

  @Override
  public boolean hasTextCharacters() {
    return !onString() && super.hasTextCharacters();
  }
}
