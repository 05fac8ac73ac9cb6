package io.nxs.core.auth;

/**
 * A freshly made key: the record, and the secret that is shown this once and never again.
 *
 * @param key the stored record
 * @param secret the bearer token
 */
public record CreatedKey(ApiKey key, String secret) {

  @Override
  public String toString() {
    return "CreatedKey[" + key.id() + ", secret=<redacted>]";
  }
}
