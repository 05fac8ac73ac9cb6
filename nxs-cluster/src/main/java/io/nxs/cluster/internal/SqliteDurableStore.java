package io.nxs.cluster.internal;

import com.typesafe.config.Config;
import io.nxs.core.state.StateStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.cluster.ddata.DurableStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Pekko Distributed Data's durable store on the node's own SQLite state database (ADR 0072): the
 * actor Pekko's replicator starts for {@code pekko.cluster.distributed-data.durable.keys}, speaking
 * Pekko's {@link DurableStore} protocol — {@code Store} an envelope (and confirm it only once it is
 * committed), {@code LoadAll} answered by {@code LoadData} and {@code LoadAllCompleted}. The
 * envelopes are serialized by Pekko's own serializer for {@code DurableDataEnvelope}; this class
 * only keeps the bytes.
 *
 * <p>Pekko creates the actor by class name with the {@code durable} configuration section, so the
 * state database is found through {@link #register}: the section's {@code nxs-store} names a
 * registered store.
 */
public final class SqliteDurableStore extends AbstractActor {

  /** The key in Pekko's {@code durable} section naming the {@link #register registered} store. */
  static final String STORE_KEY = "nxs-store";

  private static final Logger LOG = LoggerFactory.getLogger(SqliteDurableStore.class);
  private static final Map<String, Target> STORES = new ConcurrentHashMap<>();

  private final String handle;
  private DurableRows rows;
  private Clock clock;
  private Serialization serialization;

  /** Called by Pekko's replicator with its {@code durable} configuration section. */
  public SqliteDurableStore(Config durable) {
    this.handle = durable.getString(STORE_KEY);
  }

  /**
   * Makes {@code store} available to the durable store actors of this JVM.
   *
   * @return the handle for {@code pekko.cluster.distributed-data.durable.nxs-store}
   */
  static String register(StateStore store, Clock clock) {
    String handle = store.file().toAbsolutePath().normalize().toString();
    STORES.put(handle, new Target(store, clock));
    return handle;
  }

  /** Forgets a registered store (its node stopped). */
  static void unregister(String handle) {
    STORES.remove(handle);
  }

  private record Target(StateStore store, Clock clock) {}

  @Override
  public void preStart() {
    Target target = STORES.get(handle);
    if (target == null) {
      throw new DurableStore.LoadFailed("no state database registered as " + handle);
    }
    rows = new DurableRows(target.store());
    clock = target.clock();
    serialization = SerializationExtension.get(getContext().getSystem());
  }

  @Override
  public void postStop() {
    if (rows != null) {
      rows.close();
    }
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(DurableStore.Store.class, this::store)
        .matchEquals(DurableStore.LoadAll$.MODULE$, m -> loadAll())
        .build();
  }

  private void store(DurableStore.Store s) {
    try {
      Serializer serializer = serialization.findSerializerFor(s.data());
      rows.put(
          new DurableRows.Row(
              s.key(),
              serializer.identifier(),
              Serializers.manifestFor(serializer, s.data()),
              serializer.toBinary(s.data())),
          clock.millis());
      if (s.reply().isDefined()) {
        DurableStore.StoreReply r = s.reply().get();
        r.replyTo().tell(r.successMsg(), getSelf());
      }
    } catch (RuntimeException e) {
      LOG.error("cannot store the cluster's durable key '{}': {}", s.key(), e.getMessage());
      if (s.reply().isDefined()) {
        DurableStore.StoreReply r = s.reply().get();
        r.replyTo().tell(r.failureMsg(), getSelf());
      }
    }
  }

  private void loadAll() {
    Map<String, DurableStore.DurableDataEnvelope> loaded = new HashMap<>();
    try {
      for (DurableRows.Row row : rows.all()) {
        Object data =
            serialization.deserialize(row.envelope(), row.serializer(), row.manifest()).get();
        if (!(data instanceof DurableStore.DurableDataEnvelope envelope)) {
          throw new IllegalStateException(
              "key '" + row.key() + "' holds a " + data.getClass().getName());
        }
        loaded.put(row.key(), envelope);
      }
    } catch (RuntimeException e) {
      // Pekko's replicator stops when its durable store cannot load: a node must not start
      // with acknowledged tasks and leases silently missing.
      throw new DurableStore.LoadFailed(
          "cannot load the cluster's durable keys from " + handle + ": " + e.getMessage(), e);
    }
    if (!loaded.isEmpty()) {
      getSender()
          .tell(
              new DurableStore.LoadData(
                  scala.collection.immutable.Map$.MODULE$.from(
                      CollectionConverters.asScala(loaded))),
              getSelf());
      LOG.debug("loaded {} durable keys from {}", loaded.size(), handle);
    }
    getSender().tell(DurableStore.LoadAllCompleted$.MODULE$, getSelf());
  }
}
