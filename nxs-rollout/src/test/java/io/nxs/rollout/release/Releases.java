package io.nxs.rollout.release;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Small release archives, keys and tampering for the tests. */
final class Releases {

  /** A marker inside the fake application jar, to find and change one of its bytes. */
  static final String JAR_CONTENT = SmallRelease.JAR_CONTENT;

  private Releases() {}

  /** A release of {@code version} packed by {@link ReleasePackager} from small inputs. */
  static Path pack(Path dir, String version) throws IOException {
    ReleasePackager.Inputs inputs =
        SmallRelease.inputs(dir, version, version, "#!/bin/sh\necho nxs " + version + "\n");
    Path dist = inputs.dist();
    Files.createDirectories(dist.resolve("release"));
    Files.writeString(dist.resolve("release/nxs"), "left out\n");
    Files.writeString(dist.resolve("check"), "left out\n");
    return ReleasePackager.pack(inputs, Files.createDirectories(dir.resolve("out")));
  }

  /** The archive with the first occurrence of {@code marker} changed by one byte, re-gzipped. */
  static void changeOneByte(Path archive, String marker) throws IOException {
    byte[] tar;
    try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
      tar = in.readAllBytes();
    }
    int at = indexOf(tar, marker.getBytes(StandardCharsets.UTF_8));
    if (at < 0) {
      throw new IllegalStateException("'" + marker + "' is not in " + archive);
    }
    tar[at] ^= 1;
    gzip(archive, tar);
  }

  /** Writes a tar.gz with exactly these entries (a name ending in / is a directory). */
  static Path tar(Path archive, Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(e.getKey().endsWith("/") ? 0 : e.getValue().length);
        tar.putArchiveEntry(entry);
        if (!e.getKey().endsWith("/")) {
          tar.write(e.getValue());
        }
        tar.closeArchiveEntry();
      }
    }
    gzip(archive, bytes.toByteArray());
    return archive;
  }

  /** A tar.gz holding one symbolic link, {@code nxs-1.0.0/bin/nxs -> /bin/sh}. */
  static Path tarWithLink(Path archive) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry link = new TarArchiveEntry("nxs-1.0.0/bin/nxs", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("/bin/sh");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    gzip(archive, bytes.toByteArray());
    return archive;
  }

  private static void gzip(Path archive, byte[] content) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
      out.write(content);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static byte[] gunzip(Path archive) throws IOException {
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(archive)))) {
      return in.readAllBytes();
    }
  }
}
