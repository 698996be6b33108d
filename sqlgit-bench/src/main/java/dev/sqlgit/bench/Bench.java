package dev.sqlgit.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs sqlgit's benchmark suites and prints their tables: {@code ./sqlgit bench [suite...]}.
 * With no argument every suite runs. Each suite is a plain class with a {@code run(PrintStream)}.
 */
public final class Bench {
  private Bench() {}

  /** Suites by name, in the order they run. */
  static Map<String, Consumer<PrintStream>> suites() {
    Map<String, Consumer<PrintStream>> suites = new LinkedHashMap<>();
    suites.put("sync", SyncBench::run);
    suites.put("submit", SubmitBench::run);
    suites.put("storage", StorageBench::run);
    suites.put("logstore", LogStoreBench::run);
    suites.put("live", LiveBench::run);
    return suites;
  }

  public static void main(String[] args) {
    Map<String, Consumer<PrintStream>> suites = suites();
    List<String> chosen = args.length == 0 ? List.copyOf(suites.keySet()) : List.of(args);
    for (String name : chosen) {
      Consumer<PrintStream> suite = suites.get(name);
      if (suite == null) {
        System.err.println("unknown suite '" + name + "'; suites: " + suites.keySet());
        System.exit(2);
      }
      suite.accept(System.out);
    }
  }
}
