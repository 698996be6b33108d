package dev.sqlgit.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlgit.ConflictContext;
import dev.sqlgit.ConflictKind;
import dev.sqlgit.MasterAction;
import dev.sqlgit.Peer;
import dev.sqlgit.PeerOptions;
import dev.sqlgit.Resolution;
import dev.sqlgit.Row;
import dev.sqlgit.SyncReport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Tells the demo's story on a console: alice (the master) and bob (a peer) share an account, both
 * spend offline, bob's withdrawal no longer fits once rebased onto alice's, his resolver tops the
 * account up and retries, and both replicas converge.
 *
 * <p>Each replica has its own copy of the cluster root ({@code <dir>/alice}, {@code <dir>/bob});
 * a tiny file syncer copies each file from its owner's root to the other one, as Syncthing or
 * Dropbox would. Every step prints what happens and why, then both replicas' balances.
 *
 * <p>Single use and not thread-safe. The folders stay on disk afterwards for inspection.
 */
final class Walkthrough {
  static final String MASTER = "alice";
  static final String PEER = "bob";
  static final String ACCOUNT = "shared";

  /** What the walkthrough ended with; both replicas hold it (the run checks that). */
  record Outcome(
      Path dir, long masterSeq, Map<String, Long> balances, List<Row> transactions) {}

  private final Path dir;
  private final PrintStream out;
  private final Syncer syncer = new Syncer();
  private int step;
  private boolean retried;

  /**
   * Prepares a walkthrough in {@code dir}, which must be empty or not exist yet, printing to
   * {@code out}.
   */
  Walkthrough(Path dir, PrintStream out) {
    this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Runs every step and returns the converged state.
   *
   * @throws IllegalStateException when {@code dir} is not empty, or when the replicas do not
   *     converge (an engine bug)
   */
  Outcome run() {
    prepareDir();
    out.println("sqlgit demo: two replicas of a money tracker, offline work, a conflict, a fix");
    out.println();
    out.println("Working folder: " + dir);
    out.println("  " + MASTER + "/   the cluster root as alice (the master) sees it");
    out.println("  " + PEER + "/     the cluster root as bob (a peer) sees it");

    try (Peer alice = open(MASTER)) {
      step(
          "alice (master) sets up the bank",
          "She creates the schema, opens the shared account and deposits 100.",
          "The master's own actions go straight into the canonical master log, seqs 1..3.");
      alice.submit("init_bank", null);
      alice.submit("open_account", new MoneyTracker.Open(ACCOUNT, "Shared"));
      alice.submit("deposit", move("t1", 100, "salary (alice)"));
      table(alice, null);

      step(
          "The syncer runs; bob opens the cluster",
          "Opening replays alice's log onto bob's empty local state: he sees the account.");
      syncer.run();
      try (Peer bob = open(PEER)) {
        table(alice, bob);
        return offlineAndBack(alice, bob);
      }
    }
  }

  private Outcome offlineAndBack(Peer alice, Peer bob) {
    step(
        "Both go offline and spend",
        "The syncer stops copying. alice pays 80 for rent, bob spends 50 on groceries.",
        "Each write is checked locally (overdraft CHECK) and lands in its author's own log.");
    alice.submit("withdraw", move("t2", 80, "rent (alice)"));
    bob.submit("withdraw", move("t3", 50, "groceries (bob)"));
    table(alice, bob);
    out.println("  Each sees only its own spending; together they spent 130 of 100.");

    step(
        "Back online: the syncer delivers both logs, and alice (master) syncs first",
        "The master fixes the order. bob's withdrawal was written on master seq 3, but alice's",
        "own withdrawal came after it: 50 no longer fits in the 20 left. The master never calls",
        "a resolver, so it skips bob's action and leaves it to him to rebase.");
    syncer.run();
    SyncReport first = report("alice", alice.sync());
    expect(first.applied() == 0 && first.skipped() == 1, "the master skips bob's withdrawal");
    table(alice, bob);

    step(
        "bob syncs and rebases onto the master's history",
        "His pending withdrawal fails the overdraft CHECK on the rebased state: a genuine",
        "conflict, so sqlgit asks his resolver. It tops the account up, then retries.");
    SyncReport rebase = report("bob", bob.sync(this::resolve));
    expect(retried && rebase.applied() == 2, "bob keeps the top-up and the retried withdrawal");
    table(alice, bob);

    step(
        "The syncer delivers bob's rewritten log; alice (master) syncs",
        "bob's log now holds the top-up before the retried withdrawal, which is marked force:",
        "the master incorporates both (the withdrawal counts as forced).");
    syncer.run();
    SyncReport second = report("alice", alice.sync());
    expect(second.applied() == 2 && second.forced() == 1, "the master takes both, one forced");
    table(alice, bob);

    step(
        "The syncer delivers the master log; bob syncs",
        "Both of bob's actions are in the master log now: nothing is left pending.");
    syncer.run();
    report("bob", bob.sync(this::resolve));
    table(alice, bob);

    return converge(alice, bob);
  }

  /** bob's resolver: prints the conflict, then tops up a withdrawal that overdraws and retries. */
  private Resolution resolve(ConflictContext ctx) {
    JsonNode params = ctx.action().params();
    out.println("  +-- conflict in bob's pending action #" + ctx.action().seq());
    out.println("  | action         " + ctx.action().name() + " " + params
        + " (written on master seq " + ctx.action().baseMasterSeq() + ")");
    out.println("  | kind           " + ctx.kind());
    out.println("  | error          " + ctx.error().map(Throwable::getMessage).orElse("(none)"));
    for (MasterAction m : ctx.masterSuffix()) {
      out.println("  | master suffix  #" + m.seq() + " " + m.name() + " " + m.params()
          + " by " + m.source().peer());
    }
    if (ctx.kind() != ConflictKind.ERROR || !ctx.action().name().equals("withdraw")) {
      out.println("  +-- resolver: Resolution.DROP (only overdrafts get a top-up)");
      return Resolution.DROP;
    }
    String account = params.get("account").asText();
    long wanted = params.get("amount").asLong();
    long available = MoneyTracker.balance(ctx.rebasedDb(), account);
    long missing = wanted - available;
    out.println("  | rebased state  balance " + available + ", the withdrawal needs " + wanted);
    if (missing <= 0) {
      out.println("  +-- resolver: Resolution.DROP (not an overdraft)");
      return Resolution.DROP;
    }
    ctx.submit("deposit", move("t4", missing, "top-up (bob, covers groceries)"));
    out.println("  +-- resolver: ctx.submit(\"deposit\", +" + missing + ") as a mitigation, "
        + "then Resolution.RETRY");
    retried = true;
    return Resolution.RETRY;
  }

  /** Checks that both replicas hold the same state and prints the end of the story. */
  private Outcome converge(Peer alice, Peer bob) {
    Map<String, Long> balances = MoneyTracker.balances(alice.db());
    List<Row> transactions = MoneyTracker.transactions(alice.db());
    long head = alice.masterHead();
    out.println();
    out.println("Final transactions (identical on both replicas):");
    out.printf("  %-4s %8s  %s%n", "id", "amount", "memo");
    for (Row t : transactions) {
      out.printf("  %-4s %8d  %s%n", t.getString("id"), t.getLong("amount"), t.getString("memo"));
    }
    boolean same =
        balances.equals(MoneyTracker.balances(bob.db()))
            && transactions.equals(MoneyTracker.transactions(bob.db()))
            && head == bob.masterHead()
            && bob.pending().isEmpty();
    if (!same) {
      throw new IllegalStateException(
          "replicas did not converge: alice " + balances + " @" + head + ", bob "
              + MoneyTracker.balances(bob.db()) + " @" + bob.masterHead()
              + " with " + bob.pending().size() + " pending");
    }
    out.println();
    out.println("converged: both peers hold the same state at master seq " + head);
    return new Outcome(dir, head, balances, transactions);
  }

  private Peer open(String id) {
    return Peer.open(
        PeerOptions.builder()
            .root(dir.resolve(id))
            .peerId(id)
            .masterId(MASTER)
            .actions(MoneyTracker.actions())
            .build());
  }

  private static MoneyTracker.Move move(String txId, long amount, String memo) {
    return new MoneyTracker.Move(txId, ACCOUNT, amount, memo);
  }

  private void step(String title, String... why) {
    out.println();
    out.println("[" + ++step + "] " + title);
    for (String line : why) {
      out.println("  " + line);
    }
  }

  private SyncReport report(String who, SyncReport r) {
    StringBuilder s = new StringBuilder();
    s.append("  ").append(who).append(".sync() -> applied ").append(r.applied());
    s.append(", skipped ").append(r.skipped()).append(", dropped ").append(r.dropped());
    s.append(", forced ").append(r.forced()).append(", convergent ").append(r.convergent());
    r.squashedTo().ifPresent(h -> s.append(", squashed to ").append(h));
    out.println(s);
    r.squashedTo()
        .ifPresent(
            h ->
                out.println(
                    "  (every peer has integrated seq " + h
                        + ": the master folds seqs up to it into snapshot.db)"));
    return r;
  }

  /** Keeps the story honest: a step's text describes what the engine must have done. */
  private static void expect(boolean happened, String what) {
    if (!happened) {
      throw new IllegalStateException("the engine did not do what the demo describes: " + what);
    }
  }

  /** Balances per replica, one row each; {@code bob} is null before he opens. */
  private void table(Peer alice, Peer bob) {
    Set<String> accounts = new LinkedHashSet<>(MoneyTracker.balances(alice.db()).keySet());
    if (bob != null) {
      accounts.addAll(MoneyTracker.balances(bob.db()).keySet());
    }
    StringBuilder header = new StringBuilder(String.format("  %-16s", "replica"));
    accounts.forEach(a -> header.append(String.format("%10s", a)));
    header.append(String.format("%13s%9s", "master head", "pending"));
    out.println();
    out.println(header);
    row("alice (master)", alice, accounts);
    row("bob", bob, accounts);
  }

  private void row(String label, Peer peer, Set<String> accounts) {
    StringBuilder line = new StringBuilder(String.format("  %-16s", label));
    if (peer == null) {
      out.println(line.append("(not opened yet)"));
      return;
    }
    Map<String, Long> balances = MoneyTracker.balances(peer.db());
    accounts.forEach(a -> line.append(String.format("%10s", balances.getOrDefault(a, null))));
    String pending = peer.isMaster() ? "-" : String.valueOf(peer.pending().size());
    line.append(String.format("%13d%9s", peer.masterHead(), pending));
    out.println(line);
  }

  private void prepareDir() {
    try {
      Files.createDirectories(dir);
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalStateException("the demo folder must be empty: " + dir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the demo folder " + dir, e);
    }
  }

  /**
   * Plays Syncthing or Dropbox between the two cluster roots: each file has one writer, so it is
   * copied from its owner's root to the other one ({@code peers/<id>.jsonl} from peer {@code id},
   * {@code snapshot.db} from the master), atomically, and only when the copies differ.
   */
  private final class Syncer {
    private final List<String> replicas = List.of(MASTER, PEER);
    private boolean explained;

    void run() {
      if (!explained) {
        out.println("  (syncer: stands in for Syncthing/Dropbox; copies peers/<id>.jsonl from "
            + "<id>'s root and snapshot.db from the master's root to the other root)");
        explained = true;
      }
      List<String> copied = new ArrayList<>();
      for (String owner : replicas) {
        List<String> files = new ArrayList<>(List.of("peers/" + owner + ".jsonl"));
        if (owner.equals(MASTER)) {
          files.add("snapshot.db");
        }
        for (String file : files) {
          for (String target : replicas) {
            if (!target.equals(owner) && copy(owner, file, target)) {
              copied.add(owner + "/" + file + " -> " + target + "/");
            }
          }
        }
      }
      out.println("  syncer copied: " + (copied.isEmpty() ? "nothing" : String.join(", ", copied)));
    }

    private boolean copy(String owner, String file, String target) {
      Path from = dir.resolve(owner).resolve(file);
      Path to = dir.resolve(target).resolve(file);
      try {
        if (!Files.exists(from)) {
          return false;
        }
        byte[] bytes = Files.readAllBytes(from);
        if (Files.exists(to) && Arrays.equals(bytes, Files.readAllBytes(to))) {
          return false;
        }
        Files.createDirectories(to.getParent());
        Path tmp = to.resolveSibling("." + to.getFileName() + ".syncing");
        Files.write(tmp, bytes);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException("syncer cannot copy " + from + " to " + to, e);
      }
    }
  }
}
