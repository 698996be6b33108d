package dev.sqlgit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Plays the file syncer (Syncthing, Dropbox, rsync) between replicas that each have their own copy
 * of the cluster root. Every file has one owner, the replica that writes it: {@code
 * peers/<id>.jsonl} belongs to {@code id}, {@code snapshot.db} to the master. Delivering a file
 * copies the owner's version over the target's, atomically, or only a prefix of it to imitate a
 * syncer caught mid-append.
 */
public final class FileSyncer {
  public static final String SNAPSHOT = "snapshot.db";

  private final Path base;
  private final String masterId;
  private final List<String> replicas;

  public FileSyncer(Path base, String masterId, List<String> replicas) {
    this.base = base;
    this.masterId = masterId;
    this.replicas = List.copyOf(replicas);
  }

  /** The id of the replica that owns {@code snapshot.db}. */
  public String masterId() {
    return masterId;
  }

  /** The cluster root as replica {@code id} sees it. */
  public Path rootOf(String id) {
    return base.resolve(id);
  }

  public static String logOf(String id) {
    return "peers/" + id + ".jsonl";
  }

  /** {@code owner}'s log as {@code replica}'s root holds it (the owner's own copy when they are equal). */
  public Path logAt(String replica, String owner) {
    return rootOf(replica).resolve(logOf(owner));
  }

  public String ownerOf(String file) {
    if (file.equals(SNAPSHOT)) {
      return masterId;
    }
    return file.substring("peers/".length(), file.length() - ".jsonl".length());
  }

  /** Files {@code owner} writes that exist in its root. */
  public List<String> ownedFiles(String owner) {
    List<String> files = new ArrayList<>();
    if (Files.exists(rootOf(owner).resolve(logOf(owner)))) {
      files.add(logOf(owner));
    }
    if (owner.equals(masterId) && Files.exists(rootOf(owner).resolve(SNAPSHOT))) {
      files.add(SNAPSHOT);
    }
    return files;
  }

  /** Copies the owner's {@code file} to {@code target}'s root. */
  public void deliver(String file, String target) {
    String owner = ownerOf(file);
    if (owner.equals(target)) {
      return;
    }
    Path from = rootOf(owner).resolve(file);
    if (!Files.exists(from)) {
      return;
    }
    try {
      write(rootOf(target).resolve(file), Files.readAllBytes(from));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies all but the last {@code cut} bytes of the owner's {@code file} to {@code target}. */
  public void deliverPartial(String file, String target, int cut) {
    String owner = ownerOf(file);
    if (owner.equals(target)) {
      return; // a syncer never writes the owner's own copy
    }
    try {
      byte[] all = Files.readAllBytes(rootOf(owner).resolve(file));
      byte[] prefix = java.util.Arrays.copyOf(all, Math.max(0, all.length - cut));
      write(rootOf(target).resolve(file), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The master's files to {@code target}: {@code snapshot.db} first, then the master log. */
  public void deliverMasterTo(String target) {
    deliver(SNAPSHOT, target);
    deliver(logOf(masterId), target);
  }

  /** Everything every owner has, to every other replica. */
  public void deliverAll() {
    for (String owner : replicas) {
      for (String file : ownedFiles(owner)) {
        for (String target : replicas) {
          deliver(file, target);
        }
      }
    }
  }

  /** Everything the others own, to {@code target}. */
  public void deliverAllTo(String target) {
    for (String owner : replicas) {
      for (String file : ownedFiles(owner)) {
        deliver(file, target);
      }
    }
  }

  /**
   * Delivers a random subset of (file, target) pairs in random order; some arrive cut short in the
   * middle of their last line, as a syncer would copy a file being appended to.
   */
  public void deliverRandomly(Random random) {
    List<String[]> pairs = new ArrayList<>();
    for (String owner : replicas) {
      for (String file : ownedFiles(owner)) {
        for (String target : replicas) {
          if (!target.equals(owner)) {
            pairs.add(new String[] {file, target});
          }
        }
      }
    }
    java.util.Collections.shuffle(pairs, random);
    for (String[] pair : pairs) {
      int roll = random.nextInt(10);
      if (roll < 3) {
        continue; // not this time
      }
      if (roll == 3 && pair[0].endsWith(".jsonl")) {
        deliverPartial(pair[0], pair[1], 1 + random.nextInt(20));
      } else {
        deliver(pair[0], pair[1]);
      }
    }
  }

  private static void write(Path to, byte[] bytes) throws IOException {
    Files.createDirectories(to.getParent());
    Path tmp = to.resolveSibling("." + to.getFileName() + ".syncing");
    Files.write(tmp, bytes);
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
