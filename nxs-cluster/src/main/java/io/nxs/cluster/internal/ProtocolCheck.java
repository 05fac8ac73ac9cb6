package io.nxs.cluster.internal;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Pekko's join check for NXS: a node joins only a cluster of the same name speaking the same
 * protocol version. Pekko runs it on the node being joined and refuses the joining node; the
 * refusal's reason reaches NXS on that side through {@link #onRefusal}.
 */
public final class ProtocolCheck extends JoinConfigCompatChecker {

  static final String NAME = "nxs.cluster.name";
  static final String PROTOCOL = "nxs.cluster.protocol";
  static final String NODE_ID = "nxs.cluster.node-id";

  /**
   * Listeners by the id of the node doing the check. Pekko creates checkers reflectively with no
   * arguments, so this static table is the only way to reach the node's NXS side.
   */
  private static final Map<String, Consumer<String>> LISTENERS = new ConcurrentHashMap<>();

  /** Calls the listener with a one-line reason whenever this node refuses a joining node. */
  static AutoCloseable onRefusal(String nodeId, Consumer<String> listener) {
    LISTENERS.put(nodeId, listener);
    return () -> LISTENERS.remove(nodeId, listener);
  }

  @Override
  public scala.collection.immutable.Seq<String> requiredKeys() {
    return CollectionConverters.asScala(List.of(NAME, PROTOCOL, NODE_ID)).toList();
  }

  @Override
  public ConfigValidation check(Config joining, Config mine) {
    List<String> problems = new ArrayList<>();
    String theirName = read(joining, NAME);
    String ourName = read(mine, NAME);
    if (!theirName.equals(ourName)) {
      problems.add("cluster name '" + theirName + "' is not this cluster's '" + ourName + "'");
    }
    String theirs = read(joining, PROTOCOL);
    String ours = read(mine, PROTOCOL);
    if (!theirs.equals(ours)) {
      problems.add("protocol version " + theirs + " is not this cluster's " + ours);
    }
    if (problems.isEmpty()) {
      return Valid$.MODULE$;
    }
    String reason = "node '" + read(joining, NODE_ID) + "' refused: " + String.join("; ", problems);
    Consumer<String> listener = LISTENERS.get(read(mine, NODE_ID));
    if (listener != null) {
      listener.accept(reason);
    }
    return new Invalid(CollectionConverters.asScala(List.of(reason)).toList());
  }

  private static String read(Config config, String key) {
    return config.hasPath(key) ? config.getValue(key).unwrapped().toString() : "(none)";
  }
}
