package dev.sqlgit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * An action in the master log, at canonical position {@code seq} (1, 2, 3, … with no gaps), with
 * the {@link Source} that authored it; {@code forced} when it was accepted under the force rule.
 */
public record MasterAction(long seq, String name, JsonNode params, Source source, boolean forced) {
  public MasterAction {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(source, "source");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1: " + seq);
    }
  }
}
