package io.nxs.session.transfer;

import io.nxs.core.Json;
import io.nxs.session.SessionException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A session bundle as one file ({@code nxs session export} / {@code import}): a preamble, the
 * bundle manifest as the first frame, then every chunk of every file in order — the same frames a
 * migration sends, so the same checks apply (truncation, SHA-256, key).
 *
 * <pre>
 *   "NXSB"  version(1)  flags(1: 1 = encrypted)  salt(16, PBKDF2, zero when plain)
 *   frame(file = MANIFEST): the {@link Bundle} as JSON
 *   frame ... frame
 * </pre>
 */
public final class ExportFile {

  static final byte[] MAGIC = {'N', 'X', 'S', 'B'};
  static final int VERSION = 1;

  /** The file number of the manifest frame. */
  static final int MANIFEST = Integer.MAX_VALUE;

  private ExportFile() {}

  /**
   * Writes the staged bundle into {@code out}.
   *
   * @param keyFile seals every frame with the key it holds; null for a plain export
   */
  public static void write(Bundle bundle, Path staged, Path out, Path keyFile, int chunkSize)
      throws IOException {
    byte[] salt = keyFile == null ? new byte[16] : BundleKey.newSalt();
    ChunkCodec codec = new ChunkCodec(keyFile == null ? null : BundleKey.fromFile(keyFile, salt));
    Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
    try (OutputStream o =
            new BufferedOutputStream(
                Files.newOutputStream(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING),
                1 << 20);
        ChunkSender sender = new ChunkSender(codec, chunkSize, 0)) {
      o.write(MAGIC);
      o.write(VERSION);
      o.write(keyFile == null ? 0 : 1);
      o.write(salt);
      o.write(
          codec.encode(
              new Chunk(MANIFEST, 0, Json.write(bundle).getBytes(StandardCharsets.UTF_8))));
      sender.send(staged, bundle.files(), new long[bundle.files().size()], (c, f) -> o.write(f));
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Reads an export into {@code staged}, checking every chunk and every file's SHA-256.
   *
   * @param keyFile the key of an encrypted export; null when none was given
   * @return the bundle's manifest
   * @throws SessionException when the file is not an export, is encrypted and no key was given (or
   *     the wrong one), is cut short, or a chunk or file fails its check
   */
  public static Bundle read(Path in, Path staged, Path keyFile) throws IOException {
    try (InputStream s = new BufferedInputStream(Files.newInputStream(in), 1 << 20)) {
      byte[] head = s.readNBytes(4 + 1 + 1 + 16);
      if (head.length < 22 || !Arrays.equals(Arrays.copyOf(head, 4), MAGIC)) {
        throw new SessionException(in + " is not an NXS session export");
      }
      if (head[4] != VERSION) {
        throw new SessionException(
            in + " is an export of format " + head[4] + "; this NXS reads format " + VERSION);
      }
      boolean encrypted = (head[5] & 1) != 0;
      if (encrypted && keyFile == null) {
        throw new SessionException(in + " is encrypted: give its key with --key-file FILE");
      }
      if (!encrypted && keyFile != null) {
        throw new SessionException(in + " is not encrypted: run the import without --key-file");
      }
      byte[] salt = Arrays.copyOfRange(head, 6, 22);
      ChunkCodec codec = new ChunkCodec(encrypted ? BundleKey.fromFile(keyFile, salt) : null);
      Chunk manifest;
      try {
        manifest = codec.read(s);
      } catch (ChunkException e) {
        if (e.kind() == ChunkException.Kind.KEY) {
          throw new SessionException("the key in " + keyFile + " does not open " + in, e);
        }
        throw new SessionException(in + ": " + e.getMessage(), e);
      }
      if (manifest == null || manifest.file() != MANIFEST) {
        throw new SessionException(in + " has no bundle manifest");
      }
      Bundle bundle = Json.mapper().readValue(manifest.data(), Bundle.class);
      long[] received = new long[bundle.files().size()];
      MessageDigest[] sha = new MessageDigest[received.length];
      FileChannel[] out = new FileChannel[received.length];
      try {
        for (int i = 0; i < out.length; i++) {
          Path f = staged.resolve(bundle.files().get(i).name());
          Files.createDirectories(f.getParent());
          out[i] =
              FileChannel.open(
                  f,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING);
          sha[i] = MessageDigest.getInstance("SHA-256");
        }
        for (Chunk c; (c = read(codec, s, in)) != null; ) {
          if (c.file() >= out.length || c.offset() != received[c.file()]) {
            throw new SessionException(
                in + ": chunk #" + c.file() + "@" + c.offset() + " is out of order");
          }
          out[c.file()].write(ByteBuffer.wrap(c.data()));
          sha[c.file()].update(c.data());
          received[c.file()] += c.data().length;
        }
        for (int i = 0; i < out.length; i++) {
          BundleFile f = bundle.files().get(i);
          String actual = HexFormat.of().formatHex(sha[i].digest());
          if (received[i] != f.size()) {
            throw new SessionException(
                in
                    + " is truncated: "
                    + f.name()
                    + " has "
                    + received[i]
                    + " of "
                    + f.size()
                    + " bytes");
          }
          if (!actual.equals(f.sha256())) {
            throw new SessionException(in + ": " + f.name() + " fails its SHA-256 check");
          }
          out[i].force(true);
        }
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no SHA-256", e);
      } finally {
        for (FileChannel c : out) {
          if (c != null) {
            c.close();
          }
        }
      }
      return bundle;
    }
  }

  private static Chunk read(ChunkCodec codec, InputStream s, Path in) throws IOException {
    try {
      return codec.read(s);
    } catch (ChunkException e) {
      throw new SessionException(in + ": " + e.getMessage(), e);
    }
  }
}
