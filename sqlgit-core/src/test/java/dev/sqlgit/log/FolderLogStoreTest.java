package dev.sqlgit.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sqlgit.PeerAction;
import dev.sqlgit.internal.log.JsonlFile;
import dev.sqlgit.internal.log.LogCodec;
import dev.sqlgit.internal.log.PeerLog;
import dev.sqlgit.internal.log.PeerLogEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folder-specific checks: the file layout, partial and torn lines, foreign files, atomic replace.
 */
class FolderLogStoreTest {
  @TempDir Path root;

  @Test
  void aDocumentIsTheFilePeersIdJsonlWithOneLinePerRecord() throws IOException {
    try (FolderLogStore store = FolderLogStore.open(root)) {
      store.append("alice", "{\"n\":1}");
      store.append("alice", "{\"n\":2}");
      assertThat(Files.readString(log("alice"), UTF_8)).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
      store.delete("alice");
      assertThat(log("alice")).doesNotExist();
    }
  }

  @Test
  void aPartialTrailingLineIsIgnoredUntilItIsComplete() throws IOException {
    try (FolderLogStore store = FolderLogStore.open(root)) {
      write("bob", "b1\nb2\n{\"half\":");
      assertThat(LogStoreFixtures.data(store, "bob")).containsExactly("b1", "b2");
      assertThat(store.currentMeta("bob").orElseThrow().count()).isEqualTo(2);
      assertThat(LogStoreFixtures.loadFrom(store, "bob", 3)).isEmpty();

      Files.writeString(log("bob"), "true}\n", StandardOpenOption.APPEND); // the syncer finishes

      assertThat(LogStoreFixtures.load(store, "bob"))
          .containsExactly(
              new LogRecord(1, "b1"), new LogRecord(2, "b2"), new LogRecord(3, "{\"half\":true}"));
      assertThat(store.currentMeta("bob").orElseThrow().count()).isEqualTo(3);
    }
  }

  @Test
  void aTornTailOfItsOwnIsCutBeforeTheNextAppend() throws IOException {
    try (FolderLogStore store = FolderLogStore.open(root)) {
      write("alice", "a1\na2\n{\"torn");
      assertThat(store.append("alice", "a3")).isEqualTo(3);
      assertThat(Files.readString(log("alice"), UTF_8)).isEqualTo("a1\na2\na3\n");

      write("carol", "only a torn line");
      assertThat(store.append("carol", "c1")).isEqualTo(1);
      assertThat(Files.readString(log("carol"), UTF_8)).isEqualTo("c1\n");
    }
  }

  @Test
  void aTornTailIsCutEvenAfterAppendsOfItsOwn() throws IOException {
    try (FolderLogStore store = FolderLogStore.open(root)) {
      store.append("alice", "a1");
      store.append("alice", "a2"); // from here on the store trusts its own tail while unchanged
      Files.writeString(log("alice"), "{\"torn", StandardOpenOption.APPEND);
      assertThat(store.append("alice", "a3")).isEqualTo(3);
      assertThat(Files.readString(log("alice"), UTF_8)).isEqualTo("a1\na2\na3\n");

      Files.delete(log("alice"));
      Files.delete(root.resolve("peers"));
      assertThat(store.append("alice", "b1")).isEqualTo(1); // the folder is made again
      assertThat(Files.readString(log("alice"), UTF_8)).isEqualTo("b1\n");
    }
  }

  @Test
  void blankLinesAndCrLfFromOtherWritersAreReadLikeTheEngineReadsThem() throws IOException {
    try (FolderLogStore store = FolderLogStore.open(root)) {
      write("bob", "b1\r\n\n   \nb2\n");
      assertThat(LogStoreFixtures.load(store, "bob"))
          .containsExactly(new LogRecord(1, "b1"), new LogRecord(2, "b2"));
      assertThat(store.currentMeta("bob").orElseThrow().count()).isEqualTo(2);
      assertThat(store.append("bob", "b3")).isEqualTo(3);
      assertThat(LogStoreFixtures.loadFrom(store, "bob", 3))
          .containsExactly(new LogRecord(3, "b3"));
    }
  }

  @Test
  void foreignFilesAreNotDocuments() throws IOException {
    try (FolderLogStore store = FolderLogStore.open(root)) {
      store.append("alice", "a1");
      Path peers = root.resolve("peers");
      Files.writeString(peers.resolve("alice.sync-conflict-20240101-120000-ABCDEFG.jsonl"), "x\n");
      Files.writeString(peers.resolve(".alice.jsonl.1a2b3c.tmp"), "x\n");
      Files.writeString(peers.resolve("notes.txt"), "x\n");
      Files.writeString(peers.resolve("bad id.jsonl"), "x\n");
      Files.writeString(peers.resolve("alice.jsonl~"), "x\n");
      Files.createDirectory(peers.resolve("dir.jsonl"));
      Files.writeString(root.resolve("snapshot.db"), "not a log");
      Files.writeString(root.resolve("bob.jsonl"), "x\n");

      assertThat(store.listDocIds("")).containsExactly("alice");
      assertThat(store.listDocIds("a")).containsExactly("alice");
      assertThat(LogStoreFixtures.data(store, "alice")).containsExactly("a1");
    }
  }

  @Test
  void idsThatAreNotPeerIdsAreRefused() throws IOException {
    try (FolderLogStore store = FolderLogStore.open(root)) {
      for (String bad :
          List.of("a.b", "../escape", "a/b", "a b", "-dash", "_under", "%", "é", "x".repeat(65))) {
        assertThatThrownBy(() -> store.append(bad, "x"))
            .as(bad)
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.loadAll(bad))
            .as(bad)
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.replace(bad, List.of()))
            .as(bad)
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete(bad))
            .as(bad)
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.currentMeta(bad))
            .as(bad)
            .isInstanceOf(IllegalArgumentException.class);
      }
      assertThat(store.listDocIds("%")).isEmpty();
      try (Stream<Path> files = Files.walk(root)) {
        assertThat(files.filter(Files::isRegularFile)).isEmpty();
      }
    }
  }

  @Test
  void replaceRenamesANewFileOverTheOldAndLeavesNoTempFiles() throws IOException {
    try (FolderLogStore store = FolderLogStore.open(root)) {
      LogStoreFixtures.appendAll(store, "alice", 3);
      Object before = fileKey("alice");

      store.replace("alice", List.of("x", "y"));

      assertThat(Files.readString(log("alice"), UTF_8)).isEqualTo("x\ny\n");
      if (before != null) { // platforms without file keys (Windows) cannot show the new file
        assertThat(fileKey("alice")).isNotEqualTo(before);
      }
      assertThat(peerFiles()).containsExactly("alice.jsonl");

      assertThatThrownBy(() -> store.replace("alice", List.of("p", "q\nr")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(Files.readString(log("alice"), UTF_8)).isEqualTo("x\ny\n");
      assertThat(peerFiles()).containsExactly("alice.jsonl");
    }
  }

  @Test
  void storesOnTheSameRootAgreeOnMetaAndSeeEachOthersWrites() {
    try (FolderLogStore writer = FolderLogStore.open(root);
        FolderLogStore reader = FolderLogStore.open(root)) {
      writer.append("alice", "a1");
      LogMeta first = reader.currentMeta("alice").orElseThrow();
      assertThat(first).isEqualTo(writer.currentMeta("alice").orElseThrow());

      writer.append("alice", "a2");
      assertThat(reader.currentMeta("alice"))
          .contains(new LogMeta("alice", 2, 2, first.generation()));

      writer.replace("alice", List.of("r1"));
      LogMeta replaced = reader.currentMeta("alice").orElseThrow();
      assertThat(replaced.count()).isEqualTo(1);
      assertThat(replaced.generation()).isNotEqualTo(first.generation());
      assertThat(replaced).isEqualTo(writer.currentMeta("alice").orElseThrow());

      writer.delete("alice");
      assertThat(reader.currentMeta("alice")).isEmpty();
    }
  }

  @Test
  void theEngineAndTheStoreReadEachOthersLines() {
    PeerLogEntry action =
        new PeerLogEntry.Action(
            new PeerAction(
                1, "deposit", JsonNodeFactory.instance.objectNode().put("amount", 5), 0, false));
    PeerLogEntry ack = new PeerLogEntry.MasterAck(3, 1);
    try (FolderLogStore store = FolderLogStore.open(root)) {
      store.append("alice", LogCodec.encode(action));
      JsonlFile.append(log("alice"), java.util.List.of(LogCodec.encode(ack))); // a raw line writer

      assertThat(PeerLog.read(log("alice"))).containsExactly(action, ack);
      assertThat(LogStoreFixtures.data(store, "alice"))
          .containsExactly(LogCodec.encode(action), LogCodec.encode(ack));
      assertThat(store.append("alice", LogCodec.encode(action))).isEqualTo(3);
    }
  }

  @Test
  void openCreatesTheRootAndPeersFolder() {
    Path fresh = root.resolve("new-cluster");
    try (FolderLogStore store = FolderLogStore.open(fresh)) {
      assertThat(fresh.resolve("peers")).isDirectory();
      assertThat(store.listDocIds("")).isEmpty();
    }
  }

  private Path log(String id) {
    return root.resolve("peers").resolve(id + ".jsonl");
  }

  private Object fileKey(String id) throws IOException {
    return Files.readAttributes(log(id), BasicFileAttributes.class).fileKey();
  }

  private void write(String id, String content) throws IOException {
    Files.createDirectories(log(id).getParent());
    Files.writeString(log(id), content, UTF_8);
  }

  private List<String> peerFiles() throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("peers"))) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
