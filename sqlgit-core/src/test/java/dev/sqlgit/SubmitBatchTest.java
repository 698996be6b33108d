package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sqlgit.internal.engine.ClusterStorage;
import dev.sqlgit.internal.engine.MasterEngine;
import dev.sqlgit.internal.engine.PeerEngine;
import dev.sqlgit.internal.engine.Submission;
import dev.sqlgit.testing.FileBytes;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer's submit batch (group commit) as the engine writes it: actions run without a savepoint
 * each until one fails, so these check that a failure still leaves nothing of itself behind,
 * whatever its place in the batch, and that the others are applied, logged and undoable.
 */
class SubmitBatchTest {
  @TempDir Path dir;

  /** Fails on its second call and later: an action that is not deterministic. */
  private final AtomicInteger flakyCalls = new AtomicInteger();

  private final ActionRegistry actions =
      ActionRegistry.builder()
          .action("init", (db, p) -> db.exec("CREATE TABLE items(id TEXT PRIMARY KEY)"))
          .action("add", (db, p) -> db.exec("INSERT INTO items VALUES (?)", p.asText()))
          .action("fail", (db, p) -> {
            db.exec("INSERT INTO items VALUES (?)", p.asText()); // written, then thrown away
            throw new IllegalStateException("no");
          })
          .action("table", (db, p) -> db.exec("CREATE TABLE " + p.asText() + "(id TEXT PRIMARY KEY)"))
          .action("addTo", (db, p) -> db.exec("INSERT INTO " + p.get("t").asText() + " VALUES (?)", p.get("id").asText()))
          .action("flaky", (db, p) -> {
            if (flakyCalls.incrementAndGet() > 1) {
              throw new IllegalStateException("not the same twice");
            }
            db.exec("INSERT INTO items VALUES (?)", p.asText());
          })
          .build();

  /** What a test opened, closed after it. */
  private final List<AutoCloseable> opened = new java.util.ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  private PeerEngine peer(boolean stateFolder) {
    master(m -> m.submit("init", JsonNodeFactory.instance.nullNode()));
    return reopen(stateFolder);
  }

  private PeerEngine reopen(boolean stateFolder) {
    if (stateFolder) {
      dir.resolve("state-p").toFile().mkdirs(); // Peer.open creates it
    }
    ClusterStorage cluster = ClusterStorage.folder(dir);
    PeerEngine p = PeerEngine.open(cluster, "p", "m", actions.catalog(), false, stateFolder ? dir.resolve("state-p") : null);
    opened.add(p::close);
    opened.add(cluster);
    return p;
  }

  private void master(java.util.function.Consumer<MasterEngine> work) {
    try (ClusterStorage cluster = ClusterStorage.folder(dir)) {
      MasterEngine m = MasterEngine.open(cluster, "m", actions.catalog());
      try {
        work.accept(m);
      } finally {
        m.close();
      }
    }
  }

  /** Submits a batch as {@code Peer} does: applied and logged, then made durable. */
  private static List<RuntimeException> submitAll(PeerEngine p, List<Submission> batch) {
    var submitted = p.submitAll(batch);
    p.awaitDurable(submitted.logBatch());
    return submitted.results();
  }

  private static Submission s(String name, String param) {
    return new Submission(name, JsonNodeFactory.instance.textNode(param));
  }

  private static List<String> items(PeerEngine p) {
    return p.read(db -> db.query("SELECT id FROM items ORDER BY id", String.class));
  }

  @ParameterizedTest(name = "stateFolder={0}")
  @ValueSource(booleans = {false, true})
  void aFailureAnywhereInTheBatchFailsAloneAndLeavesNothing(boolean stateFolder) throws Exception {
    {
      PeerEngine p = peer(stateFolder);
      List<RuntimeException> results = submitAll(p, List.of(
          s("add", "a"), s("fail", "x"), s("add", "b"), s("fail", "y"), s("add", "c"), s("nope", "z"), s("fail", "w")));
      assertThat(results.get(0)).isNull();
      assertThat(results.get(1)).isInstanceOf(ActionFailedException.class);
      assertThat(results.get(2)).isNull();
      assertThat(results.get(3)).isInstanceOf(ActionFailedException.class);
      assertThat(results.get(4)).isNull();
      assertThat(results.get(5)).isInstanceOf(UnknownActionException.class);
      assertThat(results.get(6)).isInstanceOf(ActionFailedException.class);
      assertThat(items(p)).containsExactly("a", "b", "c");
      assertThat(p.pending()).extracting(PeerAction::seq).containsExactly(1L, 2L, 3L);
      assertThat(p.pending()).extracting(a -> a.params().asText()).containsExactly("a", "b", "c");
      assertThat(FileBytes.lines(dir.resolve("peers/p.jsonl"))).hasSize(3);
    }
    closeAll();
    opened.clear();
    {
      PeerEngine reopened = reopen(stateFolder);
      assertThat(items(reopened)).containsExactly("a", "b", "c");
    }
  }

  @ParameterizedTest(name = "stateFolder={0}")
  @ValueSource(booleans = {false, true})
  void aBatchThatCreatesATableCapturesWritesToItAndRebases(boolean stateFolder) {
    {
      PeerEngine p = peer(stateFolder);
      p.takeChangedTables();
      List<RuntimeException> results = submitAll(p, List.of(
          s("add", "a"), s("table", "extra"), addTo("extra", "e"), s("fail", "x"), addTo("extra", "f")));
      assertThat(results.get(3)).isInstanceOf(ActionFailedException.class);
      assertThat(results).filteredOn(java.util.Objects::nonNull).hasSize(1);
      assertThat(p.takeChangedTables()).contains("items", "extra");
      assertThat(extra(p)).containsExactly("e", "f");

      master(m -> m.submit("add", JsonNodeFactory.instance.textNode("m")));
      p.sync(null); // the batch changed the schema: undone on the reference path
      assertThat(items(p)).containsExactly("a", "m");
      assertThat(extra(p)).containsExactly("e", "f");
      assertThat(p.pending()).hasSize(4);
    }
  }

  @ParameterizedTest(name = "stateFolder={0}")
  @ValueSource(booleans = {false, true})
  void anActionThatFailsWhenAppliedAgainFailsTheWholeBatch(boolean stateFolder) {
    {
      PeerEngine p = peer(stateFolder);
      assertThatThrownBy(() -> submitAll(p, List.of(s("flaky", "a"), s("add", "b"), s("fail", "x"))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("deterministic");
      assertThat(items(p)).isEmpty();
      assertThat(p.pending()).isEmpty();
      assertThat(submitAll(p, List.of(s("add", "c")))).containsOnlyNulls();
      assertThat(p.pending()).extracting(PeerAction::seq).containsExactly(1L);
    }
  }

  private static Submission addTo(String table, String id) {
    return new Submission("addTo", json("{\"t\":\"" + table + "\",\"id\":\"" + id + "\"}"));
  }

  private static List<String> extra(PeerEngine p) {
    return p.read(db -> db.query("SELECT id FROM extra ORDER BY id", String.class));
  }

  private static JsonNode json(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
