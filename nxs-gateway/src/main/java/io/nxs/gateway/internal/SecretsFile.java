package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.nxs.core.NxsException;
import io.nxs.core.log.Redaction;
import io.nxs.core.state.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code secrets.yaml} in the NXS home (GW7): provider credentials kept out of {@code nxs.yaml},
 * mode 0600, written atomically (temp file, rename) with the previous version kept as {@code
 * secrets.yaml.prev}.
 *
 * <pre>
 * providers:
 *   kimi-primary:
 *     api_key: "..."
 *     api_key_next: "..."          # during a rotation overlap
 *     overlap_until: "2026-01-02T00:00:00Z"
 * </pre>
 *
 * <p>A changed file is validated before use; an invalid one is set aside as {@code
 * secrets.yaml.rejected} and the last good version is restored, so a half-written or mistyped file
 * never takes credentials away. Error messages never quote a value.
 */
final class SecretsFile {

  /** One provider's entry. */
  record Entry(String apiKey, String apiKeyNext, Instant overlapUntil) {
    @Override
    public String toString() {
      return "Entry[overlapUntil=" + overlapUntil + "]";
    }
  }

  private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());

  private final Path file;
  private final Set<String> providers;
  private String lastGoodText;
  private String lastFingerprint;

  SecretsFile(Path file, Set<String> providers) {
    this.file = file;
    this.providers = Set.copyOf(providers);
  }

  Path path() {
    return file;
  }

  /**
   * Reads and validates the file.
   *
   * @return the entries by provider name; empty when the file does not exist
   * @throws NxsException naming the file and the problem (never a value) when it is invalid
   */
  synchronized Map<String, Entry> load() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      lastFingerprint = "";
      return Map.of();
    } catch (IOException e) {
      throw new NxsException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Map<String, Entry> entries = parse(text);
    lastGoodText = text;
    lastFingerprint = fingerprint(text);
    return entries;
  }

  /** Whether the file changed since it was last loaded or written. */
  synchronized boolean changed() {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return !fingerprint(text).equals(lastFingerprint);
    } catch (NoSuchFileException e) {
      return lastFingerprint != null && !lastFingerprint.isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Puts the last good version back after a rejected change; the rejected file is kept beside it.
   */
  synchronized void rollBack() {
    try {
      if (Files.exists(file)) {
        Files.copy(
            file,
            file.resolveSibling(file.getFileName() + ".rejected"),
            StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(
            file.resolveSibling(file.getFileName() + ".rejected"),
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      }
      if (lastGoodText != null) {
        SecureFiles.writeAtomically(file, lastGoodText.getBytes(StandardCharsets.UTF_8));
        lastFingerprint = fingerprint(lastGoodText);
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new NxsException("cannot restore " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes all entries (0600, atomic), keeping the previous file as {@code .prev}. */
  synchronized void write(Map<String, Entry> entries) {
    ObjectNode root = YAML.createObjectNode();
    ObjectNode ps = root.putObject("providers");
    JsonNode vault = currentVaultSection();
    if (vault != null) {
      root.set("vault", vault);
    }
    entries.forEach(
        (name, e) -> {
          ObjectNode n = ps.putObject(name);
          if (e.apiKey() != null) {
            n.put("api_key", e.apiKey());
          }
          if (e.apiKeyNext() != null) {
            n.put("api_key_next", e.apiKeyNext());
          }
          if (e.overlapUntil() != null) {
            n.put("overlap_until", e.overlapUntil().toString());
          }
        });
    String text;
    try {
      text =
          "# Provider credentials, written by NXS (nxs provider rotate). Keep this file 0600.\n"
              + YAML.writeValueAsString(root).replaceFirst("^---\\s*\n", "");
      if (Files.exists(file)) {
        Path prev = file.resolveSibling(file.getFileName() + ".prev");
        SecureFiles.writeAtomically(prev, Files.readAllBytes(file));
      }
    } catch (IOException e) {
      throw new NxsException("cannot write " + file + ": " + e.getMessage(), e);
    }
    SecureFiles.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    lastGoodText = text;
    lastFingerprint = fingerprint(text);
  }

  /** The vault's section of the file as it is now, to keep it across a rewrite; null when none. */
  private JsonNode currentVaultSection() {
    try {
      JsonNode now = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
      return now != null && now.has("vault") ? now.get("vault") : null;
    } catch (IOException e) {
      return null;
    }
  }

  private Map<String, Entry> parse(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      // Jackson's message may quote the text around the error: report only where.
      String where =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                  && j.getLocation() != null
              ? ":" + j.getLocation().getLineNr()
              : "";
      throw new NxsException(
          file + where + ": not valid YAML; fix it or restore " + file.getFileName() + ".prev");
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return out;
    }
    // 'vault' holds the vault's S3 credentials (nxs-vault reads it); it is kept as it is.
    if (!root.isObject()
        || !root.path("providers").isObject()
        || root.size() != (root.has("vault") ? 2 : 1)) {
      throw new NxsException(
          file
              + ": expected the top-level key 'providers' holding a mapping of provider names (and 'vault', for the vault's credentials)");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("providers").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (!providers.contains(name)) {
        throw new NxsException(
            file + ": providers." + name + ": no such provider in the configuration");
      }
      JsonNode n = e.getValue();
      if (!n.isObject()) {
        throw new NxsException(file + ": providers." + name + ": expected a mapping");
      }
      for (Iterator<String> keys = n.fieldNames(); keys.hasNext(); ) {
        String k = keys.next();
        if (!Set.of("api_key", "api_key_next", "overlap_until").contains(k)) {
          throw new NxsException(
              file
                  + ": providers."
                  + name
                  + "."
                  + k
                  + ": unknown key (known: api_key, api_key_next, overlap_until)");
        }
      }
      String key = secret(n, "api_key", name);
      String next = secret(n, "api_key_next", name);
      Instant until = null;
      if (n.hasNonNull("overlap_until")) {
        try {
          until = Instant.parse(n.get("overlap_until").asText());
        } catch (DateTimeParseException ex) {
          throw new NxsException(
              file
                  + ": providers."
                  + name
                  + ".overlap_until: expected an ISO instant such as 2026-01-02T00:00:00Z");
        }
      }
      if (next != null && key == null) {
        throw new NxsException(
            file + ": providers." + name + ": api_key_next needs an api_key to fall back to");
      }
      out.put(name, new Entry(key, next, until));
    }
    return out;
  }

  private String secret(JsonNode n, String field, String provider) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new NxsException(
          file + ": providers." + provider + ": " + field + " must be a non-empty string");
    }
    String s = v.asText().strip();
    if (!s.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new NxsException(
          file + ": providers." + provider + ": " + field + " has spaces or control characters");
    }
    Redaction.register(s);
    return s;
  }

  private static String fingerprint(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
