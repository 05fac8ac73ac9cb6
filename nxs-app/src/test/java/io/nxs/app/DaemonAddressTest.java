package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file that tells a CLI command where the running daemon listens. */
class DaemonAddressTest {

  @TempDir Path dir;

  @Test
  void theAddressWrittenIsReadBackAndRemovedByItsOwnProcess() {
    NxsHome home = new NxsHome(dir);
    DaemonAddress.write(home, URI.create("http://127.0.0.1:18787"));

    assertThat(DaemonAddress.read(home))
        .hasValueSatisfying(a -> assertThat(a.url()).hasToString("http://127.0.0.1:18787"));
    DaemonAddress.remove(home);
    assertThat(DaemonAddress.file(home)).doesNotExist();
    assertThat(DaemonAddress.read(home)).isEmpty();
  }

  @Test
  void aFileLeftByADeadDaemonOrCutShortIsIgnored() throws Exception {
    NxsHome home = new NxsHome(dir);
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(
        DaemonAddress.file(home), "url=http\\://127.0.0.1\\:18787\npid=" + gone.pid() + "\n");
    assertThat(DaemonAddress.read(home)).isEmpty();

    Files.writeString(DaemonAddress.file(home), "url=http\\://127.0.0.1\\:18787\npid=");
    assertThat(DaemonAddress.read(home)).isEmpty();
  }

  @Test
  void anotherProcessesFileIsNotRemoved() throws Exception {
    NxsHome home = new NxsHome(dir);
    long other = ProcessHandle.current().parent().orElseThrow().pid();
    Files.writeString(
        DaemonAddress.file(home), "url=http\\://127.0.0.1\\:18787\npid=" + other + "\n");

    DaemonAddress.remove(home);

    assertThat(DaemonAddress.file(home)).exists();
    assertThat(DaemonAddress.read(home))
        .hasValueSatisfying(a -> assertThat(a.pid()).isEqualTo(other));
  }
}
