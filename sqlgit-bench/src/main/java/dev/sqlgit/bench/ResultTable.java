package dev.sqlgit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table of benchmark results, printed as Markdown so it can go into the README. */
public final class ResultTable {
  private final String title;
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public ResultTable(String title, String... header) {
    this.title = title;
    this.header = List.of(header);
  }

  public ResultTable row(Object... cells) {
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(c instanceof Double ? String.format("%.3f", (Double) c) : String.valueOf(c));
    }
    rows.add(r);
    return this;
  }

  public void print(PrintStream out) {
    out.println();
    out.println("### " + title);
    out.println();
    out.println("| " + String.join(" | ", header) + " |");
    out.println("|" + "---|".repeat(header.size()));
    for (List<String> r : rows) {
      out.println("| " + String.join(" | ", r) + " |");
    }
    out.flush();
  }
}
