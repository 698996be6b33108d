package dev.sqlgit.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** One submit waiting for its batch: an action name and its params as JSON. */
public record Submission(String name, JsonNode params) {
  public Submission {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(params, "params");
  }
}
