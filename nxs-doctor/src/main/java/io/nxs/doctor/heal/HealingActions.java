package io.nxs.doctor.heal;

import io.nxs.core.ext.HealingAction;
import io.nxs.core.ext.Registry;
import io.nxs.doctor.config.HealingConfig;
import io.nxs.doctor.config.ServiceConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every healing action the Doctor can run, by name: its own ({@code doctor.restart_service}, and
 * those it is given, e.g. {@code doctor.clear_caches}), the commands configured under {@code
 * doctor.healing.actions} (a configured action with {@code use} names another), and the ones other
 * modules registered (e.g. {@code gateway.switch_provider}).
 */
public final class HealingActions {

  /** The built-in level-2 action: a service's {@code restart} command. */
  public static final String RESTART_SERVICE = "doctor.restart_service";

  private final Map<String, HealingAction> own = new LinkedHashMap<>();
  private final Map<String, HealingConfig.ActionConfig> configs = new LinkedHashMap<>();
  private final Registry<HealingAction> registered;

  /**
   * @param own the Doctor's own actions besides the service restart
   * @param registered actions other modules registered; may be null
   */
  public HealingActions(
      HealingConfig config,
      List<ServiceConfig> services,
      List<HealingAction> own,
      Registry<HealingAction> registered) {
    Map<String, String> restarts = new LinkedHashMap<>();
    services.forEach(s -> restarts.put(s.name(), s.restart()));
    Duration timeout = config.commandTimeout();
    this.own.put(
        RESTART_SERVICE, new CommandHealingAction(RESTART_SERVICE, 2, restarts::get, timeout));
    own.forEach(a -> this.own.put(a.name(), a));
    for (HealingConfig.ActionConfig a : config.actions()) {
      configs.put(a.name(), a);
      if (a.command() != null) {
        this.own.put(a.name(), CommandHealingAction.of(a.name(), a.level(), a.command(), timeout));
      }
    }
    this.registered = registered;
  }

  /** The action with that name, if any. */
  public Optional<HealingAction> find(String name) {
    HealingAction a = own.get(name);
    if (a != null) {
      return Optional.of(a);
    }
    HealingConfig.ActionConfig c = configs.get(name);
    String target = c != null && c.use() != null ? c.use() : name;
    return registered == null ? Optional.empty() : registered.find(target);
  }

  /**
   * Whether the action exists and can act on the target: a command action needs a command for it (a
   * service without {@code restart} cannot be restarted).
   */
  public boolean canAct(String name, String target) {
    return find(name)
        .map(
            a ->
                switch (a) {
                  case CommandHealingAction c -> c.command(target) != null;
                  case io.nxs.doctor.openclaw.GatewaySupervisor g -> g.appliesTo(target);
                  default -> true;
                })
        .orElse(false);
  }

  /** The configured actions, for the rules they heal ({@code on}). */
  public List<HealingConfig.ActionConfig> configured() {
    return List.copyOf(configs.values());
  }
}
