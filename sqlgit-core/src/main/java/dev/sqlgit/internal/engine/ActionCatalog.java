package dev.sqlgit.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlgit.Db;

/** What the engine needs from an {@link dev.sqlgit.ActionRegistry}: look up, convert, run. */
public interface ActionCatalog {
  boolean contains(String name);

  /** Runs action {@code name} on {@code db}; throws whatever the action throws. */
  void apply(String name, Db db, JsonNode params) throws Exception;

  /** The replicated schema migrations, in version order (version N at index N-1). */
  java.util.List<Migration> migrations();

  /** Turns submit params (a record, a map, a tree) into the JSON the logs carry. */
  JsonNode toJson(Object params);
}
