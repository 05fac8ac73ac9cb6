package io.nxs.cluster.heal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.cluster.SharedKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealPlannerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Written w(SharedKind kind, String key, String value, String by, int second) {
    return new Written(kind, key, value, by, T0.plusSeconds(second));
  }

  private static Map<String, Written> shared(Written... values) {
    java.util.Map<String, Written> m = new java.util.HashMap<>();
    for (Written v : values) {
      m.put(HealPlanner.keyOf(v.kind(), v.key()), v);
    }
    return m;
  }

  @Test
  void theLargerSideWinsThenTheHeavierThenTheLowerId() {
    Side three = Side.of(Map.of("a", 1, "b", 1, "c", 1));
    Side two = Side.of(Map.of("d", 5, "e", 5));
    assertThat(Side.winner(three, two)).isSameAs(three);
    assertThat(Side.winner(two, three)).isSameAs(three);

    Side light = Side.of(Map.of("a", 1));
    Side heavy = Side.of(Map.of("b", 3));
    assertThat(Side.winner(light, heavy)).isSameAs(heavy);

    Side lowId = Side.of(Map.of("a", 1));
    Side highId = Side.of(Map.of("b", 1));
    assertThat(Side.winner(highId, lowId)).isSameAs(lowId);
    assertThat(Side.winner(lowId, highId)).isSameAs(lowId);
  }

  @Test
  void chatIsLastWriterWins() {
    Written older = w(SharedKind.CHAT, "m1", "apart", "c", 5);
    Written newer = w(SharedKind.CHAT, "m2", "apart", "c", 20);
    List<Resolution> plan =
        HealPlanner.plan(
            List.of(older, newer),
            shared(
                w(SharedKind.CHAT, "m1", "main", "a", 10),
                w(SharedKind.CHAT, "m2", "main", "a", 10)),
            false);
    assertThat(plan)
        .containsExactly(
            new Resolution.Keep(older, "last writer wins"),
            new Resolution.Apply(newer, "last writer wins"));
  }

  @Test
  void configurationFromTheWinningSideWins() {
    Written apart = w(SharedKind.CONFIG, "model", "small", "c", 30);
    Written main = w(SharedKind.CONFIG, "model", "large", "a", 10);
    assertThat(HealPlanner.plan(List.of(apart), shared(main), false))
        .containsExactly(new Resolution.Keep(apart, "the winning side wins"));
    assertThat(HealPlanner.plan(List.of(apart), shared(main), true))
        .containsExactly(new Resolution.Apply(apart, "the winning side wins"));
  }

  @Test
  void identityAndSecretsThatDifferGoToReviewAndAreNeverMerged() {
    Written name = w(SharedKind.IDENTITY, "name", "Bea", "c", 30);
    Written mainName = w(SharedKind.IDENTITY, "name", "Ada", "a", 10);
    Written key = w(SharedKind.SECRET, "kimi", "sk-apart", "c", 31);
    Written mainKey = w(SharedKind.SECRET, "kimi", "sk-main", "a", 11);
    assertThat(HealPlanner.plan(List.of(name, key), shared(mainName, mainKey), true))
        .containsExactly(
            new Resolution.Review(name, mainName), new Resolution.Review(key, mainKey));
  }

  @Test
  void equalValuesAndValuesWrittenOnOneSideOnlyAreNoConflict() {
    Written same = w(SharedKind.IDENTITY, "name", "Ada", "c", 30);
    Written fresh = w(SharedKind.IDENTITY, "avatar", "owl", "c", 31);
    assertThat(
            HealPlanner.plan(
                List.of(same, fresh), shared(w(SharedKind.IDENTITY, "name", "Ada", "a", 1)), false))
        .containsExactly(
            new Resolution.Keep(same, "same value on both sides"),
            new Resolution.Apply(fresh, "written on one side only"));
  }

  @Test
  void onlyTheLatestWriteOfAKeyWrittenApartCounts() {
    Written first = w(SharedKind.IDENTITY, "name", "Bea", "c", 30);
    Written second = w(SharedKind.IDENTITY, "name", "Ada", "c", 40);
    assertThat(
            HealPlanner.plan(
                List.of(first, second),
                shared(w(SharedKind.IDENTITY, "name", "Ada", "a", 1)),
                false))
        .containsExactly(new Resolution.Keep(second, "same value on both sides"));
  }

  @Test
  void aSecretIsShownOnlyAsAFingerprint() {
    Conflict c =
        Conflict.of(
            new Resolution.Review(
                w(SharedKind.SECRET, "kimi", "sk-apart", "c", 3),
                w(SharedKind.SECRET, "kimi", "sk-main", "a", 1)),
            T0);
    assertThat(c.shown(c.proposed())).startsWith("sha256:").doesNotContain("sk-");
    assertThat(c.status()).isEqualTo(Conflict.Status.PENDING);
    assertThat(c.decided(true, "admin").status()).isEqualTo(Conflict.Status.APPROVED);
  }
}
