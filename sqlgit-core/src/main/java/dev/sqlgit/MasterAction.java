package dev.sqlgit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * An action in the master log, at canonical position {@code seq} (1, 2, 3, … with no gaps), with
 * the {@link Source} that authored it; {@code forced} when it was accepted under the force rule;
 * {@code schema} the schema version of the code that wrote it (0 without migrations).
 */
public record MasterAction(
    long seq, String name, JsonNode params, Source source, boolean forced, int schema) {
  public MasterAction {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(source, "source");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1: " + seq);
    }
    if (schema < 0) {
      throw new IllegalArgumentException("schema must be >= 0: " + schema);
    }
  }

  /** An action written by code without migrations (schema 0). */
  public MasterAction(long seq, String name, JsonNode params, Source source, boolean forced) {
    this(seq, name, params, source, forced, 0);
  }
}
