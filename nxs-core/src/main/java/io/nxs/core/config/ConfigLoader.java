package io.nxs.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads {@code nxs.yaml} into immutable, validated section values.
 *
 * <p>Design note: the loader walks the top-level mapping itself and binds each section's value with
 * Jackson straight from the same streaming parser, so every error keeps the exact line and column
 * of the offending token. Unknown keys, wrong types, missing required keys and values the section
 * types reject in their constructors all become one {@link ConfigException} that names
 * file:line:column and the dotted key. Keys are snake_case in files and camelCase in records.
 */
public final class ConfigLoader {

  /**
   * The name under which a section type may inject ({@code @JacksonInject}) the directory of the
   * file being loaded, a {@link Path}, to resolve relative paths against it; the working directory
   * when the text came from elsewhere.
   */
  public static final String CONFIG_DIR = "nxs.configDir";

  private final Map<String, ConfigSection<?>> sections = new LinkedHashMap<>();
  private final boolean othersAllowed;
  private final boolean quoteValues;

  /**
   * One mapper and YAML factory for every loader (both are thread-safe once built): the
   * deserializers Jackson builds for a section type, the costly part of binding, are built once per
   * process, not once per loader (the daemon's, each read of {@code secrets.yaml}, ...).
   */
  private static final ObjectMapper MAPPER = newMapper();

  private static final YAMLFactory YAML = new YAMLFactory();

  private final EnvExpander expander;

  /**
   * @param sections every section the application knows; any other top-level key is an error
   * @param env the environment for {@code ${NAME}} expansion
   */
  public ConfigLoader(Collection<ConfigSection<?>> sections, Map<String, String> env) {
    this(sections, new EnvExpander(env), false, true);
  }

  /**
   * A loader that reads only the given sections and passes over every other top-level key
   * unchecked: for a client that needs one section (the CLI finding the daemon's address) without
   * loading and validating every module's. Use the full loader to check a file.
   */
  public static ConfigLoader only(Collection<ConfigSection<?>> sections, Map<String, String> env) {
    return new ConfigLoader(sections, new EnvExpander(env), true, true);
  }

  /**
   * A loader for a file of secrets ({@code secrets.yaml}): values are literal (no {@code ${NAME}}
   * expansion), other top-level keys pass unchecked, and no error message or cause ever quotes a
   * value or the text around it, only the file, line, column and key.
   */
  public static ConfigLoader forSecrets(Collection<ConfigSection<?>> sections) {
    return new ConfigLoader(sections, EnvExpander.none(), true, false);
  }

  private ConfigLoader(
      Collection<ConfigSection<?>> sections,
      EnvExpander expander,
      boolean othersAllowed,
      boolean quoteValues) {
    this.othersAllowed = othersAllowed;
    this.quoteValues = quoteValues;
    for (ConfigSection<?> s : sections) {
      ConfigSection<?> previous = this.sections.putIfAbsent(s.name(), s);
      if (previous != null && previous.type() != s.type()) {
        throw new IllegalArgumentException(
            "config section '"
                + s.name()
                + "' is registered twice: by "
                + previous.type().getName()
                + " and by "
                + s.type().getName());
      }
    }
    this.expander = expander;
  }

  static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new ConfigModule())
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();
  }

  /**
   * Loads a file.
   *
   * @throws ConfigException when the file is missing, unreadable or invalid
   */
  public NxsConfig load(Path file) {
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), 0, 0, "", "file not found", e);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), 0, 0, "", "cannot read: " + e.getMessage(), e);
    }
    return parse(text, name, file.toAbsolutePath().getParent());
  }

  /** All sections at their defaults, as if the file were empty. */
  public NxsConfig defaults() {
    return parse("", "<defaults>");
  }

  /**
   * Parses configuration text.
   *
   * @param source the name errors report, usually the file name
   * @throws ConfigException when the text is invalid
   */
  public NxsConfig parse(String text, String source) {
    return parse(text, source, Path.of("").toAbsolutePath());
  }

  private NxsConfig parse(String text, String source, Path configDir) {
    InjectableValues injectables = new InjectableValues.Std().addValue(CONFIG_DIR, configDir);
    Map<String, Object> values = new LinkedHashMap<>();
    EnvExpandingParser p = null;
    try (EnvExpandingParser parser =
        new EnvExpandingParser(YAML.createParser(new StringReader(text)), expander, source)) {
      p = parser;
      JsonToken first = p.nextToken();
      if (first != null && first != JsonToken.START_OBJECT) {
        throw at(source, p.currentTokenLocation(), "", "the file must be a mapping of sections");
      }
      while (first != null && p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonLocation keyAt = p.currentTokenLocation();
        ConfigSection<?> section = sections.get(key);
        if (section == null && othersAllowed) {
          p.nextToken();
          p.skipChildren();
          continue;
        }
        if (section == null) {
          throw at(source, keyAt, key, "unknown key (known: " + String.join(", ", known()) + ")");
        }
        if (values.containsKey(key)) {
          throw at(source, keyAt, key, "the key appears twice");
        }
        JsonToken valueToken = p.nextToken();
        values.put(
            key,
            valueToken == JsonToken.VALUE_NULL
                ? empty(section, injectables)
                : bind(p, section, injectables));
      }
    } catch (ConfigException e) {
      throw e;
    } catch (JsonMappingException e) {
      ConfigException translated = translate(source, e, p);
      throw quoteValues
          ? translated
          : new ConfigException(
              source,
              translated.line(),
              translated.column(),
              translated.key(),
              translated.reason());
    } catch (JsonProcessingException e) {
      // The YAML parser's message quotes the text around the error: for secrets, only where.
      throw quoteValues
          ? at(source, e.getLocation(), "", "invalid YAML: " + e.getOriginalMessage(), e)
          : at(source, e.getLocation(), "", "not valid YAML");
    } catch (IOException e) {
      throw new ConfigException(source, 0, 0, "", "cannot read: " + e.getMessage(), e);
    }
    for (ConfigSection<?> s : sections.values()) {
      if (!values.containsKey(s.name())) {
        values.put(s.name(), empty(s, injectables));
      }
    }
    return new NxsConfig(source, values);
  }

  private Object bind(JsonParser p, ConfigSection<?> section, InjectableValues injectables)
      throws IOException {
    try {
      return MAPPER.readerFor(section.type()).with(injectables).readValue(p);
    } catch (JsonMappingException e) {
      e.prependPath(section.type(), section.name());
      throw e;
    }
  }

  private Object empty(ConfigSection<?> section, InjectableValues injectables) {
    if (section.defaults() != null) {
      return section.defaults().get();
    }
    try {
      return MAPPER.readerFor(section.type()).with(injectables).readValue("{}");
    } catch (IOException e) {
      throw new IllegalStateException(
          "section '" + section.name() + "' has no valid defaults: " + e.getMessage(), e);
    }
  }

  private List<String> known() {
    return List.copyOf(new TreeSet<>(sections.keySet()));
  }

  private ConfigException translate(
      String source, JsonMappingException e, EnvExpandingParser parser) {
    ConfigException nested = findConfigException(e);
    if (nested != null) {
      return nested;
    }
    String key = pathOf(e.getPath());
    JsonLocation at = e.getLocation();
    boolean reportedLate =
        e instanceof UnrecognizedPropertyException
            || e instanceof ValueInstantiationException
            || (e instanceof MismatchedInputException m
                && String.valueOf(m.getOriginalMessage()).startsWith("Missing required"));
    if (reportedLate && parser != null) {
      // Walk up from the key to the nearest mapping whose start was seen.
      for (String path = key; path != null; path = parentOf(path)) {
        if (parser.locationOf(path) != null) {
          at = parser.locationOf(path);
          break;
        }
      }
    }
    String reason;
    if (e instanceof UnrecognizedPropertyException u) {
      List<String> knownKeys = new ArrayList<>();
      if (u.getKnownPropertyIds() != null) {
        u.getKnownPropertyIds().forEach(id -> knownKeys.add(String.valueOf(id)));
      }
      knownKeys.sort(null);
      reason = "unknown key (known: " + String.join(", ", knownKeys) + ")";
    } else if (e instanceof InvalidFormatException f) {
      reason = quoteValues ? invalidValue(f) : "expected " + typeName(f.getTargetType());
    } else if (e instanceof ValueInstantiationException v) {
      Throwable cause = v.getCause() == null ? v : v.getCause();
      reason = cause.getMessage();
    } else if (e instanceof MismatchedInputException m) {
      reason = mismatch(m);
    } else {
      reason = quoteValues ? e.getOriginalMessage() : "not a valid value here";
    }
    return at(source, at, key, reason, e);
  }

  private static String invalidValue(InvalidFormatException f) {
    String message = f.getOriginalMessage();
    if (message != null && (message.startsWith("expected ") || message.contains("but was"))) {
      return message;
    }
    return "expected " + typeName(f.getTargetType()) + ", but was '" + f.getValue() + "'";
  }

  private static String mismatch(MismatchedInputException m) {
    String message = m.getOriginalMessage();
    if (message != null && message.startsWith("Missing required creator property")) {
      int start = message.indexOf('\'');
      int end = message.indexOf('\'', start + 1);
      return "missing required key '" + message.substring(start + 1, end) + "'";
    }
    if (m.getTargetType() != null) {
      return "expected " + typeName(m.getTargetType()) + " here";
    }
    return message;
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "another value";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == double.class || type == Double.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object c : type.getEnumConstants()) {
        names.add(c.toString().toLowerCase(java.util.Locale.ROOT));
      }
      return "one of " + String.join(", ", names);
    }
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping";
    }
    return type.getSimpleName();
  }

  private static ConfigException findConfigException(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConfigException ce) {
        return ce;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  private static ConfigException at(String source, JsonLocation at, String key, String reason) {
    return at(source, at, key, reason, null);
  }

  private static ConfigException at(
      String source, JsonLocation at, String key, String reason, Throwable cause) {
    int line = at == null ? 0 : Math.max(at.getLineNr(), 0);
    int column = at == null ? 0 : Math.max(at.getColumnNr(), 0);
    return new ConfigException(source, line, column, key, reason, cause);
  }

  private static String parentOf(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? null : path.substring(0, cut);
  }

  static String pathOf(List<JsonMappingException.Reference> path) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : path) {
      if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** The dotted path of the parser's current position, for errors raised while reading a value. */
  static String pathOf(JsonParser p) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.addFirst(c.getCurrentName());
      } else if (c.inArray()) {
        parts.addFirst("[" + Math.max(c.getCurrentIndex(), 0) + "]");
      }
    }
    return String.join(".", parts).replace(".[", "[");
  }
}
