package io.nxs.core;

/**
 * The one unchecked base of every error NXS raises on purpose.
 *
 * <p>Messages are written for the operator who reads them: they quote the bad value and say what to
 * do. The CLI prints {@link #getMessage()} as one line and shows the stack trace only with {@code
 * --verbose}.
 */
public class NxsException extends RuntimeException {

  public NxsException(String message) {
    super(message);
  }

  public NxsException(String message, Throwable cause) {
    super(message, cause);
  }
}
