package io.nxs.vault.internal;

import io.nxs.core.Severity;
import io.nxs.vault.ExportResult;
import io.nxs.vault.VaultException;
import io.nxs.vault.internal.Operations.Done;
import io.nxs.vault.internal.Operations.Event;
import io.nxs.vault.internal.Operations.Job;
import io.nxs.vault.internal.Operations.Record;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes the first target's repository (still encrypted) into one tar file for offline keeping
 * (SPEC VA5). Written to a temporary file, forced to disk and renamed, so a half export never has
 * the name. Restorable by unpacking it and pointing a {@code local} target at the directory.
 */
public final class Exporter {

  private final Supplier<List<Repository>> existing;
  private final Operations operations;
  private final Clock clock;

  public Exporter(Supplier<List<Repository>> existing, Operations operations, Clock clock) {
    this.existing = existing;
    this.operations = operations;
    this.clock = clock;
  }

  /**
   * Exports.
   *
   * @throws VaultException when the file cannot be written (nothing is left under its name)
   */
  public ExportResult export(String actor, Path file) {
    Path out = file.toAbsolutePath().normalize();
    Path tmp = out.resolveSibling("." + out.getFileName() + ".partial");
    return operations.run(
        new Job("export", actor, "backup.export_failed", out.toString()),
        run -> {
          Repository repo = existing.get().getFirst();
          run.lock(repo, RepositoryLock.Kind.SHARED);
          try {
            Files.createDirectories(out.getParent());
            List<String> keys = new ArrayList<>(repo.target().list(""));
            keys.removeIf(k -> k.startsWith("locks/"));
            keys.sort(Comparator.naturalOrder());
            long snapshots = keys.stream().filter(k -> k.startsWith("snapshots/")).count();
            try (OutputStream fileOut = Files.newOutputStream(tmp);
                BufferedOutputStream buffered = new BufferedOutputStream(fileOut, 1 << 16);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(buffered)) {
              tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
              for (String key : keys) {
                byte[] data = repo.target().get(key);
                TarArchiveEntry entry = new TarArchiveEntry("nxs-vault/" + key);
                entry.setSize(data.length);
                entry.setModTime(Date.from(clock.instant()));
                entry.setMode(0600);
                tar.putArchiveEntry(entry);
                tar.write(data);
                tar.closeArchiveEntry();
              }
              tar.finish();
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
              ch.force(true);
            }
            Files.move(
                tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ExportResult result = new ExportResult(out, keys.size(), snapshots, Files.size(out));
            return new Done<>(
                result,
                new Record(
                    new Event(
                        "backup.export",
                        Severity.INFO,
                        out.toString(),
                        Map.of(
                            "objects",
                            result.objects(),
                            "snapshots",
                            snapshots,
                            "bytes",
                            result.bytes())),
                    true,
                    null,
                    out.toString()));
          } catch (IOException e) {
            try {
              Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
              e.addSuppressed(suppressed);
            }
            throw new VaultException("cannot export to " + out + ": " + e.getMessage(), e);
          }
        });
  }
}
