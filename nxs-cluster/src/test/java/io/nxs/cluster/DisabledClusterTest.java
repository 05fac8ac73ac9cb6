package io.nxs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DisabledClusterTest {

  @Test
  void aDisabledClusterLoadsNoPekkoClassAndAnswersAsASingleNode() throws Exception {
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:class+load=info:stdout",
                    "-Xshare:off",
                    "-cp",
                    System.getProperty("java.class.path"),
                    DisabledClusterMain.class.getName()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue())
        .as(out.lines().filter(l -> !l.contains("class,load")).toList().toString())
        .isZero();
    assertThat(out).contains("status ACTIVE");
    assertThat(out).contains("io.nxs.cluster.ClusterModule");
    assertThat(
            out.lines()
                .filter(
                    l ->
                        l.contains("org.apache.pekko")
                            || l.contains("io.nxs.cluster.internal")
                            || l.contains("scala.")))
        .as("classes a disabled cluster must not load")
        .isEmpty();
  }
}
