package io.nxs.session.transfer;

import io.nxs.session.SessionException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The final snapshot as a delta against the bulk one the target already holds (SE4's delta
 * migration): both are SQLite files made the same way, so most of the final file's pages appear
 * somewhere in the bulk file, often at another offset. Pages are matched by content — a hash of
 * each page of the base, confirmed byte for byte — wherever they sit; a run of pages found in the
 * base is a copy, anything else is sent literally.
 *
 * <pre>
 *   "NXSD" version(1) page(int32) size(int64) sha256(32, of the result)
 *   ops: 'C' base-page(int64) count(int32) | 'D' length(int32) bytes | 'E'
 * </pre>
 *
 * The target rebuilds the file from its copy of the base and checks the result's SHA-256.
 */
public final class PageDelta {

  static final byte[] MAGIC = {'N', 'X', 'S', 'D'};
  static final int VERSION = 1;

  /** SQLite's default page size; other page sizes still work, with fewer matches. */
  static final int PAGE = 4096;

  /**
   * The suffix of a delta in a bundle: {@code final/<agent>/<snapshot>.database.delta} rebuilds
   * {@code final/<agent>/<snapshot>/database.sqlite} from the bulk snapshot's {@code
   * bulk/<agent>/<snapshot>/database.sqlite}.
   */
  public static final String SUFFIX = ".database.delta";

  private PageDelta() {}

  /**
   * Replaces each final store of the bundle whose bulk counterpart was sent by a delta, when the
   * delta is smaller; the target rebuilds the store ({@link #rebuild}).
   */
  public static Bundle shrink(Bundle last, Path dir) throws IOException {
    java.util.List<BundleFile> files = new java.util.ArrayList<>();
    for (BundleFile f : last.files()) {
      String[] parts = f.name().split("/");
      java.util.Optional<Path> base =
          parts.length == 4 && parts[3].equals("database.sqlite")
              ? bulkStore(dir, parts[1])
              : java.util.Optional.empty();
      if (base.isPresent()) {
        String name = parts[0] + "/" + parts[1] + "/" + parts[2] + SUFFIX;
        write(base.get(), dir.resolve(f.name()), f.sha256(), dir.resolve(name));
        BundleFile delta = SnapshotExporter.describe(dir, name);
        if (delta.size() < f.size() * 9 / 10) {
          files.add(delta);
          continue;
        }
      }
      files.add(f);
    }
    return new Bundle(
        last.protocol(), last.createdAt(), last.openclawVersion(), last.agents(), files);
  }

  /** Rebuilds every store a bundle carries as a delta, from the bulk store received before. */
  public static void rebuild(Bundle bundle, Path dir) throws IOException {
    for (BundleFile f : bundle.files()) {
      if (f.name().endsWith(SUFFIX)) {
        String[] parts = f.name().substring(0, f.name().length() - SUFFIX.length()).split("/");
        Path base =
            bulkStore(dir, parts[1])
                .orElseThrow(
                    () ->
                        new SessionException(
                            "the bulk store of agent " + parts[1] + " is missing for " + f.name()));
        Path result = dir.resolve(parts[0]).resolve(parts[1]).resolve(parts[2]);
        Files.createDirectories(result);
        apply(base, dir.resolve(f.name()), result.resolve("database.sqlite"));
      }
    }
  }

  /** {@code bulk/<agent>/<snapshot>/database.sqlite}, if the bulk phase staged one. */
  static java.util.Optional<Path> bulkStore(Path dir, String agent) throws IOException {
    Path agentDir = dir.resolve("bulk").resolve(agent);
    if (!Files.isDirectory(agentDir)) {
      return java.util.Optional.empty();
    }
    try (var list = Files.list(agentDir)) {
      return list.map(p -> p.resolve("database.sqlite")).filter(Files::isRegularFile).findFirst();
    }
  }

  /** What a delta saved. */
  public record Stats(long size, long literalBytes, long copiedBytes) {}

  /**
   * Writes {@code target} as a delta against {@code base} into {@code delta}.
   *
   * @param sha256 the target file's SHA-256 (hex), recorded for the check after rebuilding
   */
  public static Stats write(Path base, Path target, String sha256, Path delta) throws IOException {
    Map<Long, int[]> index = index(base);
    long size = Files.size(target);
    long literal = 0;
    long copied = 0;
    try (FileChannel baseCh = FileChannel.open(base, StandardOpenOption.READ);
        InputStream in = new BufferedInputStream(Files.newInputStream(target), 1 << 20);
        DataOutputStream out =
            new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(delta), 1 << 20))) {
      out.write(MAGIC);
      out.write(VERSION);
      out.writeInt(PAGE);
      out.writeLong(size);
      out.write(HexFormat.of().parseHex(sha256));
      byte[] page = new byte[PAGE];
      byte[] candidate = new byte[PAGE];
      Run run = new Run(out);
      for (int n; (n = in.readNBytes(page, 0, PAGE)) > 0; ) {
        long match = n == PAGE ? find(index, page, baseCh, candidate) : -1;
        if (match >= 0) {
          run.copy(match);
          copied += n;
        } else {
          run.literal(page, n);
          literal += n;
        }
      }
      run.flush();
      out.write('E');
    }
    return new Stats(size, literal, copied);
  }

  /**
   * Rebuilds the file a delta describes from {@code base} into {@code result}.
   *
   * @throws SessionException when the delta is damaged or the result does not match its SHA-256
   */
  public static void apply(Path base, Path delta, Path result) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    byte[] expected = new byte[32];
    long size;
    Path tmp = result.resolveSibling(result.getFileName() + ".part");
    try (DataInputStream in =
            new DataInputStream(new BufferedInputStream(Files.newInputStream(delta), 1 << 20));
        FileChannel baseCh = FileChannel.open(base, StandardOpenOption.READ);
        OutputStream out =
            new BufferedOutputStream(
                Files.newOutputStream(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING),
                1 << 20)) {
      byte[] magic = in.readNBytes(4);
      if (!Arrays.equals(magic, MAGIC) || in.read() != VERSION) {
        throw new SessionException(delta + " is not an NXS page delta of version " + VERSION);
      }
      int page = in.readInt();
      size = in.readLong();
      in.readFully(expected);
      byte[] buffer = new byte[page];
      long written = 0;
      for (int op; (op = in.read()) != 'E'; ) {
        if (op == 'C') {
          long from = in.readLong();
          int count = in.readInt();
          for (int i = 0; i < count; i++) {
            ByteBuffer b = ByteBuffer.wrap(buffer);
            while (b.hasRemaining()) {
              if (baseCh.read(b, (from + i) * page + b.position()) < 0) {
                throw new SessionException(delta + " copies past the end of " + base);
              }
            }
            out.write(buffer);
            sha.update(buffer);
            written += page;
          }
        } else if (op == 'D') {
          int length = in.readInt();
          byte[] data = in.readNBytes(length);
          if (data.length != length) {
            throw new SessionException(delta + " is truncated");
          }
          out.write(data);
          sha.update(data);
          written += length;
        } else {
          throw new SessionException(delta + " is damaged (op " + op + ")");
        }
      }
      if (written != size) {
        throw new SessionException(
            delta + " rebuilds " + written + " bytes, its header says " + size);
      }
    }
    if (!MessageDigest.isEqual(sha.digest(), expected)) {
      Files.deleteIfExists(tmp);
      throw new SessionException(
          "the file rebuilt from " + delta + " does not match its SHA-256: send it whole");
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, result, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** First 8 bytes of each page's SHA-256 → the pages of the base with that prefix. */
  private static Map<Long, int[]> index(Path base) throws IOException {
    Map<Long, int[]> index = new HashMap<>();
    byte[] page = new byte[PAGE];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(base), 1 << 20)) {
      int i = 0;
      for (int n; (n = in.readNBytes(page, 0, PAGE)) == PAGE; i++) {
        int at = i;
        index.merge(
            key(page),
            new int[] {at},
            (a, b) -> {
              int[] both = Arrays.copyOf(a, a.length + 1);
              both[a.length] = b[0];
              return both;
            });
      }
    }
    return index;
  }

  private static long find(Map<Long, int[]> index, byte[] page, FileChannel base, byte[] scratch)
      throws IOException {
    int[] hits = index.get(key(page));
    if (hits == null) {
      return -1;
    }
    for (int hit : hits) {
      ByteBuffer b = ByteBuffer.wrap(scratch);
      int read = 0;
      while (b.hasRemaining() && read >= 0) {
        read = base.read(b, (long) hit * PAGE + b.position());
      }
      if (Arrays.equals(scratch, page)) {
        return hit;
      }
    }
    return -1;
  }

  private static long key(byte[] page) {
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(page)).getLong();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Coalesces consecutive copies and literals into runs. */
  private static final class Run {
    private final DataOutputStream out;
    private long copyFrom = -1;
    private int copyCount;
    private final java.io.ByteArrayOutputStream literal = new java.io.ByteArrayOutputStream();

    Run(DataOutputStream out) {
      this.out = out;
    }

    void copy(long page) throws IOException {
      if (literal.size() > 0) {
        flushLiteral();
      }
      if (copyFrom >= 0 && page == copyFrom + copyCount) {
        copyCount++;
        return;
      }
      flushCopy();
      copyFrom = page;
      copyCount = 1;
    }

    void literal(byte[] data, int n) throws IOException {
      flushCopy();
      literal.write(data, 0, n);
      if (literal.size() >= 1 << 20) {
        flushLiteral();
      }
    }

    void flush() throws IOException {
      flushCopy();
      flushLiteral();
    }

    private void flushCopy() throws IOException {
      if (copyFrom >= 0) {
        out.write('C');
        out.writeLong(copyFrom);
        out.writeInt(copyCount);
        copyFrom = -1;
        copyCount = 0;
      }
    }

    private void flushLiteral() throws IOException {
      if (literal.size() > 0) {
        out.write('D');
        out.writeInt(literal.size());
        literal.writeTo(out);
        literal.reset();
      }
    }
  }
}
