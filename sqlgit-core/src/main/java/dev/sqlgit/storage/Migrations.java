package dev.sqlgit.storage;

import dev.sqlgit.Row;
import dev.sqlgit.internal.sqlite.SqliteDb;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-feature, forward-only migrations (SPEC §4). Each entry of a feature's append-only list runs
 * once, in its own transaction, under an {@link OwnershipGuard}; the transaction also records the
 * entry in {@code _sqlgit_migrations(feature, idx, sha256)} and the tables it created in {@code
 * _sqlgit_table_owners(tbl, feature)}, so a crash never leaves an entry applied but unrecorded.
 *
 * <p>The SHA-256 of each applied entry's exact text is recorded: an edited or removed entry is
 * refused with {@link MigrationChangedException} before anything runs. Several processes may
 * migrate one file: {@code BEGIN IMMEDIATE} serialises them and each entry is re-checked inside its
 * transaction, so whichever process comes second skips what the first applied.
 *
 * <p>Callers hold the writer's lock with no transaction open; not thread-safe on its own.
 */
final class Migrations {
  private final Writer writer;
  private boolean bookkeepingReady;

  Migrations(Writer writer) {
    this.writer = writer;
  }

  void apply(String feature, List<String> entries) {
    SqliteDb db = writer.db();
    ensureBookkeeping(db);
    List<String> hashes = new ArrayList<>(entries.size());
    for (String entry : entries) {
      hashes.add(sha256(entry));
    }
    Map<Integer, String> applied = applied(db, feature);
    for (Map.Entry<Integer, String> done : applied.entrySet()) {
      int idx = done.getKey();
      if (idx >= entries.size()) {
        throw new MigrationChangedException(
            feature, idx, "was applied but is missing from the list (" + entries.size() + " given)");
      }
      if (!hashes.get(idx).equals(done.getValue())) {
        throw edited(feature, idx, done.getValue(), hashes.get(idx));
      }
    }
    for (int idx = 0; idx < entries.size(); idx++) {
      if (!applied.containsKey(idx)) {
        applyOne(db, feature, idx, entries.get(idx), hashes.get(idx));
      }
    }
  }

  private void applyOne(SqliteDb db, String feature, int idx, String entry, String hash) {
    writer.begin();
    try {
      Optional<String> recorded =
          db.one("SELECT sha256 FROM _sqlgit_migrations WHERE feature = ? AND idx = ?", String.class,
              feature, idx);
      if (recorded.isPresent()) {
        // Another process applied it while we waited for the write lock.
        if (!recorded.get().equals(hash)) {
          throw edited(feature, idx, recorded.get(), hash);
        }
      } else {
        OwnershipGuard guard = new OwnershipGuard(writer, feature, idx, owners(db));
        guard.run(entry);
        for (String table : guard.released()) {
          db.exec("DELETE FROM _sqlgit_table_owners WHERE tbl = ?", table);
        }
        for (String table : guard.claimed()) {
          db.exec("INSERT OR REPLACE INTO _sqlgit_table_owners(tbl, feature) VALUES (?, ?)", table,
              feature);
        }
        db.exec("INSERT INTO _sqlgit_migrations(feature, idx, sha256) VALUES (?, ?, ?)", feature,
            idx, hash);
      }
      writer.commit();
    } catch (RuntimeException | Error e) {
      writer.rollback();
      throw e;
    }
  }

  private void ensureBookkeeping(SqliteDb db) {
    if (bookkeepingReady) {
      return;
    }
    db.execScript(
        "CREATE TABLE IF NOT EXISTS _sqlgit_migrations("
            + "feature TEXT NOT NULL, idx INTEGER NOT NULL, sha256 TEXT NOT NULL,"
            + " PRIMARY KEY(feature, idx));"
            + "CREATE TABLE IF NOT EXISTS _sqlgit_table_owners("
            + "tbl TEXT PRIMARY KEY, feature TEXT NOT NULL)");
    bookkeepingReady = true;
  }

  private static Map<Integer, String> applied(SqliteDb db, String feature) {
    Map<Integer, String> out = new HashMap<>();
    for (Row r :
        db.query("SELECT idx, sha256 FROM _sqlgit_migrations WHERE feature = ?", feature)) {
      out.put(r.getLong("idx").intValue(), r.getString("sha256"));
    }
    return out;
  }

  private static Map<String, String> owners(SqliteDb db) {
    Map<String, String> out = new HashMap<>();
    for (Row r : db.query("SELECT tbl, feature FROM _sqlgit_table_owners")) {
      out.put(r.getString("tbl"), r.getString("feature"));
    }
    return out;
  }

  private static MigrationChangedException edited(
      String feature, int idx, String recorded, String now) {
    return new MigrationChangedException(
        feature,
        idx,
        "was edited after it was applied (sha256 "
            + recorded.substring(0, 12)
            + "… recorded, "
            + now.substring(0, 12)
            + "… now)");
  }

  static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return java.util.HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
