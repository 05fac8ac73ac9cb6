package io.nxs.archfixture.alpha;

import java.nio.file.Files;
import java.nio.file.Path;

/** One catch that drops its exception (breaks the rule) and one that expects it (allowed). */
public final class Swallower {

  private Swallower() {}

  public static void dropsIt(Path file) {
    try {
      Files.delete(file);
    } catch (java.io.IOException ignored) {
      // a comment is not handling
    }
  }

  public static boolean expectsIt(Path file) {
    try {
      Files.delete(file);
    } catch (java.nio.file.NoSuchFileException expected) {
      // already gone: that is what deleting wanted
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return true;
  }
}
