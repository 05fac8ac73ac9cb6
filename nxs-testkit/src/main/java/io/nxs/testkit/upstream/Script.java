package io.nxs.testkit.upstream;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link FakeUpstream} does with one request: a good answer, or one of the faults a real
 * provider shows. Immutable; each {@code with} method returns a changed copy.
 *
 * @param fault the fault, {@link Fault#NONE} for a good answer
 * @param status HTTP status for {@link Fault#STATUS}
 * @param retryAfter seconds for the {@code Retry-After} header, or -1 for none
 * @param headerDelay wait before the status line (slow first byte)
 * @param firstChunkDelay wait between the headers and the first content chunk (streaming)
 * @param chunkGap wait between later chunks (slow drip)
 * @param chunks the content pieces a good answer streams (joined for a plain answer)
 * @param cutAfter for {@link Fault#CUT}: content chunks sent before the connection drops
 * @param toolCalls whether a good answer streams tool-call deltas instead of text
 * @param rejectedKey for {@link Fault#REJECT_KEY}: the one API key that gets 401
 */
public record Script(
    Fault fault,
    int status,
    int retryAfter,
    Duration headerDelay,
    Duration firstChunkDelay,
    Duration chunkGap,
    List<String> chunks,
    int cutAfter,
    boolean toolCalls,
    String rejectedKey) {

  /** The faults of issue 3's matrix. */
  public enum Fault {
    /** A good answer. */
    NONE,
    /** Answer with {@link Script#status} (500, 503, 429 ...) and an OpenAI error body. */
    STATUS,
    /** Close the connection with a TCP reset as soon as the request is read. */
    RESET,
    /** Read the request and never answer. */
    HANG,
    /** 200 with a body that is not JSON (or, streaming, a chunk that is not JSON). */
    MALFORMED,
    /** Stream {@link Script#cutAfter} content chunks, then drop the connection. */
    CUT,
    /** 503 with the body local servers send while a model loads. */
    MODEL_LOADING,
    /** 401 when the request carries {@link Script#rejectedKey}; a good answer otherwise. */
    REJECT_KEY,
    /** 400 {@code context_length_exceeded}: the prompt is too long for this model. */
    CONTEXT_TOO_LONG,
    /**
     * A good stream up to {@code [DONE]}, but the body is never terminated: the connection stays
     * open.
     */
    HOLD_AFTER_DONE
  }

  public Script {
    Objects.requireNonNull(fault, "fault");
    chunks = List.copyOf(chunks);
  }

  /** A good answer streaming "Hello", " from", " upstream". */
  public static Script ok() {
    return new Script(
        Fault.NONE,
        200,
        -1,
        Duration.ZERO,
        Duration.ZERO,
        Duration.ZERO,
        List.of("Hello", " from", " upstream"),
        0,
        false,
        null);
  }

  public static Script status(int status) {
    return ok().with(Fault.STATUS).withStatus(status);
  }

  public static Script rateLimited(int retryAfterSeconds) {
    return status(429).withRetryAfter(retryAfterSeconds);
  }

  public static Script reset() {
    return ok().with(Fault.RESET);
  }

  public static Script hang() {
    return ok().with(Fault.HANG);
  }

  public static Script malformed() {
    return ok().with(Fault.MALFORMED);
  }

  public static Script cutAfter(int chunks) {
    return new Script(
        Fault.CUT,
        200,
        -1,
        Duration.ZERO,
        Duration.ZERO,
        Duration.ZERO,
        List.of("one", " two", " three", " four"),
        chunks,
        false,
        null);
  }

  public static Script modelLoading() {
    return ok().with(Fault.MODEL_LOADING);
  }

  public static Script rejectKey(String key) {
    return new Script(
        Fault.REJECT_KEY,
        200,
        -1,
        Duration.ZERO,
        Duration.ZERO,
        Duration.ZERO,
        ok().chunks(),
        0,
        false,
        key);
  }

  public static Script contextTooLong() {
    return ok().with(Fault.CONTEXT_TOO_LONG);
  }

  public static Script holdAfterDone() {
    return ok().with(Fault.HOLD_AFTER_DONE);
  }

  public static Script slowFirstByte(Duration delay) {
    return ok().withHeaderDelay(delay);
  }

  public static Script slowDrip(Duration gap) {
    return ok().withChunkGap(gap);
  }

  public Script with(Fault f) {
    return new Script(
        f,
        status,
        retryAfter,
        headerDelay,
        firstChunkDelay,
        chunkGap,
        chunks,
        cutAfter,
        toolCalls,
        rejectedKey);
  }

  public Script withStatus(int s) {
    return new Script(
        fault,
        s,
        retryAfter,
        headerDelay,
        firstChunkDelay,
        chunkGap,
        chunks,
        cutAfter,
        toolCalls,
        rejectedKey);
  }

  public Script withRetryAfter(int seconds) {
    return new Script(
        fault,
        status,
        seconds,
        headerDelay,
        firstChunkDelay,
        chunkGap,
        chunks,
        cutAfter,
        toolCalls,
        rejectedKey);
  }

  public Script withHeaderDelay(Duration d) {
    return new Script(
        fault,
        status,
        retryAfter,
        d,
        firstChunkDelay,
        chunkGap,
        chunks,
        cutAfter,
        toolCalls,
        rejectedKey);
  }

  public Script withFirstChunkDelay(Duration d) {
    return new Script(
        fault,
        status,
        retryAfter,
        headerDelay,
        d,
        chunkGap,
        chunks,
        cutAfter,
        toolCalls,
        rejectedKey);
  }

  public Script withChunkGap(Duration d) {
    return new Script(
        fault,
        status,
        retryAfter,
        headerDelay,
        firstChunkDelay,
        d,
        chunks,
        cutAfter,
        toolCalls,
        rejectedKey);
  }

  public Script withChunks(List<String> c) {
    return new Script(
        fault,
        status,
        retryAfter,
        headerDelay,
        firstChunkDelay,
        chunkGap,
        c,
        cutAfter,
        toolCalls,
        rejectedKey);
  }

  /** A good answer that streams a tool call ({@code get_weather}) in argument pieces. */
  public Script withToolCalls() {
    return new Script(
        fault,
        status,
        retryAfter,
        headerDelay,
        firstChunkDelay,
        chunkGap,
        chunks,
        cutAfter,
        true,
        rejectedKey);
  }
}
