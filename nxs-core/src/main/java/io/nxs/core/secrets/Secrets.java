package io.nxs.core.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nxs.core.NxsException;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.state.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of {@code secrets.yaml} in the NXS home: credentials kept out of {@code nxs.yaml},
 * one top-level section per module (the gateway's {@code providers}, the vault's {@code vault}),
 * mode 0600.
 *
 * <p>Design note: a module {@linkplain #bind binds} its section (a type declared like a config
 * section, plus an optional check that needs run-time knowledge such as the configured provider
 * names) and gets the validated value; sections nobody bound in this process are kept as they are.
 * {@link #reloadIfChanged()} (the daemon calls it every two seconds) re-reads a changed file,
 * validates every bound section, and either hands each owner its new value or, when anything is
 * invalid, sets the file aside as {@code secrets.yaml.rejected}, puts the last good version back
 * and tells every owner why, so a half-written or mistyped file never takes credentials away.
 * {@link #update} rewrites one section and keeps the others: the previous file goes to {@code
 * secrets.yaml.prev}, the new one is written to a temporary file, synced and renamed over. No
 * message ever quotes a value: errors name the file, line, column and key.
 */
public final class Secrets {

  /** The file's name in the NXS home. */
  public static final String FILE = "secrets.yaml";

  private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);

  private static final String HEADER =
      "# Secrets of NXS's modules, one section each, written by NXS (e.g. nxs provider rotate)."
          + " Keep this file 0600.\n";

  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .addModule(new JavaTimeModule())
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          .build();

  /** What a module hears about its section. */
  public interface Listener<T> {

    /** The file changed and the section's new value passed every check. */
    void changed(T value);

    /**
     * A change to the file was refused and the last good version put back.
     *
     * @param reason file, line and key of the problem, never a value
     */
    default void rejected(String reason) {}
  }

  private record Bound<T>(
      ConfigSection<T> section, Consumer<? super T> check, Listener<T> listener) {
    void verify(NxsConfig loaded) {
      check.accept(loaded.section(section));
    }

    void deliver(NxsConfig loaded) {
      listener.changed(loaded.section(section));
    }
  }

  private final Path file;
  private final Map<String, Bound<?>> bound = new LinkedHashMap<>();
  private String lastGoodText;
  private String lastFingerprint;

  private Secrets(Path file) {
    this.file = file;
  }

  /** The secrets of the home {@code home} ({@code home/secrets.yaml}); nothing is read yet. */
  public static Secrets inHome(Path home) {
    return new Secrets(home.resolve(FILE));
  }

  /**
   * Reads one section of a home's secrets without owning the file (a command working offline): the
   * other sections are not checked.
   *
   * @throws io.nxs.core.config.ConfigException naming file, line and key when the section is
   *     invalid (never a value)
   */
  public static <T> T read(Path home, ConfigSection<T> section) {
    Path file = home.resolve(FILE);
    return ConfigLoader.forSecrets(List.of(section))
        .parse(readText(file), file.toString())
        .section(section);
  }

  /** The file. */
  public Path path() {
    return file;
  }

  /**
   * Takes ownership of a section: validates it as the file is now and returns its value (the type's
   * defaults when the file or section is absent).
   *
   * @param check run-time validation beyond the type's own; throws {@link IllegalArgumentException}
   *     with a message that quotes no value
   * @param listener told about later changes and rejections
   * @throws IllegalStateException when the section is bound already
   * @throws NxsException naming file, line and key when the section is invalid
   */
  public synchronized <T> T bind(
      ConfigSection<T> section, Consumer<? super T> check, Listener<T> listener) {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(listener, "listener");
    if (bound.containsKey(section.name())) {
      throw new IllegalStateException(
          "the secrets section '" + section.name() + "' is bound twice");
    }
    Bound<T> b = new Bound<>(section, check, listener);
    String text = readText(file);
    Map<String, Bound<?>> with = new LinkedHashMap<>(bound);
    with.put(section.name(), b);
    NxsConfig loaded = validate(text, with);
    bound.put(section.name(), b);
    accept(text);
    return loaded.section(section);
  }

  /**
   * Re-reads the file when it changed since it was last read or written: a valid change reaches
   * every bound section's listener; an invalid one is set aside as {@code .rejected}, the last good
   * version is put back, and every listener hears why.
   *
   * @return whether the file had changed
   */
  public synchronized boolean reloadIfChanged() {
    String text = readText(file);
    if (fingerprint(text).equals(lastFingerprint)) {
      return false;
    }
    NxsConfig loaded;
    try {
      loaded = validate(text, bound);
    } catch (NxsException e) {
      String reason = e.getMessage();
      LOG.warn("rejected a change to {} and kept the last good version: {}", file, reason);
      rollBack();
      for (Bound<?> b : bound.values()) {
        b.listener().rejected(reason);
      }
      return true;
    }
    accept(text);
    LOG.info("reloaded {}", file);
    for (Bound<?> b : bound.values()) {
      b.deliver(loaded);
    }
    return true;
  }

  /**
   * Replaces one bound section's value and rewrites the file (0600, temporary file, fsync, rename;
   * the previous file kept as {@code .prev}); every other section stays as it is.
   *
   * @throws IllegalStateException when the section is not bound
   * @throws NxsException when the file cannot be written
   */
  public synchronized <T> void update(ConfigSection<T> section, T value) {
    if (!bound.containsKey(section.name())) {
      throw new IllegalStateException(
          "the secrets section '" + section.name() + "' is not bound: bind it first");
    }
    ObjectNode root = YAML.createObjectNode();
    JsonNode previous = lastGoodRoot();
    if (previous != null && previous.isObject()) {
      previous.properties().forEach(e -> root.set(e.getKey(), e.getValue()));
    }
    root.set(section.name(), YAML.valueToTree(value));
    String text;
    try {
      text = HEADER + YAML.writeValueAsString(root).replaceFirst("^---\\s*\n", "");
    } catch (IOException e) {
      throw new NxsException("cannot write the '" + section.name() + "' secrets", e);
    }
    NxsConfig loaded = validate(text, bound);
    if (Files.exists(file)) {
      SecureFiles.writeAtomically(
          file.resolveSibling(FILE + ".prev"), readText(file).getBytes(StandardCharsets.UTF_8));
    }
    SecureFiles.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    accept(text);
  }

  /**
   * Deletes the copies kept beside the file ({@code .prev}, {@code .rejected}) that still hold
   * {@code value}, so that once a revoked key was taken out with {@link #update} no file of NXS
   * holds it any more (SEC5). The file itself is left as it is.
   *
   * @return the copies deleted
   * @throws NxsException when a copy cannot be read or deleted
   */
  public synchronized List<Path> forget(String value) {
    List<Path> deleted = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return deleted;
    }
    for (String suffix : List.of(".prev", ".rejected")) {
      Path copy = file.resolveSibling(FILE + suffix);
      if (readText(copy).contains(value)) {
        try {
          Files.delete(copy);
        } catch (IOException e) {
          throw new NxsException("cannot delete " + copy + ": " + e.getMessage(), e);
        }
        deleted.add(copy);
      }
    }
    return deleted;
  }

  private NxsConfig validate(String text, Map<String, Bound<?>> sections) {
    List<ConfigSection<?>> types = new ArrayList<>();
    sections.values().forEach(b -> types.add(b.section()));
    NxsConfig loaded = ConfigLoader.forSecrets(types).parse(text, file.toString());
    for (Bound<?> b : sections.values()) {
      try {
        b.verify(loaded);
      } catch (IllegalArgumentException e) {
        // The check's message is written not to quote values; the cause would add nothing.
        throw new NxsException(file + ": " + e.getMessage());
      }
    }
    return loaded;
  }

  private void accept(String text) {
    lastGoodText = text;
    lastFingerprint = fingerprint(text);
  }

  private JsonNode lastGoodRoot() {
    if (lastGoodText == null || lastGoodText.isBlank()) {
      return null;
    }
    try {
      return YAML.readTree(lastGoodText);
    } catch (IOException e) {
      // It was parsed when it was accepted; failing now means memory, not the file, is wrong.
      throw new IllegalStateException("the last good " + FILE + " no longer parses", e);
    }
  }

  private void rollBack() {
    Path rejected = file.resolveSibling(FILE + ".rejected");
    SecureFiles.writeAtomically(rejected, readText(file).getBytes(StandardCharsets.UTF_8));
    if (lastGoodText == null) {
      return;
    }
    if (lastGoodText.isEmpty()) {
      // There was no file: take the rejected one away again.
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new NxsException("cannot remove the rejected " + file + ": " + e.getMessage(), e);
      }
    } else {
      SecureFiles.writeAtomically(file, lastGoodText.getBytes(StandardCharsets.UTF_8));
    }
    lastFingerprint = fingerprint(lastGoodText);
  }

  /** The file's text; empty when there is no file. */
  private static String readText(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException expected) {
      // No file is a valid state: every section at its defaults.
      return "";
    } catch (IOException e) {
      throw new NxsException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String fingerprint(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
