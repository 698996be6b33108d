package dev.sqlgit.internal.log;

import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The files of a cluster root: {@code peers/<id>.jsonl} (one writer each) and {@code snapshot.db}
 * (the master's). Files that do not match, such as a syncer's {@code *.sync-conflict-*} copies or
 * our own temp files, are ignored.
 */
public final class ClusterLayout {
  /** Peer ids: letters, digits, {@code _} and {@code -}; no dots, so syncer copies never match. */
  public static final Pattern PEER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  private static final String SUFFIX = ".jsonl";

  private final Path root;

  public ClusterLayout(Path root) {
    this.root = root;
  }

  public static void checkPeerId(String id, String what) {
    if (id == null || !PEER_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(what + " must match " + PEER_ID.pattern() + ": " + id);
    }
  }

  public Path root() {
    return root;
  }

  public Path peersDir() {
    return root.resolve("peers");
  }

  public Path logOf(String peerId) {
    return peersDir().resolve(peerId + SUFFIX);
  }

  public Path snapshot() {
    return root.resolve("snapshot.db");
  }

  /** Creates the root and {@code peers/} when missing. */
  public void create() {
    try {
      Files.createDirectories(peersDir());
    } catch (IOException e) {
      throw SqliteErrors.io("cannot create cluster folder", peersDir(), e);
    }
  }

  /** Ids of every peer with a log in the root, sorted. */
  public List<String> peerIds() {
    List<String> ids = new ArrayList<>();
    if (!Files.isDirectory(peersDir())) {
      return ids;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(peersDir(), "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.length() - SUFFIX.length());
        if (PEER_ID.matcher(id).matches() && Files.isRegularFile(file)) {
          ids.add(id);
        }
      }
    } catch (IOException e) {
      throw SqliteErrors.io("cannot list", peersDir(), e);
    }
    Collections.sort(ids);
    return ids;
  }
}
