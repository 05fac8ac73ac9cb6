package io.nxs.rollout.release;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A release's version, {@code MAJOR.MINOR.PATCH} with an optional {@code -QUALIFIER} (e.g. {@code
 * 0.2.0}, {@code 0.2.0-SNAPSHOT}). Versions compare by their numbers; with equal numbers a
 * qualified version is older than the plain one, as a pre-release is.
 *
 * @param numbers the dot-separated numbers, at least one
 * @param qualifier what follows the first {@code -}, empty when none
 */
public record ReleaseVersion(List<Integer> numbers, String qualifier)
    implements Comparable<ReleaseVersion> {

  private static final Pattern TEXT = Pattern.compile("\\d{1,9}(\\.\\d{1,9})*(-[A-Za-z0-9.]+)?");

  public ReleaseVersion {
    numbers = List.copyOf(numbers);
  }

  /**
   * Parses a version.
   *
   * @throws ReleaseException when it is not {@code N(.N)*(-QUALIFIER)?}
   */
  public static ReleaseVersion parse(String text) {
    if (!TEXT.matcher(text).matches()) {
      throw new ReleaseException(
          "'" + text + "' is not a release version (e.g. 0.2.0 or 0.2.0-SNAPSHOT)");
    }
    int dash = text.indexOf('-');
    String plain = dash < 0 ? text : text.substring(0, dash);
    List<Integer> numbers = new ArrayList<>();
    for (String n : plain.split("\\.")) {
      numbers.add(Integer.parseInt(n));
    }
    return new ReleaseVersion(numbers, dash < 0 ? "" : text.substring(dash + 1));
  }

  @Override
  public int compareTo(ReleaseVersion other) {
    for (int i = 0; i < Math.max(numbers.size(), other.numbers.size()); i++) {
      int c =
          Integer.compare(
              i < numbers.size() ? numbers.get(i) : 0,
              i < other.numbers.size() ? other.numbers.get(i) : 0);
      if (c != 0) {
        return c;
      }
    }
    if (qualifier.isEmpty() || other.qualifier.isEmpty()) {
      return Boolean.compare(qualifier.isEmpty(), other.qualifier.isEmpty());
    }
    return qualifier.compareTo(other.qualifier);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < numbers.size(); i++) {
      s.append(i == 0 ? "" : ".").append(numbers.get(i));
    }
    return qualifier.isEmpty() ? s.toString() : s + "-" + qualifier;
  }
}
