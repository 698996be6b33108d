package dev.sqlgit.crash;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The acknowledged submits, per author: the highest item number that must survive. A child's
 * {@code ACK} lines raise it; so does a check that found an unacknowledged item already durable
 * (a submit in flight at the kill whose append completed): once seen, it must not vanish either.
 * Items are numbered 1, 2, 3, … per author, so one number stands for the whole prefix.
 */
final class Ledger {
  private final Map<String, Long> floor = new HashMap<>();

  /** Takes in the {@code ACK}s of a child's output; a {@code DROP} fails the test. */
  void read(List<String> lines) {
    for (String line : lines) {
      String[] words = line.split(" ");
      if (words[0].equals("ACK")) {
        raise(words[1], Long.parseLong(words[2]));
      } else if (words[0].equals("DROP")) {
        throw new AssertionError("the resolver dropped an action of a conflict-free workload: " + line);
      }
    }
  }

  /** Items 1..{@code n} of {@code author} must survive. */
  void raise(String author, long n) {
    floor.merge(author, n, Math::max);
  }

  long floor(String author) {
    return floor.getOrDefault(author, 0L);
  }
}
