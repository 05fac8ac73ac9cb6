package io.nxs.audit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nxs.audit.AuditEntry;
import io.nxs.audit.VerifyReport;
import io.nxs.audit.VerifyReport.Problem;
import io.nxs.core.NxsException;
import io.nxs.core.state.SecureFiles;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signed archive files: {@code audit-<first>-<last>.jsonl}, one entry per line in the JSON shape of
 * {@link AuditEntry}, then one trailer line {@code {"archive":{...}}} whose Ed25519 signature
 * covers the seq range, the hash the first entry links to, the last hash and the entry count. The
 * file is verifiable on its own with the public key alone.
 */
public final class ArchiveFiles {

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  /** What an archive's trailer promises, once its entries checked out. */
  public record Summary(long firstSeq, long lastSeq, String firstPrevHash, String lastHash) {}

  /** A verification outcome plus, when ok, the trailer's promises. */
  public record Check(VerifyReport report, Summary summary) {}

  private final SigningKeys signer;
  private final KeyRing keys;

  /**
   * @param signer the current key pair, to write archives; null for verifying only
   * @param keys every key the log was signed with, to verify
   */
  public ArchiveFiles(SigningKeys signer, KeyRing keys) {
    this.signer = signer;
    this.keys = keys;
  }

  /** The file name for a seq range; zero-padded so names sort in chain order. */
  public static String fileName(long firstSeq, long lastSeq) {
    return String.format(java.util.Locale.ROOT, "audit-%012d-%012d.jsonl", firstSeq, lastSeq);
  }

  /**
   * Writes entries {@code firstSeq..lastSeq} from {@code c} to a new archive file in {@code dir},
   * durably (fsync, atomic rename, directory fsync), mode 0600.
   *
   * @return the summary written into the trailer
   */
  public Summary write(Connection c, Path dir, long firstSeq, long lastSeq, Path file)
      throws SQLException {
    SecureFiles.ensureDirectory(dir);
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    ObjectMapper mapper = EntryCodec.mapper();
    String firstPrev = null;
    String lastHash = null;
    long count = 0;
    try {
      Files.deleteIfExists(tmp);
      SecureFiles.createPrivateFile(tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          BufferedWriter out =
              new BufferedWriter(
                  new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8));
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + EntryRows.COLUMNS
                      + " FROM audit_entries WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
        ps.setLong(1, firstSeq);
        ps.setLong(2, lastSeq);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            AuditEntry e = EntryRows.read(rs);
            firstPrev = firstPrev == null ? e.prevHash() : firstPrev;
            lastHash = e.hash();
            count++;
            out.write(mapper.writeValueAsString(e));
            out.write('\n');
          }
        }
        if (count != lastSeq - firstSeq + 1) {
          throw new NxsException(
              "the audit chain has gaps between seq "
                  + firstSeq
                  + " and "
                  + lastSeq
                  + ": run nxs audit verify");
        }
        Summary summary = new Summary(firstSeq, lastSeq, firstPrev, lastHash);
        Map<String, Object> trailer = new LinkedHashMap<>();
        trailer.put("first_seq", firstSeq);
        trailer.put("last_seq", lastSeq);
        trailer.put("first_prev_hash", firstPrev);
        trailer.put("last_hash", lastHash);
        trailer.put("entries", count);
        trailer.put("signature", signer.sign("archive", digest(summary)));
        out.write(mapper.writeValueAsString(Map.of("archive", trailer)));
        out.write('\n');
        out.flush();
        ch.force(true);
        moveInPlace(tmp, file);
        SecureFiles.syncDirectory(dir);
        return summary;
      }
    } catch (IOException e) {
      throw new NxsException("cannot write audit archive " + file + ": " + e.getMessage(), e);
    }
  }

  /** Verifies one archive file: every entry's hash, link and signature, and the signed trailer. */
  public Check verify(Path file) {
    String source = file.getFileName().toString();
    ObjectMapper mapper = EntryCodec.mapper();
    long count = 0;
    Long expectedSeq = null;
    String expectedPrev = null;
    String firstPrev = null;
    long firstSeq = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        Map<String, Object> row = mapper.readValue(line, MAP);
        if (row.get("archive") instanceof Map<?, ?> trailer) {
          if (in.readLine() != null) {
            return bad(
                source, count, expectedSeq, Problem.EDITED, "lines follow the signed trailer");
          }
          return checkTrailer(
              source,
              count,
              trailer,
              new Summary(
                  firstSeq, expectedSeq == null ? 0 : expectedSeq - 1, firstPrev, expectedPrev));
        }
        count++;
        long seq = ((Number) row.get("seq")).longValue();
        String prevHash = (String) row.get("prev_hash");
        if (expectedSeq == null) {
          firstSeq = seq;
          firstPrev = prevHash;
          expectedSeq = seq;
          expectedPrev = prevHash;
        }
        if (seq != expectedSeq) {
          return bad(
              source,
              count,
              expectedSeq,
              seq > expectedSeq ? Problem.MISSING : Problem.REORDERED,
              "the next entry in the file is seq " + seq);
        }
        if (!expectedPrev.equals(prevHash)) {
          return bad(
              source, count, seq, Problem.EDITED, "its prev_hash does not match seq " + (seq - 1));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) row.get("details");
        byte[] actual =
            EntryCodec.hash(
                seq,
                Instant.parse((String) row.get("timestamp")).toEpochMilli(),
                (String) row.get("event_type"),
                (String) row.get("severity"),
                (String) row.get("actor"),
                (String) row.get("target"),
                EntryCodec.canonicalDetails(details),
                EntryCodec.unhex(prevHash));
        if (!EntryCodec.hex(actual).equals(row.get("hash"))) {
          return bad(source, count, seq, Problem.EDITED, "its content no longer matches its hash");
        }
        Object signature = row.get("signature");
        if (signature != null && !keys.verifyAt(seq, "entry", actual, signature.toString())) {
          return bad(source, count, seq, Problem.BAD_SIGNATURE, "its signature does not verify");
        }
        expectedPrev = (String) row.get("hash");
        expectedSeq = seq + 1;
      }
      return bad(
          source,
          count,
          expectedSeq == null ? 1 : expectedSeq,
          Problem.TRUNCATED,
          "the file ends without its signed trailer");
    } catch (JsonProcessingException
        | ClassCastException
        | NullPointerException
        | IllegalArgumentException
        | java.time.DateTimeException e) {
      return bad(
          source,
          count,
          expectedSeq == null ? 1 : expectedSeq,
          Problem.EDITED,
          "line " + (count + 1) + " is not a well-formed archive entry");
    } catch (IOException e) {
      throw new NxsException("cannot read audit archive " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The key hand-over entries of an archive file, in order, read but not verified (the chain walk
   * verifies them). A hand-over whose details lack a field is returned with null fields, so that
   * deriving the key ring reports it.
   */
  public List<KeyRing.HandOver> handOvers(Path file) {
    ObjectMapper mapper = EntryCodec.mapper();
    List<KeyRing.HandOver> found = new java.util.ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.contains(KeyRing.ROTATED)) {
          continue;
        }
        Map<String, Object> row = mapper.readValue(line, MAP);
        if (KeyRing.ROTATED.equals(row.get("event_type")) && row.get("seq") instanceof Number seq) {
          @SuppressWarnings("unchecked")
          Map<String, Object> details =
              row.get("details") instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of();
          found.add(
              KeyRing.HandOver.of(seq.longValue(), details)
                  .orElse(new KeyRing.HandOver(seq.longValue(), null, null, null)));
        }
      }
      return found;
    } catch (JsonProcessingException e) {
      return found; // a damaged line: verify() reports it where it is
    } catch (IOException e) {
      throw new NxsException("cannot read audit archive " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The hash of one entry of an archive file, if the file holds that seq. The file is read, not
   * verified: call it on files that {@link #verify} passed.
   */
  public Optional<String> hashAt(Path file, long seq) {
    ObjectMapper mapper = EntryCodec.mapper();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        Map<String, Object> row = mapper.readValue(line, MAP);
        if (row.get("seq") instanceof Number n && n.longValue() == seq) {
          return Optional.ofNullable((String) row.get("hash"));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new NxsException("cannot read audit archive " + file + ": " + e.getMessage(), e);
    }
  }

  private Check checkTrailer(String source, long count, Map<?, ?> t, Summary seen) {
    Summary promised =
        new Summary(
            ((Number) t.get("first_seq")).longValue(),
            ((Number) t.get("last_seq")).longValue(),
            (String) t.get("first_prev_hash"),
            (String) t.get("last_hash"));
    Object signature = t.get("signature");
    if (signature == null || !keys.verifyAny("archive", digest(promised), signature.toString())) {
      return bad(
          source,
          count,
          promised.firstSeq(),
          Problem.BAD_SIGNATURE,
          "the archive trailer's signature does not verify");
    }
    if (seen.lastSeq() < promised.lastSeq()) {
      return bad(
          source,
          count,
          seen.lastSeq() + 1,
          Problem.TRUNCATED,
          "the trailer promises entries up to seq " + promised.lastSeq());
    }
    if (!promised.equals(seen)) {
      return bad(
          source,
          count,
          promised.firstSeq(),
          Problem.EDITED,
          "the entries do not match the signed trailer");
    }
    return new Check(VerifyReport.ok(source, count), promised);
  }

  private static Check bad(String source, long count, Long seq, Problem problem, String why) {
    return new Check(VerifyReport.bad(source, count, seq == null ? 1 : seq, problem, why), null);
  }

  private static byte[] digest(Summary s) {
    return ChainVerifier.sha256(
        "archive|"
            + s.firstSeq()
            + "|"
            + s.lastSeq()
            + "|"
            + s.firstPrevHash()
            + "|"
            + s.lastHash());
  }

  private static void moveInPlace(Path tmp, Path file) throws IOException {
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
