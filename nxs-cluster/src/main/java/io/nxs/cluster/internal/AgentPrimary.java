package io.nxs.cluster.internal;

import io.nxs.core.cluster.LeaseGrant;
import io.nxs.core.cluster.PrimaryLease;
import io.nxs.core.ext.PrimaryGuard;
import io.nxs.core.ext.ServiceControl;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One primary for the agent, carried out: the cluster's {@link PrimaryGuard} (whoever starts the
 * agent — the Doctor's supervision, healing — asks it first and is refused without the lease), and
 * a lease watch that stops the agent's service the moment this instance loses the lease and starts
 * it when it is granted one.
 */
final class AgentPrimary implements PrimaryGuard, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AgentPrimary.class);

  private final PrimaryLease lease;
  private final Supplier<Optional<ServiceControl>> service;
  // Starting or stopping a service can take seconds: never on the cluster's loop thread, and one
  // at a time, in the order the lease changed.
  private final ExecutorService actions =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("nxs-agent-primary").factory());
  private final AutoCloseable watch;

  AgentPrimary(PrimaryLease lease, Supplier<Optional<ServiceControl>> service) {
    this.lease = lease;
    this.service = service;
    this.watch = lease.watch(grant -> actions.execute(() -> changed(grant)));
  }

  @Override
  public String name() {
    return "cluster.lease";
  }

  @Override
  public Optional<String> refusal() {
    if (lease.held().isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        "this instance does not hold the cluster's agent lease"
            + lease.holder().map(h -> " (" + h + " does)").orElse(" (nobody does yet)"));
  }

  private void changed(Optional<LeaseGrant> grant) {
    Optional<ServiceControl> control = service.get();
    if (control.isEmpty()) {
      return; // no supervised agent on this instance
    }
    if (grant.isPresent()) {
      LOG.info(
          "agent lease granted (fencing token {}): starting the agent", grant.get().fencingToken());
      control
          .get()
          .start("cluster agent lease granted, fencing token " + grant.get().fencingToken());
    } else if (control.get().running()) {
      LOG.warn("agent lease lost: stopping the agent so that only one instance runs it");
      control.get().stop("cluster agent lease lost");
    }
  }

  @Override
  public void close() throws Exception {
    watch.close();
    actions.shutdown();
  }
}
