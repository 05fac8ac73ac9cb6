package io.nxs.rollout.release;

/**
 * The signature does not match the archive's manifest under the trusted key: the release was
 * changed or signed by someone else. Unlike a damaged download, fetching it again elsewhere is no
 * cure; whoever installs halts (SPEC RO3).
 */
public final class BadSignatureException extends ReleaseException {

  public BadSignatureException(String message) {
    super(message);
  }
}
