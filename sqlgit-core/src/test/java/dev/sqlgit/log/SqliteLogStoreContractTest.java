package dev.sqlgit.log;

import java.nio.file.Path;

class SqliteLogStoreContractTest extends LogStoreContract {
  @Override
  protected LogStore openStore(Path dir) {
    return SqliteLogStore.open(dir.resolve("logs.db"));
  }
}
