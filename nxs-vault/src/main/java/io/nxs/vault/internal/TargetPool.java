package io.nxs.vault.internal;

import io.nxs.core.NxsException;
import io.nxs.vault.VaultConfig;
import io.nxs.vault.VaultException;
import io.nxs.vault.WrongKeyException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured targets, each opened once and kept (S3 connections, the git clone), and their
 * repositories. A target that cannot be opened is left out, with its reason, while another opens.
 */
public final class TargetPool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TargetPool.class);

  private final Path home;
  private final List<VaultConfig.Target> configured;
  private final Map<String, String> env;
  private final Map<VaultConfig.Target, Target> open = new HashMap<>();

  /**
   * @param env the environment S3 credentials are read from
   */
  public TargetPool(Path home, List<VaultConfig.Target> configured, Map<String, String> env) {
    this.home = home;
    this.configured = List.copyOf(configured);
    this.env = Map.copyOf(env);
  }

  /** The repositories that opened, the vault's key ring, and why each other target did not open. */
  public record Reachable(
      List<Repository> repositories, KeyRing ring, Map<String, String> unreachable) {}

  /**
   * The target of a configured entry, opened on first use.
   *
   * @throws VaultException when it cannot be opened (credentials missing, clone failed)
   */
  public synchronized Target target(VaultConfig.Target t) {
    Target target = open.get(t);
    if (target == null) {
      target = Targets.open(t, home, p -> LocalPaths.resolve(home, p), env);
      open.put(t, target);
    }
    return target;
  }

  /** Every target that opens now; the others are left out without a message. */
  public List<Target> openable() {
    List<Target> targets = new ArrayList<>();
    for (VaultConfig.Target t : configured) {
      try {
        targets.add(target(t));
      } catch (NxsException e) {
        LOG.debug("vault target {} cannot be opened now: {}", describe(t), e.getMessage());
      }
    }
    return targets;
  }

  /**
   * Opens every reachable target's repository with the vault's key ring (creating empty ones).
   *
   * @param masters the master keys, newest first ({@link KeyResolver#masters})
   * @throws WrongKeyException when a repository was written with another key
   */
  public Reachable reach(List<VaultKey> masters) {
    List<Target> targets = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (VaultConfig.Target t : configured) {
      try {
        targets.add(target(t));
      } catch (WrongKeyException e) {
        throw e;
      } catch (NxsException e) {
        failed.put(describe(t), e.getMessage());
      }
    }
    Repository.Opened opened = Repository.openAll(targets, masters);
    failed.putAll(opened.unreachable());
    return new Reachable(opened.repositories(), opened.ring(), failed);
  }

  /**
   * The repositories of every reachable target.
   *
   * @throws VaultException when none opens, or a repository was written with another key
   */
  public List<Repository> repositories(List<VaultKey> masters) {
    Reachable reachable = reach(masters);
    if (reachable.repositories().isEmpty()) {
      throw new VaultException("no target can be opened: " + reachable.unreachable());
    }
    reachable
        .unreachable()
        .forEach((where, why) -> LOG.warn("vault target {} left out: {}", where, why));
    return reachable.repositories();
  }

  /** A target as messages name it, before it is opened. */
  public String describe(VaultConfig.Target t) {
    return t.type().equals("local") ? "local:" + LocalPaths.resolve(home, t.path()) : t.where();
  }

  /** Closes the targets' connections and clones. */
  @Override
  public synchronized void close() {
    open.values().forEach(Target::close);
    open.clear();
  }
}
