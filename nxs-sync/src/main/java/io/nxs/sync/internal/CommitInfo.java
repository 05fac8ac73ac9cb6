package io.nxs.sync.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * What an NXS sync commit records about itself, as the last line of its message: {@code Nxs-Sync:
 * {"node":…,"host":…,"written":{"MEMORY.md":1733493792000,…}}} — the instance that made it and, for
 * every file it changes, when that content was written (epoch milliseconds). The receiving instance
 * compares those times for last-write-wins and measures the sync latency from them.
 *
 * @param node the instance, or the commit author's name for a commit NXS did not make
 * @param host the instance's host name, empty when unknown
 * @param written write times by path
 */
public record CommitInfo(String node, String host, Map<String, Long> written) {

  /** How many commits a sync reads back at most to learn write times. */
  static final int WALK_LIMIT = 1000;

  private static final String TRAILER = "Nxs-Sync: ";

  /**
   * When and by whom a file's content was written.
   *
   * @param millis epoch milliseconds
   * @param node the instance
   */
  public record Written(long millis, String node) {}

  /** The full message of a commit NXS makes. */
  public String message(String subject) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("node", node);
    body.put("host", host);
    body.put("written", new TreeMap<>(written));
    return subject + "\n\n" + TRAILER + Json.write(body) + "\n";
  }

  /** Reads a commit's record; a commit NXS did not make yields its author and no times. */
  static CommitInfo parse(RevCommit c) {
    String message = c.getFullMessage();
    int at = message.lastIndexOf("\n" + TRAILER);
    if (at >= 0) {
      int start = at + 1 + TRAILER.length();
      int end = message.indexOf('\n', start);
      String json = end < 0 ? message.substring(start) : message.substring(start, end);
      try {
        JsonNode n = Json.mapper().readTree(json);
        Map<String, Long> written = new TreeMap<>();
        n.path("written").properties().forEach(e -> written.put(e.getKey(), e.getValue().asLong()));
        return new CommitInfo(n.path("node").asText(""), n.path("host").asText(""), written);
      } catch (JsonProcessingException expected) {
        // Not ours after all (or damaged): read it as a foreign commit below.
      }
    }
    return new CommitInfo(c.getAuthorIdent().getName(), "", Map.of());
  }
}
