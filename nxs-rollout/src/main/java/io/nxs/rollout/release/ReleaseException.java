package io.nxs.rollout.release;

import io.nxs.core.NxsException;

/**
 * A release archive, signature or key that cannot be trusted or used. The message names the file
 * and says what is wrong; whatever raised it has changed nothing. {@link BadSignatureException}
 * singles out the one failure that must never be retried from another source.
 */
public class ReleaseException extends NxsException {

  public ReleaseException(String message) {
    super(message);
  }

  public ReleaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
