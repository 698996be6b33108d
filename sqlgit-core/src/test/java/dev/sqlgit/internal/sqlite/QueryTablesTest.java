package dev.sqlgit.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Read sets for live queries: across database swaps and schema changes. */
class QueryTablesTest {
  private final QueryTables tables = new QueryTables();

  @Test
  void aSwappedDatabaseWithTheSameSchemaVersionButOtherRootPagesIsAnalysedAfresh() {
    try (SqliteDb first = SqliteDb.openMemory("first");
        SqliteDb second = SqliteDb.openMemory("second")) {
      first.execScript("CREATE TABLE a(x); CREATE TABLE b(y);");
      second.execScript("CREATE TABLE b(y); CREATE TABLE a(x);"); // a and b swap root pages
      assertThat(Schema.version(first)).isEqualTo(Schema.version(second));
      assertThat(tables.of(first, "SELECT 1 FROM b")).containsExactly("b");
      assertThat(tables.of(second, "SELECT x FROM a")).containsExactly("a");
    }
  }

  @Test
  void theGenerationMovesWithTheSchemaNotWithTheData() {
    try (SqliteDb db = SqliteDb.openMemory("t")) {
      db.execScript("CREATE TABLE a(x); CREATE TABLE b(y); CREATE VIEW v AS SELECT x FROM a;");
      long g0 = tables.schemaGeneration(db);
      assertThat(tables.of(db, "SELECT * FROM v")).containsExactly("a");
      db.exec("INSERT INTO a VALUES (1)");
      assertThat(tables.schemaGeneration(db)).isEqualTo(g0);
      try (SqliteDb copy = db.copy("copy")) {
        assertThat(tables.schemaGeneration(copy)).as("same schema, other database").isEqualTo(g0);
      }
      db.execScript("DROP VIEW v; CREATE VIEW v AS SELECT y FROM b;");
      assertThat(tables.schemaGeneration(db)).isGreaterThan(g0);
      assertThat(tables.of(db, "SELECT * FROM v")).containsExactly("b");
    }
  }
}
