package io.nxs.cluster.internal;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * One run of this node's Pekko actor system. A node the cluster downed cannot come back with the
 * same actor system; NXS starts a new incarnation, which joins as a new member (a new uid).
 */
final class Incarnation {

  final ActorSystem<Void> system;
  final Cluster cluster;
  final Replicas replicas;
  final long uid;
  final Address address;

  private Incarnation(ActorSystem<Void> system) {
    this.system = system;
    this.cluster = Cluster.get(system);
    this.replicas = new Replicas(system);
    this.uid = cluster.selfMember().uniqueAddress().longUid();
    this.address = cluster.selfMember().address();
  }

  static Incarnation start(com.typesafe.config.Config config) {
    return new Incarnation(
        ActorSystem.create(Behaviors.empty(), PekkoSettings.SYSTEM_NAME, config));
  }

  int port() {
    return address.getPort().orElse(0);
  }
}
