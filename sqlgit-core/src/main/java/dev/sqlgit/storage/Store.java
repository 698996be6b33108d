package dev.sqlgit.storage;

import dev.sqlgit.Db;
import java.util.List;
import java.util.function.Supplier;

/**
 * The storage seam (SPEC §4): plain SQL on one local database plus transactions, per-feature
 * migrations and an explicit durability point. Small on purpose, so another backend is a few
 * methods away; there is no ORM or query builder here.
 *
 * <pre>{@code
 * try (Store store = SqliteStore.open(Path.of("app.db"), StoreOptions.defaults())) {
 *   store.migrate("todos", List.of("CREATE TABLE todos(id INTEGER PRIMARY KEY, title TEXT)"));
 *   long id = store.exec("INSERT INTO todos(title) VALUES (?)", "milk").lastId();
 *   store.tx(() -> {
 *     store.exec("UPDATE todos SET title = ? WHERE id = ?", "oat milk", id);
 *     store.exec("DELETE FROM todos WHERE id <> ?", id);
 *   });
 *   List<Row> rows = store.query("SELECT * FROM todos");
 * }
 * }</pre>
 *
 * <p>Thread-safe: any thread may call any method. Writes are serialised on one writer; reads from
 * other threads do not wait for it. Inside {@code tx(fn)} the calling thread owns the writer until
 * {@code fn} returns, so {@code fn} must not wait for another thread that writes to this store.
 * Errors are unchecked: {@link dev.sqlgit.StorageException} from SQLite, {@link
 * dev.sqlgit.ClosedException} after {@link #close()}.
 *
 * <p>Transactions belong to the store: use {@code tx}, never {@code BEGIN}, {@code COMMIT} or
 * {@code SAVEPOINT} statements through {@code exec}.
 */
public interface Store extends Db, AutoCloseable {

  /**
   * Runs {@code fn} atomically and returns what it returns: every write it makes through this store
   * is kept when it returns and undone when it throws (the exception is rethrown unchanged). Nested
   * calls are savepoints, so an inner {@code tx} that throws undoes only its own writes. Reads
   * inside {@code fn} see its writes.
   *
   * @throws dev.sqlgit.StorageException when SQLite fails to begin or commit
   */
  <T> T tx(Supplier<T> fn);

  /** Runs {@code fn} atomically, as {@link #tx(Supplier)} without a result. */
  default void tx(Runnable fn) {
    tx(
        () -> {
          fn.run();
          return null;
        });
  }

  /**
   * Brings {@code feature}'s schema up to date: applies, in order, each entry of the append-only
   * list {@code migrations} that has not been applied yet, each in its own transaction. An entry
   * may hold several {@code ;}-separated statements. Forward only.
   *
   * @throws MigrationChangedException when an applied entry was edited or removed
   * @throws MigrationOwnershipException when an entry touches a table another feature created (the
   *     entry is rolled back)
   * @throws IllegalStateException when called inside {@link #tx(Supplier)}
   */
  void migrate(String feature, List<String> migrations);

  /**
   * Makes every write that returned before this call committed (a durability point for the write
   * queue; with the queue off writes are already committed and this does nothing).
   *
   * @throws dev.sqlgit.StorageException when a batch could not be committed since the last flush
   * @throws IllegalStateException when called inside {@link #tx(Supplier)}
   */
  void flush();

  /** Commits pending writes, then releases every connection and thread. Idempotent. */
  @Override
  void close();
}
