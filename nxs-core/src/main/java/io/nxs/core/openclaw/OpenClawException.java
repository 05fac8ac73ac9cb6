package io.nxs.core.openclaw;

import io.nxs.core.NxsException;

/** Running or reading OpenClaw failed; the message names the command and what it printed. */
public class OpenClawException extends NxsException {

  public OpenClawException(String message) {
    super(message);
  }

  public OpenClawException(String message, Throwable cause) {
    super(message, cause);
  }
}
