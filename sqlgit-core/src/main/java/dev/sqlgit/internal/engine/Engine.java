package dev.sqlgit.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlgit.PeerAction;
import dev.sqlgit.Resolver;
import dev.sqlgit.SyncReport;
import dev.sqlgit.internal.sqlite.SqliteDb;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A replica's writer: the master's or a peer's. Callers serialise {@link #submit}, {@link #sync}
 * and {@link #close}; {@link #read} may run concurrently with them.
 */
public interface Engine {
  void submit(String name, JsonNode params);

  SyncReport sync(Resolver resolver);

  long masterHead();

  List<PeerAction> pending();

  /**
   * The lower-case names of the tables that committed work changed since the last call, and
   * clears them; {@link ChangedTables#ALL} among them means "could not tell: assume every table".
   * Speculative checks and rolled-back work never appear.
   */
  Set<String> takeChangedTables();

  /** Runs {@code body} on the current state, which stays stable for the length of the call. */
  <T> T read(Function<SqliteDb, T> body);

  void close();
}
