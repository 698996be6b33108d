package dev.sqlgit;

import static dev.sqlgit.testing.FileBytes.bytes;
import static dev.sqlgit.testing.FileBytes.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.LogEntries;
import dev.sqlgit.testing.Replicas;
import dev.sqlgit.testing.TempDirs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Peer#submit}: lookup, rollback on failure, durability, and how params travel. */
class SubmitTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  enum Kind {
    TOOL,
    PART
  }

  record Item(String id, int qty) {}

  record Address(String city, String zip) {}

  record Order(String id, Kind kind, long amount, List<String> tags, Address address, boolean urgent) {}

  /** What the untyped and typed actions saw, in call order (replays included). */
  private final List<Object> seen = new ArrayList<>();

  private ActionRegistry actions() {
    return ActionRegistry.builder()
        .action("init", (db, p) -> db.execScript(
            "CREATE TABLE items(id TEXT PRIMARY KEY, qty INTEGER NOT NULL CHECK (qty >= 0));"
                + "CREATE TABLE orders(id TEXT PRIMARY KEY, kind TEXT, amount INTEGER, tags TEXT,"
                + " city TEXT, zip TEXT, urgent INTEGER);"
                + "CREATE TABLE raw(json TEXT)"))
        .action("add_item", Item.class, (db, i) -> db.exec("INSERT INTO items VALUES (?, ?)", i.id(), i.qty()))
        .action("set_qty", Item.class, (db, i) -> db.exec("UPDATE items SET qty = ? WHERE id = ?", i.qty(), i.id()))
        .action("two_then_throw", (db, p) -> {
          db.exec("INSERT INTO items VALUES ('t1', 1)");
          db.exec("UPDATE items SET qty = qty + 100");
          db.exec("INSERT INTO items VALUES ('t2', 2)");
          throw new IllegalStateException("boom after two inserts");
        })
        .action("place_order", Order.class, (db, o) -> {
          seen.add(o);
          db.exec("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?)", o.id(), o.kind(), o.amount(),
              String.join(",", o.tags()), o.address().city(), o.address().zip(), o.urgent());
        })
        .action("raw", (db, p) -> {
          seen.add(p);
          db.exec("INSERT INTO raw VALUES (?)", p.toString());
        })
        .build();
  }

  private Peer open(Path root, String id) {
    return Replicas.open(root, id, "alice", actions());
  }

  /** alice (master, initialised, item a = 5) and bob (peer, opened on the delivered files). */
  private record Cluster(FileSyncer net, Peer alice, Peer bob) implements AutoCloseable {
    Peer peer(String id) {
      return id.equals("alice") ? alice : bob;
    }

    Path ownLog(String id) {
      return net.logAt(id, id);
    }

    /** Closes bob, then alice. */
    @Override
    public void close() {
      try {
        bob.close();
      } finally {
        alice.close();
      }
    }
  }

  private Cluster cluster() {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    Peer alice = open(net.rootOf("alice"), "alice");
    alice.submit("init", null);
    alice.submit("add_item", new Item("a", 5));
    net.deliverAll();
    Peer bob = open(net.rootOf("bob"), "bob");
    return new Cluster(net, alice, bob);
  }

  private static List<Row> items(Peer p) {
    return p.db().query("SELECT id, qty FROM items ORDER BY id");
  }


  @ParameterizedTest
  @ValueSource(strings = {"alice", "bob"})
  void unknownActionThrowsAndWritesNothing(String who) {
    try (Cluster cluster = cluster()) {
      Peer p = cluster.peer(who);
      Path log = cluster.ownLog(who);
      byte[] before = bytes(log);
      List<Row> state = items(p);
      long head = p.masterHead();

      assertThatThrownBy(() -> p.submit("no_such_action", Map.of("x", 1)))
          .isInstanceOfSatisfying(UnknownActionException.class,
              e -> assertThat(e.actionName()).isEqualTo("no_such_action"));

      assertThat(bytes(log)).isEqualTo(before);
      assertThat(items(p)).isEqualTo(state);
      assertThat(p.masterHead()).isEqualTo(head);
      assertThat(p.pending()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice", "bob"})
  void anActionThatThrowsLeavesNoStatementAndNoLogEntry(String who) {
    try (Cluster cluster = cluster()) {
      Peer p = cluster.peer(who);
      Path log = cluster.ownLog(who);
      byte[] before = bytes(log);

      assertThatThrownBy(() -> p.submit("two_then_throw", null))
          .isInstanceOfSatisfying(ActionFailedException.class, e -> {
            assertThat(e.actionName()).isEqualTo("two_then_throw");
            assertThat(e.getCause()).isInstanceOf(IllegalStateException.class)
                .hasMessage("boom after two inserts");
          });

      assertThat(items(p)).containsExactly(new Row(List.of("id", "qty"), List.of("a", 5L)));
      assertThat(bytes(log)).isEqualTo(before);
      assertThat(p.pending()).isEmpty();
      assertThat(p.masterHead()).isEqualTo(2);

      // The replica is still usable, and the failed action left nothing for a later write to commit.
      p.submit("add_item", new Item("b", 1));
      assertThat(items(p)).extracting(r -> r.getString("id")).containsExactly("a", "b");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice", "bob"})
  void aViolatedCheckFailsTheActionWithTheStorageErrorAsCause(String who) {
    try (Cluster cluster = cluster()) {
      Peer p = cluster.peer(who);
      Path log = cluster.ownLog(who);
      byte[] before = bytes(log);

      assertThatThrownBy(() -> p.submit("set_qty", new Item("a", -1)))
          .isInstanceOf(ActionFailedException.class)
          .cause()
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(19));

      assertThat(items(p)).containsExactly(new Row(List.of("id", "qty"), List.of("a", 5L)));
      assertThat(bytes(log)).isEqualTo(before);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice", "bob"})
  void aSubmitThatReturnedIsOnDiskAndSurvivesACrash(String who) throws IOException {
    try (Cluster cluster = cluster()) {
      Peer p = cluster.peer(who);
      Path log = cluster.ownLog(who);

      p.submit("add_item", new Item("durable", 7));

      // On disk before any close or sync: the last line of the own log is the action.
      JsonNode last = LogEntries.last(log);
      assertThat(last.get("kind").asText()).isEqualTo("action");
      assertThat(last.get("name").asText()).isEqualTo("add_item");
      assertThat(last.get("params")).isEqualTo(JSON.readTree("{\"id\":\"durable\",\"qty\":7}"));
      assertThat(bytes(log)).endsWith((byte) '\n');

      // "Crash": the process never closes; a new process opens a copy of the files as they are.
      Path copy = dir.resolve("crashed-" + who);
      TempDirs.copy(cluster.net().rootOf(who), copy);
      try (Peer reopened = open(copy, who)) {
        assertThat(items(reopened)).isEqualTo(items(p));
        assertThat(reopened.pending()).isEqualTo(p.pending());
        assertThat(reopened.masterHead()).isEqualTo(p.masterHead());
      }
    }
  }

  @Test
  void paramsAsRecordMapAndJsonNodeAllTravelAsTheSameJson() throws IOException {
    try (Cluster cluster = cluster()) {
      Peer alice = cluster.alice();
      Peer bob = cluster.bob();
      Path log = cluster.ownLog("bob");
      Map<String, Object> asMap = new LinkedHashMap<>();
      asMap.put("id", "m");
      asMap.put("qty", 2);
      ObjectNode asNode = JSON.createObjectNode().put("id", "j").put("qty", 3);

      bob.submit("add_item", new Item("r", 1));
      bob.submit("add_item", asMap);
      bob.submit("add_item", asNode);
      asNode.put("qty", 99); // a later change to the caller's node must not reach the log

      assertThat(items(bob))
          .containsExactly(
              new Row(List.of("id", "qty"), List.of("a", 5L)),
              new Row(List.of("id", "qty"), List.of("j", 3L)),
              new Row(List.of("id", "qty"), List.of("m", 2L)),
              new Row(List.of("id", "qty"), List.of("r", 1L)));
      List<String> lines = lines(log);
      assertThat(lines).hasSize(3);
      assertThat(JSON.readTree(lines.get(0)).get("params")).isEqualTo(JSON.readTree("{\"id\":\"r\",\"qty\":1}"));
      assertThat(JSON.readTree(lines.get(1)).get("params")).isEqualTo(JSON.readTree("{\"id\":\"m\",\"qty\":2}"));
      assertThat(JSON.readTree(lines.get(2)).get("params")).isEqualTo(JSON.readTree("{\"id\":\"j\",\"qty\":3}"));
      assertThat(bob.pending()).extracting(a -> a.params().get("qty").asInt()).containsExactly(1, 2, 3);

      // They replay the same on the master.
      cluster.net().deliverAll();
      assertThat(alice.sync().applied()).isEqualTo(3);
      assertThat(items(alice)).isEqualTo(items(bob));
    }
  }

  @Test
  void typedParamsAreBoundByJackson() {
    try (Cluster cluster = cluster()) {
      Peer bob = cluster.bob();
      Map<String, Object> address = Map.of("city", "Lyon", "zip", "69001");
      Map<String, Object> order = new LinkedHashMap<>();
      order.put("id", "o1");
      order.put("kind", "PART");
      order.put("amount", 12345678901L);
      order.put("tags", List.of("x", "y"));
      order.put("address", address);
      order.put("urgent", true);
      seen.clear();

      bob.submit("place_order", order);

      Order expected = new Order("o1", Kind.PART, 12345678901L, List.of("x", "y"), new Address("Lyon", "69001"), true);
      assertThat(seen).containsExactly(expected);
      assertThat(bob.db().one("SELECT * FROM orders").orElseThrow().values())
          .containsExactly("o1", "PART", 12345678901L, "x,y", "Lyon", "69001", 1L);

      seen.clear();
      bob.submit("place_order", new Order("o2", Kind.TOOL, 1, List.of(), new Address("Oslo", "0150"), false));
      assertThat(seen).containsExactly(new Order("o2", Kind.TOOL, 1, List.of(), new Address("Oslo", "0150"), false));

      // Params that do not bind fail the action; nothing is logged.
      assertThatThrownBy(() -> bob.submit("place_order", Map.of("id", "o3", "kind", "NOT_A_KIND")))
          .isInstanceOf(ActionFailedException.class);
      assertThat(bob.pending()).hasSize(2);
    }
  }

  @Test
  void untypedActionsGetAJsonNode() throws IOException {
    try (Cluster cluster = cluster()) {
      Peer bob = cluster.bob();
      seen.clear();

      Map<String, Object> map = new LinkedHashMap<>();
      map.put("n", 1);
      map.put("list", List.of(true, "s"));
      bob.submit("raw", map);
      bob.submit("raw", new Item("i", 4));
      bob.submit("raw", null);

      assertThat(seen).hasSize(3).allSatisfy(p -> assertThat(p).isInstanceOf(JsonNode.class));
      assertThat((JsonNode) seen.get(0)).isEqualTo(JSON.readTree("{\"n\":1,\"list\":[true,\"s\"]}"));
      assertThat((JsonNode) seen.get(1)).isEqualTo(JSON.readTree("{\"id\":\"i\",\"qty\":4}"));
      assertThat(((JsonNode) seen.get(2)).isNull()).isTrue();
      assertThat(bob.db().query("SELECT json FROM raw", String.class))
          .containsExactly("{\"n\":1,\"list\":[true,\"s\"]}", "{\"id\":\"i\",\"qty\":4}", "null");
    }
  }
}
