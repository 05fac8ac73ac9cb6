package io.nxs.audit.internal;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key an audit log was signed with, and which entries each one signed (SEC5).
 *
 * <p>A rotation is an entry of its own, {@value #ROTATED}, committed alone and signed by the key it
 * retires; its details name the retired key ({@code previous_key}), the new one ({@code key}) and
 * carry the new key's signature over the retired one ({@code handover}). Trust therefore runs both
 * ways through the chain: the retired key vouches for the new key by signing the hand-over entry,
 * and the new key vouches for the retired one by the hand-over signature. The ring is derived
 * backwards from the one key a verifier trusts — the current {@code audit-signing.pub}, as before
 * any rotation — so no extra file has to be kept or backed up: the chain is the key history.
 *
 * <p>Entry seq {@code s} is signed by the key in force at {@code s}: the genesis key up to and
 * including the first hand-over entry, the next key after it, and so on. Head, anchor, archive and
 * checkpoint signatures are made with whatever key was current when they were written, so they are
 * checked against every key of the ring.
 */
public final class KeyRing {

  /** The event type of a hand-over entry. */
  public static final String ROTATED = "audit.key_rotated";

  /** The domain of the new key's signature over the retired key. */
  static final String HANDOVER_DOMAIN = "handover";

  /** One hand-over as the chain records it. */
  public record HandOver(long seq, String previousKey, String key, String signature) {

    /** Reads a hand-over entry's details; empty when they lack a field. */
    public static Optional<HandOver> of(long seq, Map<String, Object> details) {
      if (details.get("previous_key") instanceof String prev
          && details.get("key") instanceof String key
          && details.get("handover") instanceof String sig) {
        return Optional.of(new HandOver(seq, prev, key, sig));
      }
      return Optional.empty();
    }
  }

  /** A derived ring, or where the hand-overs stop leading to the trusted key. */
  public record Derivation(KeyRing ring, long badSeq, String problem) {
    public boolean ok() {
      return ring != null;
    }
  }

  private final List<SigningKeys> keys;
  private final long[] handOvers;

  private KeyRing(List<SigningKeys> keys, long[] handOvers) {
    this.keys = List.copyOf(keys);
    this.handOvers = handOvers;
  }

  /** The ring of a log that was never rotated. */
  public static KeyRing single(SigningKeys current) {
    return new KeyRing(List.of(current), new long[0]);
  }

  /**
   * Derives the ring from the hand-overs in chain order, trusting {@code current} only.
   *
   * @param current the key the verifier trusts (the current public key)
   * @param inChainOrder every hand-over entry of the log, archives included
   */
  public static Derivation derive(SigningKeys current, List<HandOver> inChainOrder) {
    List<SigningKeys> keys = new ArrayList<>();
    SigningKeys expected = current;
    keys.add(current);
    for (int i = inChainOrder.size() - 1; i >= 0; i--) {
      HandOver h = inChainOrder.get(i);
      if (!expected.publicKeyBase64().equals(h.key())) {
        return new Derivation(
            null,
            h.seq(),
            "the key hand-over hands over to a key that is not the one the log is signed with"
                + " after it (key "
                + expected.id()
                + ")");
      }
      SigningKeys previous;
      try {
        previous = SigningKeys.fromPublicBase64(h.previousKey());
      } catch (IllegalArgumentException e) {
        return new Derivation(null, h.seq(), "the key hand-over names no valid retired key");
      }
      if (!expected.verify(HANDOVER_DOMAIN, digest(h.previousKey()), h.signature())) {
        return new Derivation(
            null,
            h.seq(),
            "the key hand-over is not signed by the key it hands over to: the retired key it names"
                + " cannot be trusted");
      }
      keys.addFirst(previous);
      expected = previous;
    }
    long[] seqs = inChainOrder.stream().mapToLong(HandOver::seq).toArray();
    return new Derivation(new KeyRing(keys, seqs), 0, null);
  }

  /** What the new key signs to vouch for the retired one: the SHA-256 of its X.509 encoding. */
  public static byte[] digest(String previousKeyBase64) {
    try {
      return SigningKeys.sha256(Base64.getDecoder().decode(previousKeyBase64));
    } catch (IllegalArgumentException e) {
      return new byte[32];
    }
  }

  /** Whether {@code signature} is the signature of the key in force at {@code seq}. */
  public boolean verifyAt(long seq, String domain, byte[] value, String signature) {
    return keyAt(seq).verify(domain, value, signature);
  }

  /** Whether {@code signature} is the signature of any key of the ring. */
  public boolean verifyAny(String domain, byte[] value, String signature) {
    for (SigningKeys k : keys) {
      if (k.verify(domain, value, signature)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code seq} is a hand-over entry. */
  public boolean isHandOver(long seq) {
    for (long h : handOvers) {
      if (h == seq) {
        return true;
      }
    }
    return false;
  }

  /** How many keys signed the log: 1 for a log never rotated. */
  public int size() {
    return keys.size();
  }

  private SigningKeys keyAt(long seq) {
    int i = 0;
    while (i < handOvers.length && handOvers[i] < seq) {
      i++;
    }
    return keys.get(i);
  }
}
