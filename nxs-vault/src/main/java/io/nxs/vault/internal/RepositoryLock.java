package io.nxs.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Locks between writers of one repository, visible as objects under {@code locks/}.
 *
 * <p>Backups (and restores, verifies) take a shared lock, prune takes an exclusive one. Each side
 * first writes its own lock, then looks for the other kind: whichever writes second sees the first
 * and backs off, so a prune never deletes a blob a running backup counts on. Locks carry an expiry
 * ({@link #TTL}) and its holder's host and pid: a lock whose time is up, or whose holder on this
 * host is no longer running (SIGKILL, power loss), is stale and removed by whoever finds it, so a
 * crash never deadlocks the repository.
 */
public final class RepositoryLock implements AutoCloseable {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RepositoryLock.class);

  /** How long a lock holds; longer than any backup of a personal agent takes. */
  public static final Duration TTL = Duration.ofHours(6);

  /** Lock kinds. */
  public enum Kind {
    SHARED,
    EXCLUSIVE
  }

  private final Target target;
  private final String key;

  private RepositoryLock(Target target, String key) {
    this.target = target;
    this.key = key;
  }

  /**
   * Takes a lock.
   *
   * @param operation what holds it, e.g. {@code backup}, shown to whoever is refused
   * @throws VaultException when a conflicting lock is held, naming it and when it expires
   */
  public static RepositoryLock acquire(Target target, Kind kind, String operation, Clock clock) {
    Instant now = clock.instant();
    String key = "locks/" + now.toEpochMilli() + "-" + UUID.randomUUID();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
    body.put("operation", operation);
    body.put("host", HostName.get());
    body.put("pid", ProcessHandle.current().pid());
    body.put("created_at", now.toString());
    body.put("expires_at", now.plus(TTL).toString());
    try {
      target.put(key, Json.write(body).getBytes(StandardCharsets.UTF_8));
      RepositoryLock lock = new RepositoryLock(target, key);
      for (Held other : held(target, clock)) {
        if (other.key().equals(key)) {
          continue;
        }
        if (kind == Kind.EXCLUSIVE || other.kind() == Kind.EXCLUSIVE) {
          lock.close();
          throw new io.nxs.vault.RepositoryLockedException(
              "the repository at "
                  + target.describe()
                  + " is locked by a running "
                  + other.operation()
                  + " (pid "
                  + other.pid()
                  + ", lock "
                  + other.key()
                  + ", expires "
                  + other.expiresAt()
                  + "): try again when it has finished");
        }
      }
      return lock;
    } catch (IOException e) {
      throw new VaultException("cannot lock " + target.describe() + ": " + e.getMessage(), e);
    }
  }

  /** The locks in force; expired ones are removed on the way. */
  public static List<Held> held(Target target, Clock clock) throws IOException {
    List<Held> held = new ArrayList<>();
    for (String key : target.list("locks/")) {
      JsonNode node;
      try {
        node = Json.mapper().readTree(target.get(key));
      } catch (NoSuchFileException e) {
        continue;
      }
      Instant expires = Instant.parse(node.path("expires_at").asText(Instant.EPOCH.toString()));
      if (!expires.isAfter(clock.instant())
          || holderIsGone(node.path("host").asText(""), node.path("pid").asLong())) {
        target.delete(key);
        continue;
      }
      held.add(
          new Held(
              key,
              Kind.valueOf(node.path("kind").asText("shared").toUpperCase(java.util.Locale.ROOT)),
              node.path("operation").asText("?"),
              node.path("pid").asLong(),
              expires));
    }
    return held;
  }

  private static boolean holderIsGone(String host, long pid) {
    return host.equals(HostName.get())
        && pid != ProcessHandle.current().pid()
        && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE;
  }

  @Override
  public void close() {
    try {
      target.delete(key);
      // A target that batches removals (git) makes this one visible now.
      target.flush();
    } catch (IOException e) {
      // It expires by itself; nothing waits on it longer than TTL.
      LOG.warn(
          "lock {} at {} not released (it expires by itself): {}",
          key,
          target.describe(),
          e.getMessage());
    }
  }

  /** A lock someone holds. */
  public record Held(String key, Kind kind, String operation, long pid, Instant expiresAt) {}
}
