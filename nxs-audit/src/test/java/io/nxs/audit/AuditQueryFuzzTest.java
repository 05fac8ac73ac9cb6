package io.nxs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nxs.core.NxsException;
import io.nxs.testkit.MutableClock;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whatever arrives as {@code --since}, {@code --type}, {@code --actor} and {@code --limit}, the
 * query parser either builds a query (whose time bound can be computed) or throws its documented
 * {@link NxsException} with a one-line message; nothing else escapes. Plain {@code ./mvnw verify}
 * replays the seed inputs in {@code AuditQueryFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes for
 * the bounded time.
 */
class AuditQueryFuzzTest {

  private static final MutableClock CLOCK = MutableClock.startingAt2026();

  @FuzzTest(maxDuration = "20s")
  void parserThrowsOnlyNxsException(FuzzedDataProvider data) {
    parse(
        data.consumeString(64),
        data.consumeString(64),
        data.consumeString(64),
        data.consumeRemainingAsString());
  }

  /** A seeded sweep of mutated near-valid inputs, so CI exercises more than the corpus. */
  @Test
  void mutatedInputsThrowOnlyNxsException() {
    String[] seeds = {
      "24h",
      "7d",
      "30m",
      "2w",
      "2026-11-01T00:00:00Z",
      "2026-11-01",
      "security.*",
      "*.failover",
      "provider.failover",
      "gate",
      "100",
      "9999999d",
      "+1000000000-01-01T00:00:00Z",
      "1e9",
      "-5",
      "\u2028",
      "\0"
    };
    String alphabet = "0123456789smhdwTZ:-.+*_ az\u00e9\u2028\n\0[]?%'\"\\";
    Random random = new Random(20261122);
    for (int i = 0; i < 5000; i++) {
      String[] parts = new String[4];
      for (int p = 0; p < 4; p++) {
        StringBuilder s = new StringBuilder(seeds[random.nextInt(seeds.length)]);
        for (int m = random.nextInt(4); m > 0; m--) {
          int at = random.nextInt(s.length() + 1);
          switch (random.nextInt(3)) {
            case 0 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
            case 1 -> {
              if (at < s.length()) s.deleteCharAt(at);
            }
            default -> {
              if (at < s.length())
                s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
          }
        }
        parts[p] = random.nextInt(8) == 0 ? null : s.toString();
      }
      parse(parts[0], parts[1], parts[2], parts[3]);
    }
  }

  private static void parse(String since, String type, String actor, String limit) {
    try {
      AuditQuery q = AuditQuery.parse(since, type, actor).withLimit(limit);
      q.sinceMillis(CLOCK);
      assertThat(q.limit()).isBetween(1, AuditQuery.MAX_LIMIT);
    } catch (NxsException expected) {
      assertThat(expected.getMessage()).doesNotContain("\n", "\r", "\u2028");
    }
  }
}
