package io.nxs.core.audit;

import java.time.Instant;

/**
 * A signed head of the audit chain, as kept off the machine (ADR 0020): the newest entry's seq and
 * hash with its Ed25519 signature. The hash covers every earlier entry through the chain, so a log
 * that no longer holds this hash at this seq was rolled back or rewritten.
 *
 * @param seq the head entry's sequence number
 * @param hash its hash, lower-case hex SHA-256
 * @param signature the Ed25519 signature over the hash, base64
 * @param takenAt when the copy was taken (not covered by the signature)
 */
public record AuditCheckpoint(long seq, String hash, String signature, Instant takenAt) {}
