package io.nxs.rollout.bootstrap;

import io.nxs.core.log.Redaction;
import io.nxs.core.state.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The file that puts a home in safe mode (SPEC RO3): {@code HOME/SAFE_MODE}, one line saying why.
 * While it is there, {@code nxs serve} starts only health, audit, keys and the stop route, and
 * {@code /readyz} answers 503 saying so; {@code nxs backup recover} works on the stopped home. An
 * operator removes the file once the cause is fixed and restarts NXS.
 */
public final class SafeModeMarker {

  /** The marker's name in the home. */
  public static final String FILE_NAME = "SAFE_MODE";

  private SafeModeMarker() {}

  /** Writes the marker (0600, atomically) with the reason, redacted and on one line. */
  public static void write(Path home, String reason) {
    SecureFiles.writeAtomically(
        home.resolve(FILE_NAME),
        (oneLine(Redaction.redact(reason)) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The reason, when the home is in safe mode. */
  public static Optional<String> read(Path home) {
    try {
      String text = Files.readString(home.resolve(FILE_NAME), StandardCharsets.UTF_8).strip();
      return Optional.of(text.isEmpty() ? "no reason given" : oneLine(Redaction.redact(text)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + home.resolve(FILE_NAME), e);
    }
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " | ");
  }
}
