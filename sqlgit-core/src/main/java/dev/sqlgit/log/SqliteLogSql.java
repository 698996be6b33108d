package dev.sqlgit.log;

/**
 * The SQL of a {@link SqliteLogStore} for one {@link SqliteLogStore.Tables} pair. Identifiers are
 * validated by {@code Tables} and quoted here, so a name that is also a keyword still works.
 */
record SqliteLogSql(
    String createMeta,
    String createRecords,
    String lastSeq,
    String meta,
    String appendMeta,
    String insertRecord,
    String deleteRecords,
    String replaceMeta,
    String deleteMeta,
    String listIds,
    String loadFrom) {

  static SqliteLogSql of(SqliteLogStore.Tables tables) {
    String m = '"' + tables.meta() + '"';
    String r = '"' + tables.records() + '"';
    return new SqliteLogSql(
        "CREATE TABLE IF NOT EXISTS "
            + m
            + " (doc_id TEXT PRIMARY KEY, count INTEGER NOT NULL,"
            + " last_seq INTEGER NOT NULL, generation INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS "
            + r
            + " (doc_id TEXT NOT NULL, seq INTEGER NOT NULL,"
            + " data TEXT NOT NULL, PRIMARY KEY (doc_id, seq)) WITHOUT ROWID",
        "SELECT last_seq FROM " + m + " WHERE doc_id = ?",
        "SELECT count, last_seq, generation FROM " + m + " WHERE doc_id = ?",
        // A new document starts at generation 1; appends keep the generation.
        "INSERT INTO "
            + m
            + " (doc_id, count, last_seq, generation) VALUES (?, 1, ?, 1)"
            + " ON CONFLICT (doc_id) DO UPDATE SET count = count + 1, last_seq = excluded.last_seq",
        "INSERT INTO " + r + " (doc_id, seq, data) VALUES (?, ?, ?)",
        "DELETE FROM " + r + " WHERE doc_id = ?",
        "INSERT INTO "
            + m
            + " (doc_id, count, last_seq, generation) VALUES (?, ?, ?, 1)"
            + " ON CONFLICT (doc_id) DO UPDATE SET count = excluded.count,"
            + " last_seq = excluded.last_seq, generation = generation + 1",
        "DELETE FROM " + m + " WHERE doc_id = ?",
        // LIKE does the literal prefix match (wildcards escaped, see SqliteLogStore.likePrefix) but
        // ignores ASCII case; the substr comparison makes it case-sensitive. Both count characters.
        "SELECT doc_id FROM "
            + m
            + " WHERE doc_id LIKE ? ESCAPE '\\'"
            + " AND substr(doc_id, 1, length(?)) = ?",
        "SELECT seq, data FROM " + r + " WHERE doc_id = ? AND seq >= ? ORDER BY seq");
  }
}
