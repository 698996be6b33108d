package dev.sqlgit.bench;

import dev.sqlgit.log.FolderLogStore;
import dev.sqlgit.log.LogRecord;
import dev.sqlgit.log.LogStore;
import dev.sqlgit.log.SqliteLogStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The LogStore backends: durable appends per second, and streaming {@code loadAll} of a
 * million-record document, with the heap it needs (it must stay flat, not grow with the document).
 */
final class LogStoreBench {
  private static final int APPENDS = 5_000;
  private static final int MILLION = 1_000_000;

  private LogStoreBench() {}

  static void run(PrintStream out) {
    ResultTable table = new ResultTable("logstore: appends and streaming loads",
        "backend", "appends/s", "loadAll records/s (1M)", "heap retained while streaming 1M (MB)");
    row(table, "SqliteLogStore", dir -> SqliteLogStore.open(dir.resolve("logs.db")));
    row(table, "FolderLogStore", FolderLogStore::open);
    table.print(out);
  }

  private static void row(ResultTable table, String name, Function<Path, LogStore> open) {
    Samples appends = new Samples();
    for (int round = 0; round < 4; round++) {
      try (LogStore store = open.apply(SyncBench.tempDir())) {
        long t0 = System.nanoTime();
        for (int i = 0; i < APPENDS; i++) {
          store.append("bob", record(i));
        }
        if (round > 0) {
          appends.add(System.nanoTime() - t0);
        }
      }
    }
    try (LogStore store = open.apply(SyncBench.tempDir())) {
      fill(store);
      long[] heap = new long[2];
      Samples loads = new Samples();
      for (int round = 0; round < 3; round++) {
        gc();
        long before = used();
        long t0 = System.nanoTime();
        long[] count = {0};
        long[] peak = {before};
        boolean[] measureHeap = {round == 0}; // the timed rounds do not stop for collections
        try (Stream<LogRecord> records = store.loadAll("bob")) {
          records.forEach(r -> {
            if (++count[0] % 200_000 == 0 && measureHeap[0]) {
              gc(); // retained memory only: garbage between collections is not growth
              peak[0] = Math.max(peak[0], used());
            }
          });
        }
        if (round > 0) {
          loads.add(System.nanoTime() - t0);
        }
        if (count[0] != MILLION) {
          throw new IllegalStateException("streamed " + count[0] + " records, expected " + MILLION);
        }
        heap[0] = Math.max(heap[0], peak[0] - before);
      }
      table.row(name, (long) (APPENDS / (appends.medianMillis() / 1000.0)),
          (long) (MILLION / (loads.medianMillis() / 1000.0)), heap[0] / (1024.0 * 1024.0));
    }
  }

  /** One million records, written with a single replace in chunks of lists to keep setup quick. */
  private static void fill(LogStore store) {
    List<String> all = new ArrayList<>(MILLION);
    for (int i = 0; i < MILLION; i++) {
      all.add(record(i));
    }
    store.replace("bob", all);
  }

  private static String record(int i) {
    return "{\"kind\":\"action\",\"seq\":" + (i + 1)
        + ",\"name\":\"deposit\",\"params\":{\"tx\":\"t" + i + "\",\"amount\":5},\"baseMasterSeq\":0}";
  }

  private static long used() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static void gc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
  }
}
