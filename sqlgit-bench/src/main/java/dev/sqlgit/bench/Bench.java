package dev.sqlgit.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs sqlgit's benchmark suites and prints their tables: {@code ./sqlgit bench [suite...]}.
 * With no argument every suite runs except {@code scale}, which builds a 100k-entry, 1M-row
 * cluster and takes minutes: name it to run it. Each suite is a plain class with a {@code
 * run(PrintStream)}. JVM options (sizes of {@code scale}, {@code -Xmx}) go in {@code JAVA_OPTS}.
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
    suites.put("scale", ScaleBench::run);
    return suites;
  }

  /** Suites that run only when named. */
  static final List<String> ON_DEMAND = List.of("scale");

  public static void main(String[] args) {
    Map<String, Consumer<PrintStream>> suites = suites();
    List<String> chosen = args.length > 0
        ? List.of(args)
        : suites.keySet().stream().filter(name -> !ON_DEMAND.contains(name)).toList();
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
