package io.nxs.core.http;

import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.Scope;
import java.util.Optional;

/**
 * A rule the HTTP gate applies after a key authenticated and its scope allows the route: why the
 * request is refused anyway, or empty to let it through (core's lockdown is one, SEC5).
 */
@FunctionalInterface
public interface AccessPolicy {

  /** Lets every authenticated request through. */
  AccessPolicy OPEN =
      new AccessPolicy() {
        @Override
        public Optional<ApiException> refuse(ApiKey key, Scope needed, String path) {
          return Optional.empty();
        }

        @Override
        public boolean letsThroughFromMemory(ApiKey key, Scope needed, String path) {
          return true;
        }
      };

  /**
   * Whether {@link #refuse} would let the request through, known without waiting (no database read,
   * no audit write): an event loop asks this, and on false the request goes to a thread that may
   * block, where {@link #refuse} decides. The default cannot say.
   */
  default boolean letsThroughFromMemory(ApiKey key, Scope needed, String path) {
    return false;
  }

  /**
   * @param key the authenticated key
   * @param needed the scope the route is tagged with
   * @param path the request path
   * @return the refusal to answer with, or empty
   */
  Optional<ApiException> refuse(ApiKey key, Scope needed, String path);
}
