package io.nxs.rollout.bootstrap;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a release archive can be fetched from: the archive as given (a path, a {@code file:} URL or
 * an {@code http(s):} URL), then the same file name under each mirror. Its signature is the same
 * location with {@code .sig} appended.
 */
final class ReleaseSources {

  /** The source does not have the file: try the next one. */
  static final class NotThere extends Exception {
    NotThere(String message) {
      super(message);
    }
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(20))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();

  private ReleaseSources() {}

  /** The archive, then its file name under every mirror, in order. */
  static List<String> of(String archive, List<String> mirrors) {
    List<String> sources = new ArrayList<>();
    sources.add(archive);
    String name = fileName(archive);
    for (String mirror : mirrors) {
      sources.add(mirror.endsWith("/") ? mirror + name : mirror + "/" + name);
    }
    return List.copyOf(sources);
  }

  /** The last path element of a path or URL, e.g. {@code nxs-0.2.0.tar.gz}. */
  static String fileName(String source) {
    String path = isUrl(source) ? URI.create(source).getPath() : source;
    String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("'" + source + "' names no archive file");
    }
    return name;
  }

  /**
   * Copies or downloads {@code source} to {@code target}.
   *
   * @throws NotThere when the source does not have it (no such file, HTTP 404)
   * @throws IOException when fetching failed in a way that may pass (connection, HTTP 5xx)
   */
  static void fetch(String source, Path target) throws IOException, NotThere {
    if (source.startsWith("http://") || source.startsWith("https://")) {
      download(URI.create(source), target);
      return;
    }
    Path file = source.startsWith("file:") ? Path.of(URI.create(source)) : Path.of(source);
    try {
      Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (NoSuchFileException e) {
      throw new NotThere(file + ": no such file");
    }
  }

  private static void download(URI uri, Path target) throws IOException, NotThere {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).build();
    HttpResponse<Path> response;
    try {
      response = HTTP.send(request, HttpResponse.BodyHandlers.ofFile(target));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while downloading " + uri, e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    Files.deleteIfExists(target);
    if (status >= 500 || status == 408 || status == 429) {
      throw new IOException(uri + ": HTTP " + status + " (may pass; retrying)");
    }
    throw new NotThere(uri + ": HTTP " + status);
  }

  private static boolean isUrl(String source) {
    return source.startsWith("http://")
        || source.startsWith("https://")
        || source.startsWith("file:");
  }
}
