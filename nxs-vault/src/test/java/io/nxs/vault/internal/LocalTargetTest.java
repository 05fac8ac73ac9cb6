package io.nxs.vault.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalTargetTest extends TargetContract {

  @TempDir Path dir;
  private Path root;

  @Override
  protected Target create() throws Exception {
    root = Files.createTempDirectory(dir, "repo");
    return new LocalTarget(root);
  }

  @Override
  protected Target again() {
    return new LocalTarget(root);
  }
}
