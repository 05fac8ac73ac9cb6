package io.nxs.core.cluster;

import java.util.Optional;

/**
 * Small shared values (SPEC CL5): written on one instance, read on all. A single node keeps them in
 * memory. Conflicting writes from the two sides of a split are settled per {@link SharedKind}.
 */
public interface SharedState {

  /**
   * Writes a value.
   *
   * @throws io.nxs.core.NxsException when this instance does not accept writes now (a minority
   *     side)
   */
  void put(SharedKind kind, String key, String value);

  /** The current value: for a kind waiting for review, the winning side's value. */
  Optional<String> get(SharedKind kind, String key);
}
