package io.nxs.vault.internal;

import io.nxs.vault.Manifest;
import io.nxs.vault.SnapshotInfo;
import io.nxs.vault.SnapshotNotFoundException;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots the targets hold, with the index in {@code state.db} kept in line with them: a
 * snapshot committed by a process killed before it updated the index appears, one pruned elsewhere
 * disappears.
 */
public final class Catalog {

  private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

  private final VaultIndex index;
  private final Supplier<List<Repository>> repositories;

  /**
   * @param repositories the reachable repositories, opened on demand
   */
  public Catalog(VaultIndex index, Supplier<List<Repository>> repositories) {
    this.index = index;
    this.repositories = repositories;
  }

  /**
   * The snapshots, oldest first.
   *
   * @throws VaultException when a target cannot be listed
   */
  public List<SnapshotInfo> list() {
    Map<String, List<String>> onTargets = new LinkedHashMap<>();
    Map<String, Repository> holder = new HashMap<>();
    for (Repository repo : repositories.get()) {
      try {
        for (String id : repo.snapshotIds()) {
          onTargets.computeIfAbsent(id, k -> new ArrayList<>()).add(repo.target().describe());
          holder.putIfAbsent(id, repo);
        }
      } catch (IOException e) {
        throw new VaultException(
            "cannot list snapshots at " + repo.target().describe() + ": " + e.getMessage(), e);
      }
    }
    Map<String, SnapshotInfo> indexed = new HashMap<>();
    for (SnapshotInfo s : index.snapshots()) {
      if (!onTargets.containsKey(s.id())) {
        index.deleteSnapshot(s.id());
      } else {
        indexed.put(s.id(), s);
      }
    }
    for (Map.Entry<String, List<String>> e : onTargets.entrySet()) {
      SnapshotInfo s = indexed.get(e.getKey());
      if (s == null || !s.targets().equals(e.getValue())) {
        SnapshotInfo info =
            s != null ? s : fromManifest(holder.get(e.getKey()), e.getKey(), e.getValue());
        index.putSnapshot(
            new SnapshotInfo(
                info.id(),
                info.createdAt(),
                info.files(),
                info.bytes(),
                info.addedBlobs(),
                info.addedBytes(),
                e.getValue(),
                null,
                null));
      }
    }
    return index.snapshots();
  }

  /**
   * The snapshot an argument names: an id, a unique id prefix, or {@code latest} (also null).
   *
   * @throws SnapshotNotFoundException when none or several match
   */
  public SnapshotInfo find(String idOrLatest) {
    List<SnapshotInfo> all = list();
    if (all.isEmpty()) {
      throw new SnapshotNotFoundException("there are no snapshots yet: run 'nxs backup create'");
    }
    if (idOrLatest == null || idOrLatest.equals("latest")) {
      return all.getLast();
    }
    List<SnapshotInfo> match = all.stream().filter(s -> s.id().startsWith(idOrLatest)).toList();
    if (match.isEmpty()) {
      throw new SnapshotNotFoundException(
          "no snapshot '" + idOrLatest + "': 'nxs backup list' shows the ids");
    }
    if (match.size() > 1) {
      throw new SnapshotNotFoundException(
          "'" + idOrLatest + "' matches " + match.size() + " snapshots: give more of the id");
    }
    return match.getFirst();
  }

  /**
   * The manifest from the first target holding it intact.
   *
   * @throws VaultException when every target's copy is damaged or missing
   */
  public static Manifest readManifest(List<Repository> repos, String id) {
    List<String> failures = new ArrayList<>();
    for (Repository repo : repos) {
      try {
        return repo.manifest(id);
      } catch (NoSuchFileException e) {
        failures.add(repo.target().describe() + ": missing");
      } catch (IOException | VaultException e) {
        failures.add(repo.target().describe() + ": " + e.getMessage());
      }
    }
    throw new VaultException(
        "the manifest of snapshot "
            + id
            + " is damaged or missing on every target ("
            + String.join("; ", failures)
            + ")");
  }

  /** The newest snapshot of the first target that can be read, as the parent of the next. */
  public static Manifest newest(List<Repository> repos) {
    for (Repository repo : repos) {
      try {
        List<String> ids = repo.snapshotIds();
        if (!ids.isEmpty()) {
          return repo.manifest(ids.getLast());
        }
      } catch (IOException | VaultException e) {
        // No parent from this target: its files are read again, which is only slower.
        LOG.info("no parent snapshot from {}: {}", repo.target().describe(), e.getMessage());
      }
    }
    return null;
  }

  private static SnapshotInfo fromManifest(Repository repo, String id, List<String> targets) {
    try {
      Manifest m = repo.manifest(id);
      return new SnapshotInfo(
          id, m.createdAt(), m.files().size(), m.bytes(), 0, 0, targets, null, null);
    } catch (IOException | VaultException e) {
      // Listed all the same, so verify can name it as damaged.
      LOG.warn("snapshot {} at {} is unreadable: {}", id, repo.target().describe(), e.getMessage());
      return new SnapshotInfo(id, Instant.EPOCH, 0, 0, 0, 0, targets, null, null);
    }
  }
}
