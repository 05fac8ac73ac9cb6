package io.nxs.core.cluster;

import java.util.regex.Pattern;

/**
 * A unit of work for the task queue (SPEC CL4).
 *
 * @param id unique id chosen by the submitter; a second submit with the same id is the same task
 *     (deduplicated, also across a healed split)
 * @param type what kind of work, e.g. {@code vault.drill}; a handler is registered per type
 * @param payload the handler's input, small text (JSON is usual)
 * @param movable whether the task is stateless or checkpointed, so rebalancing may move it before
 *     it runs
 * @param ioHeavy whether the task is I/O-heavy, so placement spreads such tasks
 * @param cacheKey a cache the task benefits from (an instance that ran the same key is preferred);
 *     empty for none
 */
public record TaskSpec(
    String id, String type, String payload, boolean movable, boolean ioHeavy, String cacheKey) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  public TaskSpec {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "task id must be 1-128 letters, digits, '.', '_', ':' or '-', but was '" + id + "'");
    }
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("task type must not be empty");
    }
    payload = payload == null ? "" : payload;
    cacheKey = cacheKey == null ? "" : cacheKey;
  }

  /** A movable, non-I/O-heavy task without cache affinity. */
  public static TaskSpec of(String id, String type, String payload) {
    return new TaskSpec(id, type, payload, true, false, "");
  }
}
