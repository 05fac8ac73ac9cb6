package io.nxs.cluster.internal;

import io.nxs.core.Json;
import java.time.Instant;
import java.util.Optional;

/**
 * The agent-primary lease as the cluster shares it. Its LWW stamp is {@code 2·token + released}, so
 * a newer grant always wins and a holder's release of its own grant wins over that grant.
 *
 * @param holder the holding node's id; empty when released
 * @param holderUid its Pekko incarnation
 * @param token the fencing token, +1 per grant
 * @param at when it was granted or released
 */
record LeaseRecord(String holder, long holderUid, long token, Instant at) {

  static final String KEY = "agent";

  boolean released() {
    return holder.isEmpty();
  }

  long stamp() {
    return 2 * token + (released() ? 1 : 0);
  }

  String json() {
    return Json.write(this);
  }

  static Optional<LeaseRecord> parse(String json) {
    try {
      LeaseRecord r = Json.mapper().readValue(json, LeaseRecord.class);
      return r.holder() == null ? Optional.empty() : Optional.of(r);
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
