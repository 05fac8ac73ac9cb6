package io.nxs.session.migrate;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The one spelling of a migration's peer, so the stores kept for it are found whichever way the
 * operator wrote it: {@code HTTP://Box.lan:80/}, {@code http://box.lan} and {@code
 * http://box.lan/api} are one peer. A URL keeps its scheme and host in lower case and its port only
 * when it is not the scheme's default; its path, query and user part are dropped (a peer is an NXS
 * instance, not a route). Anything else (a source's instance name) is trimmed and lower-cased.
 */
public final class PeerName {

  private PeerName() {}

  /** The canonical form of {@code peer}. */
  public static String of(String peer) {
    String s = peer.strip();
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      return s.toLowerCase(Locale.ROOT);
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      return s.toLowerCase(Locale.ROOT);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    return scheme + "://" + host + (defaultPort ? "" : ":" + port);
  }

  /** Whether two spellings name the same peer. */
  public static boolean same(String a, String b) {
    return of(a).equals(of(b));
  }
}
