package dev.sqlgit.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.StorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SqliteDb#schemaVersion} caches the versions between statements that cannot change a
 * schema; every way a schema can change (DDL, ROLLBACK, a failed statement) must show.
 */
class SchemaVersionCacheTest {
  private SqliteDb db;

  @BeforeEach
  void open() {
    db = SqliteDb.openMemory("t");
    db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** The version as SQLite reports it, bypassing the cache. */
  private long actual(String schema) {
    return db.scalar("PRAGMA " + schema + ".schema_version");
  }

  private void assertCurrent() {
    long main = db.schemaVersion("main");
    long temp = db.schemaVersion("temp");
    assertThat(main).isEqualTo(actual("main"));
    assertThat(temp).isEqualTo(actual("temp"));
  }

  @Test
  void followsDdlInMainAndTemp() {
    long before = db.schemaVersion("main");
    db.exec("INSERT INTO t(v) VALUES ('a')");
    assertThat(db.schemaVersion("main")).isEqualTo(before);
    db.exec("CREATE INDEX t_v ON t(v)");
    assertThat(db.schemaVersion("main")).isGreaterThan(before);
    long temp = db.schemaVersion("temp");
    db.internalExec("CREATE TEMP TABLE scratch(x)");
    assertThat(db.schemaVersion("temp")).isGreaterThan(temp);
    assertCurrent();
  }

  @Test
  void followsARollbackThatUndoesDdl() {
    db.exec("BEGIN");
    db.exec("CREATE TABLE u(x)");
    db.internalExec("CREATE TEMP TABLE scratch(x)");
    long inside = db.schemaVersion("main");
    db.exec("ROLLBACK");
    assertThat(db.schemaVersion("main")).isLessThan(inside);
    assertCurrent();
  }

  @Test
  void followsASavepointRolledBack() throws Exception {
    long before = db.schemaVersion("main");
    assertThatThrownBy(() -> db.savepoint(() -> {
      db.exec("CREATE TABLE u(x)");
      assertThat(db.schemaVersion("main")).isGreaterThan(before);
      throw new IllegalStateException("undo");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(db.schemaVersion("main")).isEqualTo(before);
    assertCurrent();
  }

  @Test
  void followsAFailedStatementThatRolledTheTransactionBack() {
    db.exec("CREATE TRIGGER no_x BEFORE INSERT ON t WHEN NEW.v = 'x' BEGIN SELECT RAISE(ROLLBACK, 'no x'); END");
    db.exec("BEGIN");
    db.exec("CREATE TABLE u(x)");
    long inside = db.schemaVersion("main");
    assertThatThrownBy(() -> db.exec("INSERT INTO t(v) VALUES ('x')")).isInstanceOf(StorageException.class);
    assertThat(db.schemaVersion("main")).isLessThan(inside);
    assertCurrent();
  }

  @Test
  void recognisesStatementsThatCannotChangeASchema() {
    assertThat(SchemaNeutral.is("  insert into t values (1)")).isTrue();
    assertThat(SchemaNeutral.is("SELECT 1")).isTrue();
    assertThat(SchemaNeutral.is("WITH x AS (SELECT 1) SELECT * FROM x")).isTrue();
    assertThat(SchemaNeutral.is("SAVEPOINT sp1")).isTrue();
    assertThat(SchemaNeutral.is("RELEASE sp1")).isTrue();
    assertThat(SchemaNeutral.is("COMMIT")).isTrue();
    assertThat(SchemaNeutral.is("ROLLBACK TO sp1")).isFalse();
    assertThat(SchemaNeutral.is("ROLLBACK")).isFalse();
    assertThat(SchemaNeutral.is("CREATE TABLE x(a)")).isFalse();
    assertThat(SchemaNeutral.is("PRAGMA user_version = 3")).isFalse();
    assertThat(SchemaNeutral.is("-- comment\nSELECT 1")).isFalse();
    assertThat(SchemaNeutral.is("SELECTED")).isFalse();
    assertThat(SchemaNeutral.is("DELETE_ALL()")).isFalse();
  }
}
