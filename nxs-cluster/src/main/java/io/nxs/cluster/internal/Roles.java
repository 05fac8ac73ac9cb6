package io.nxs.cluster.internal;

import java.util.HashSet;
import java.util.Set;

/** What NXS puts in a Pekko member's roles, and how it reads it back. */
final class Roles {

  static final String NODE = "nxs-node:";
  static final String REGION = "nxs-region:";
  static final String WEIGHT = "nxs-weight:";

  private Roles() {}

  static String nodeId(Set<String> roles, String fallback) {
    return value(roles, NODE, fallback);
  }

  static String region(Set<String> roles) {
    return value(roles, REGION, "");
  }

  static int weight(Set<String> roles) {
    try {
      return Integer.parseInt(value(roles, WEIGHT, "1"));
    } catch (NumberFormatException e) {
      return 1; // another build's roles: count it as an ordinary node
    }
  }

  /** The plain roles, e.g. {@code witness}, without NXS's data and Pekko's data-center role. */
  static Set<String> plain(Set<String> roles) {
    Set<String> plain = new HashSet<>();
    for (String r : roles) {
      if (!r.startsWith("nxs-") && !r.startsWith("dc-")) {
        plain.add(r);
      }
    }
    return plain;
  }

  private static String value(Set<String> roles, String prefix, String fallback) {
    for (String r : roles) {
      if (r.startsWith(prefix)) {
        return r.substring(prefix.length());
      }
    }
    return fallback;
  }
}
