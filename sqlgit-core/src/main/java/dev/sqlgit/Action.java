package dev.sqlgit;

/**
 * A named, deterministic write: it reads and writes only through {@code db}, with everything that
 * varies (ids, timestamps, random choices) passed in {@code params}. It runs inside a savepoint; if
 * it throws, none of its statements remain.
 *
 * <pre>{@code
 * Action<Note> addNote = (db, n) -> db.exec("INSERT INTO notes VALUES (?, ?)", n.id(), n.body());
 * }</pre>
 *
 * @param <P> the parameter type, bound from JSON by Jackson
 */
@FunctionalInterface
public interface Action<P> {
  void apply(Db db, P params) throws Exception;
}
