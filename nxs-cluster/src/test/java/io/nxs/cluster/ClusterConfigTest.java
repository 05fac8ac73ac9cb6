package io.nxs.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.config.ConfigException;
import io.nxs.core.config.ConfigLoader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterConfigTest {

  private final ConfigLoader loader = new ConfigLoader(List.of(ClusterConfig.SECTION), Map.of());

  private ClusterConfig parse(String yaml) {
    return loader.parse(yaml, "nxs.yaml").section(ClusterConfig.SECTION);
  }

  @Test
  void theClusterIsOffByDefault() {
    ClusterConfig c = parse("");
    assertThat(c.enabled()).isFalse();
    assertThat(c.name()).isEqualTo("nxs");
    assertThat(c.splitBrain().strategy())
        .isEqualTo(ClusterConfig.SplitBrain.Strategy.KEEP_MAJORITY);
    assertThat(c.acceptablePause()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.agentService()).isEqualTo("openclaw");
    assertThat(c.tasks().keepFinished()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void finishedTasksAreKeptForTheConfiguredRetention() {
    assertThat(parse("cluster: {tasks: {keep_finished: 7d}}").tasks().keepFinished())
        .isEqualTo(Duration.ofDays(7));
  }

  @Test
  void aFullSectionBinds() {
    ClusterConfig c =
        parse(
            """
            cluster:
              enabled: true
              name: home-lab
              node_id: edge-1
              bind: 0.0.0.0:25520
              advertise: 100.64.0.7:25520
              seeds: [100.64.0.5:25520, "[fd7a::1]:25520"]
              region: eu-west
              nearby_regions: [eu-central]
              roles: [witness]
              weight: 2
              split_brain: {strategy: static-quorum, quorum_size: 2, stable_after: 10s}
            """);
    assertThat(c.seeds())
        .extracting(Object::toString)
        .containsExactly("100.64.0.5:25520", "[fd7a::1]:25520");
    assertThat(c.advertise().host()).isEqualTo("100.64.0.7");
    assertThat(c.witness()).isTrue();
    assertThat(c.splitBrain().quorumSize()).isEqualTo(2);
  }

  @Test
  void theErrorNamesTheLineOfTheSection() {
    assertThatThrownBy(() -> parse("# lab\n\ncluster:\n  enabled: true\n  weight: 200\n"))
        .hasMessage("nxs.yaml:3:1: cluster: weight must be in [1, 100], but was 200");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cluster: {seeds: [10.0.0.2]}|nxs.yaml:1:1: cluster: seeds[0] must be host:port like 10.0.0.2:25520, but was '10.0.0.2'",
        "cluster: {bind: 'host:99999'}|port must be in [0, 65535], but was 99999",
        "cluster: {node_id: 'a b'}|node_id must be 1-63 letters, digits, '.', '_' or '-', but was 'a b'",
        "cluster: {discovery: dns}|discovery: dns needs dns_name, the name to resolve",
        "cluster: {discovery: consul}|discovery must be one of static, dns, kubernetes, but was 'consul'",
        "cluster: {weight: 0}|weight must be in [1, 100], but was 0",
        "cluster: {split_brain: {strategy: static-quorum}}|static-quorum needs quorum_size, at least 1",
        "cluster: {split_brain: {strategy: keep-oldest}}|strategy must be keep-majority or static-quorum, but was 'keep-oldest'",
        "cluster: {acceptable_pause: 100ms}|acceptable_pause must be in [500ms, 5m], but was 100ms",
        "cluster: {roles: [Witness]}|roles must be lower-case words like 'witness', but one was 'Witness'",
        "cluster: {api_url: 'ftp://x'}|api_url must be an http(s) URL like http://10.0.0.2:8787, but was 'ftp://x'",
        "cluster: {agent_service: ' '}|agent_service must name a supervised service, e.g. openclaw",
        "cluster: {enabled: maybe}|cluster.enabled: expected true or false",
        "cluster: {seed: [a:1]}|unknown key",
        "cluster: {tasks: {keep_finished: 30s}}|tasks.keep_finished must be in [1m, 90d], but was 30s",
        "cluster: {tasks: {keep_finished: soon}}|keep_finished",
        "cluster: {tasks: {keep: 1h}}|unknown key",
      })
  void aBadValueIsAConfigErrorWithFileAndLine(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("nxs.yaml:1:")
        .hasMessageContaining(message);
  }
}
