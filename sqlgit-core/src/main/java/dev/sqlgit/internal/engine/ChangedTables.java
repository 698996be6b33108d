package dev.sqlgit.internal.engine;

import java.util.HashSet;
import java.util.Set;

/**
 * Accumulates the tables that committed work changed, for live queries to re-run exactly the
 * queries that read them. Written by the replica's writer, drained by whoever delivers changes.
 */
final class ChangedTables {
  /** Stands for "every table": the change could not be pinned down. */
  static final String ALL = "*";

  private Set<String> tables = new HashSet<>();

  synchronized void add(Set<String> changed) {
    tables.addAll(changed);
  }

  /** Returns what accumulated and starts over. */
  synchronized Set<String> take() {
    Set<String> out = tables;
    tables = new HashSet<>();
    return out;
  }
}
