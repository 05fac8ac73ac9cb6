package io.nxs.vault.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Target} must do, run against each implementation (local, s3, git) over real
 * storage: whole objects, create-if-absent with exactly one winner, listing by prefix, deletes,
 * batched writes made visible by flush.
 */
abstract class TargetContract {

  /** A fresh, empty target. */
  protected abstract Target create() throws Exception;

  /**
   * A second, independent handle on the same storage as the last {@link #create} (another process
   * would have one).
   */
  protected abstract Target again() throws Exception;

  protected Target target;

  @BeforeEach
  void open() throws Exception {
    target = create();
  }

  @AfterEach
  void closeTarget() {
    target.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putStoresTheWholeObjectAndReplacesAnOldOne() throws Exception {
    target.put("snapshots/one", bytes("first"));
    target.put("snapshots/one", bytes("second, longer"));

    assertThat(target.get("snapshots/one")).isEqualTo(bytes("second, longer"));
    assertThat(target.size("snapshots/one")).hasValue(14);
  }

  @Test
  void aMissingObjectIsNoSuchFileAndHasNoSize() throws Exception {
    assertThatThrownBy(() -> target.get("snapshots/none")).isInstanceOf(NoSuchFileException.class);
    assertThat(target.size("snapshots/none")).isEmpty();
  }

  @Test
  void largeBinaryObjectRoundTripsByteForByte() throws Exception {
    byte[] data = new byte[(4 << 20) + 4097];
    new Random(7).nextBytes(data);

    target.put("blobs/ab/abcdef", data);

    assertThat(target.get("blobs/ab/abcdef")).isEqualTo(data);
    assertThat(target.size("blobs/ab/abcdef")).hasValue(data.length);
  }

  @Test
  void objectsReadIntoOneReusedBufferEachReadTheirOwnBytes() throws Exception {
    byte[] large = new byte[(4 << 20) + 33];
    new Random(11).nextBytes(large);
    target.put("blobs/ab/large", large);
    target.put("blobs/ab/small", bytes("small"));
    Sealer.Scratch scratch = new Sealer.Scratch();

    Sealer.Plain first = target.get("blobs/ab/large", scratch);
    assertThat(Arrays.copyOf(first.bytes(), first.length())).isEqualTo(large);
    Sealer.Plain second = target.get("blobs/ab/small", scratch);
    assertThat(second.bytes()).isSameAs(first.bytes());
    assertThat(Arrays.copyOf(second.bytes(), second.length())).isEqualTo(bytes("small"));
    assertThatThrownBy(() -> target.get("blobs/ab/none", scratch))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void putIfAbsentCreatesOnceAndNeverOverwrites() throws Exception {
    assertThat(target.putIfAbsent("config", bytes("mine"))).isTrue();
    assertThat(target.putIfAbsent("config", bytes("theirs"))).isFalse();

    assertThat(target.get("config")).isEqualTo(bytes("mine"));
  }

  @Test
  void twoWritersRacingForOneKeyGetExactlyOneWinner() throws Exception {
    Target other = again();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        String key = "locks/race-" + round;
        List<Callable<Boolean>> both =
            List.of(
                () -> target.putIfAbsent(key, bytes("a")),
                () -> other.putIfAbsent(key, bytes("b")));
        List<Boolean> won = new ArrayList<>();
        for (Future<Boolean> f : pool.invokeAll(both)) {
          won.add(f.get());
        }

        assertThat(won).as("round %d", round).containsExactlyInAnyOrder(true, false);
        String stored = new String(other.get(key), StandardCharsets.UTF_8);
        assertThat(stored).isEqualTo(won.get(0) ? "a" : "b");
      }
    } finally {
      pool.shutdownNow();
      other.close();
    }
  }

  @Test
  void listReturnsTheKeysUnderAPrefixOnly() throws Exception {
    target.put("blobs/ab/ab01", bytes("1"));
    target.put("blobs/cd/cd02", bytes("2"));
    target.put("snapshots/s1", bytes("3"));
    target.put("config", bytes("4"));

    assertThat(target.list("blobs/")).containsExactlyInAnyOrder("blobs/ab/ab01", "blobs/cd/cd02");
    assertThat(target.list("snapshots/")).containsExactly("snapshots/s1");
    assertThat(target.list("locks/")).isEmpty();
    assertThat(target.list(""))
        .containsExactlyInAnyOrder("blobs/ab/ab01", "blobs/cd/cd02", "snapshots/s1", "config");
  }

  @Test
  void listSizesGivesEachKeysStoredSize() throws Exception {
    target.put("blobs/ab/ab01", bytes("12345"));
    target.put("blobs/cd/cd02", new byte[0]);
    target.put("snapshots/s1", bytes("x"));

    assertThat(target.listSizes("blobs/"))
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("blobs/ab/ab01", 5L, "blobs/cd/cd02", 0L));
  }

  @Test
  void deleteRemovesAndDeletingTwiceIsNoError() throws Exception {
    target.put("locks/l1", bytes("held"));

    target.delete("locks/l1");
    target.delete("locks/l1");
    target.flush();

    assertThat(target.list("locks/")).isEmpty();
    assertThat(target.size("locks/l1")).isEmpty();
  }

  @Test
  void batchedObjectsAreVisibleToAnotherReaderAfterFlush() throws Exception {
    for (int i = 0; i < 20; i++) {
      target.putBatched("blobs/0" + (i % 4) + "/0" + (i % 4) + "blob" + i, bytes("blob " + i));
    }
    target.flush();
    target.put("snapshots/with-blobs", bytes("manifest"));

    Target reader = again();
    try {
      assertThat(reader.list("blobs/")).hasSize(20);
      assertThat(reader.get("blobs/03/03blob7")).isEqualTo(bytes("blob 7"));
      assertThat(reader.get("snapshots/with-blobs")).isEqualTo(bytes("manifest"));
    } finally {
      reader.close();
    }
  }

  @Test
  void aBatchedPrefixOfAReusedBufferIsStoredAsItWasAtTheCall() throws Exception {
    byte[] buffer = bytes("first object, then more");
    target.putBatched("blobs/ee/ee01", buffer, 12);
    Arrays.fill(buffer, (byte) 'x');
    target.flushAhead();
    target.putBatched("blobs/ee/ee02", buffer, 3);
    target.flush();

    Target reader = again();
    try {
      assertThat(reader.get("blobs/ee/ee01")).isEqualTo(bytes("first object"));
      assertThat(reader.get("blobs/ee/ee02")).isEqualTo(bytes("xxx"));
    } finally {
      reader.close();
    }
  }

  @Test
  void removeLeftoversKeepsEveryCommittedObject() throws Exception {
    target.put("snapshots/kept", bytes("kept"));
    target.put("blobs/aa/aa11", bytes("kept too"));

    assertThat(target.removeLeftovers(Instant.MAX)).isGreaterThanOrEqualTo(0);

    assertThat(target.list("")).containsExactlyInAnyOrder("snapshots/kept", "blobs/aa/aa11");
  }

  @Test
  void describeNamesThePlaceWithoutSecrets() {
    assertThat(target.describe())
        .doesNotContain(S3Server.CREDENTIALS.secretKey())
        .doesNotContain(S3Server.CREDENTIALS.accessKey());
  }
}
