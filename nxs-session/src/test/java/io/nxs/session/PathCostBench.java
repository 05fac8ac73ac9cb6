package io.nxs.session;

import com.github.luben.zstd.Zstd;
import io.nxs.session.store.OnlineCopy;
import io.nxs.session.transfer.StorePatch;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.openclaw.RealSessions;
import io.nxs.testkit.openclaw.TranscriptGrower;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Benchmark (not a test) of two pieces of the migration path, old and new side by side in one JVM
 * as thread CPU time (which the machine's load hardly moves): the events of a real store grown by N
 * message pairs hashed as the digest read did ({@code getString} and re-encoding) and does ({@code
 * getBytes}), and a 4 MiB chunk compressed at zstd level 3 and 1, with the whole store's wire size
 * at each.
 *
 * <pre>
 *   java -cp … io.nxs.session.PathCostBench 50000
 * </pre>
 */
public final class PathCostBench {

  private PathCostBench() {}

  static long hashAll(Path db, boolean bytes) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?immutable=1");
        PreparedStatement q =
            c.prepareStatement(
                "SELECT e.event_json FROM session_transcript_active_events a JOIN transcript_events e ON e.session_id = a.session_id AND e.seq = a.event_seq WHERE a.message_position IS NOT NULL ORDER BY a.session_id, a.message_position")) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long n = 0;
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          byte[] b = bytes ? rs.getBytes(1) : rs.getString(1).getBytes(StandardCharsets.UTF_8);
          sha.update(b);
          n += b.length;
        }
      }
      sha.digest();
      return n;
    }
  }

  public static void main(String[] a) throws Exception {
    Path dir = Files.createTempDirectory("nxs-path-cost-");
    var install = OpenClawInstall.find().orElseThrow();
    var claw = RealSessions.copy(install, dir.resolve("claw"));
    new TranscriptGrower(claw.layout().agentDatabase("main"))
        .grow("agent:main:alpha", Integer.parseInt(a[0]));
    Path snap = dir.resolve("snap.sqlite");
    OnlineCopy.copy(claw.layout().agentDatabase("main"), snap);
    System.out.printf("store %d bytes%n", Files.size(snap));
    byte[] chunk = StorePatch.middle(snap, 4 << 20);
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long cs = 0, cb = 0;
    for (int rep = 0; rep < 5; rep++) {
      long t = mx.getCurrentThreadCpuTime();
      long n1 = hashAll(snap, false);
      long s = mx.getCurrentThreadCpuTime() - t;
      t = mx.getCurrentThreadCpuTime();
      long n2 = hashAll(snap, true);
      long b = mx.getCurrentThreadCpuTime() - t;
      if (rep > 0) {
        cs += s;
        cb += b;
      }
      System.out.printf(
          "CPU: events hashed getString+getBytes %d ms, getBytes %d ms (same bytes: %b)%n",
          s / 1000000, b / 1000000, n1 == n2);
    }
    System.out.printf(
        "CPU over reps 2-5: getString+getBytes %d ms, getBytes %d ms, ratio %.2f%n",
        cs / 1000000, cb / 1000000, (double) cb / cs);
    long z3 = 0, z1 = 0;
    for (int i = 0; i < 20; i++) {
      long t = mx.getCurrentThreadCpuTime();
      Zstd.compress(chunk, 3);
      z3 += mx.getCurrentThreadCpuTime() - t;
      t = mx.getCurrentThreadCpuTime();
      Zstd.compress(chunk, 1);
      z1 += mx.getCurrentThreadCpuTime() - t;
    }
    System.out.printf(
        "CPU: 4 MiB chunk x20: level 3 %d ms, level 1 %d ms, ratio %.2f%n",
        z3 / 1000000, z1 / 1000000, (double) z1 / z3);
    long w3 = 0, w1 = 0, all = 0;
    try (var ch = java.nio.channels.FileChannel.open(snap)) {
      long size = ch.size();
      for (long off = 0; off < size; off += 4 << 20) {
        var buf = java.nio.ByteBuffer.allocate((int) Math.min(4 << 20, size - off));
        ch.read(buf, off);
        byte[] c = buf.array();
        all += c.length;
        long t = mx.getCurrentThreadCpuTime();
        w3 += Zstd.compress(c, 3).length;
        z3 += mx.getCurrentThreadCpuTime() - t;
        t = mx.getCurrentThreadCpuTime();
        w1 += Zstd.compress(c, 1).length;
        z1 += mx.getCurrentThreadCpuTime() - t;
      }
    }
    System.out.printf(
        "whole store in 4 MiB chunks: level 3 %.3f of it, level 1 %.3f%n",
        (double) w3 / all, (double) w1 / all);
    io.nxs.core.state.SecureFiles.deleteTree(dir);
    System.exit(0);
  }
}
