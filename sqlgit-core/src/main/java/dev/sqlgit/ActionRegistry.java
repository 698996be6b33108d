package dev.sqlgit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlgit.internal.engine.ActionCatalog;
import dev.sqlgit.internal.engine.Migration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The named actions every peer of a cluster shares. Build it once, the same on every peer.
 *
 * <pre>{@code
 * record Note(String id, String body) {}
 * ActionRegistry actions = ActionRegistry.builder()
 *     .action("init", (db, p) -> db.exec("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT)"))
 *     .action("add_note", Note.class, (db, n) -> db.exec("INSERT INTO notes VALUES (?, ?)", n.id(), n.body()))
 *     .build();
 * }</pre>
 *
 * <p>Params travel as JSON: {@link Peer#submit} turns whatever it is given into a Jackson tree,
 * and typed actions get it back bound to their class, so the author and every replica run the
 * action on exactly the same input. Immutable and thread-safe.
 */
public final class ActionRegistry {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]{0,127}");

  private final Map<String, Registered<?>> actions;
  private final List<Migration> migrations;
  private final ObjectMapper json;

  private ActionRegistry(Map<String, Registered<?>> actions, List<Migration> migrations, ObjectMapper json) {
    this.actions = Map.copyOf(actions);
    this.migrations = List.copyOf(migrations);
    this.json = json;
  }

  /** Starts an empty registry. */
  public static Builder builder() {
    return new Builder();
  }

  /** The registered names. */
  public Set<String> names() {
    return actions.keySet();
  }

  /** Whether {@code name} is registered. */
  public boolean contains(String name) {
    return actions.containsKey(name);
  }

  /** The newest schema version: the number of migrations declared (0 without any). */
  public int schemaVersion() {
    return migrations.size();
  }

  /** The bridge the engine uses to run actions; not part of the public API. */
  ActionCatalog catalog() {
    return new ActionCatalog() {
      @Override
      public boolean contains(String name) {
        return actions.containsKey(name);
      }

      @Override
      public void apply(String name, Db db, JsonNode params) throws Exception {
        Registered<?> action = actions.get(name);
        if (action == null) {
          throw new UnknownActionException(name);
        }
        action.apply(db, params, json);
      }

      @Override
      public List<Migration> migrations() {
        return migrations;
      }

      @Override
      public JsonNode toJson(Object params) {
        if (params instanceof JsonNode) {
          return ((JsonNode) params).deepCopy();
        }
        try {
          return params == null ? json.nullNode() : json.valueToTree(params);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "params of type " + params.getClass().getName() + " are not JSON-serialisable", e);
        }
      }
    };
  }

  private record Registered<P>(Class<P> type, Action<P> fn) {
    void apply(Db db, JsonNode params, ObjectMapper json) throws Exception {
      P bound;
      if (type == JsonNode.class) {
        bound = type.cast(params);
      } else {
        try {
          bound = json.treeToValue(params, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "params do not bind to " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
      }
      fn.apply(db, bound);
    }
  }

  /** Collects actions and migrations; not thread-safe. */
  public static final class Builder {
    private final Map<String, Registered<?>> actions = new LinkedHashMap<>();
    private final List<Migration> migrations = new ArrayList<>();
    private ObjectMapper json = new ObjectMapper();

    private Builder() {}

    /** Registers an untyped action: its params arrive as Jackson's {@link JsonNode}. */
    public Builder action(String name, Action<JsonNode> fn) {
      return action(name, JsonNode.class, fn);
    }

    /** Registers a typed action: its params are bound to {@code type} (a record, say) by Jackson. */
    public <P> Builder action(String name, Class<P> type, Action<P> fn) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(fn, "fn");
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "action name must match " + NAME.pattern() + ": " + name);
      }
      if (actions.putIfAbsent(name, new Registered<>(type, fn)) != null) {
        throw new IllegalArgumentException("action '" + name + "' is registered twice");
      }
      return this;
    }

    /**
     * Uses {@code mapper} to turn params into JSON and back (for example with extra modules). It
     * must be configured the same way on every peer.
     */
    public Builder objectMapper(ObjectMapper mapper) {
      this.json = Objects.requireNonNull(mapper, "mapper");
      return this;
    }

    /**
     * Declares replicated schema: migration number {@code version} of {@code feature}. Versions run
     * 1, 2, 3, … across the whole registry, in the order declared, and form an append-only list:
     * never edit or remove one that shipped, add the next number instead.
     *
     * <pre>{@code
     * .migration(1, "notes", "CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT)")
     * .migration(2, "notes", "ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")
     * }</pre>
     *
     * <p>Every log entry records the schema version of the code that wrote it. Each replica
     * applies migration N just before the first entry, in master order, that was written with
     * version N or later, so all replicas apply it at the same point of history (and the snapshot
     * records which are in). An entry from newer code than a replica knows stops that replica with
     * {@link SchemaTooNewException}; older entries apply normally.
     */
    public Builder migration(int version, String feature, String sql) {
      Objects.requireNonNull(feature, "feature");
      Objects.requireNonNull(sql, "sql");
      if (version != migrations.size() + 1) {
        throw new IllegalArgumentException(
            "migration versions run 1, 2, 3, … in order: expected " + (migrations.size() + 1) + ", got " + version);
      }
      migrations.add(new Migration(version, feature, sql));
      return this;
    }

    public ActionRegistry build() {
      return new ActionRegistry(actions, migrations, json);
    }
  }
}
