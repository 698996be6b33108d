package dev.sqlgit.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CrashWorkload} running in its own JVM (this JVM's {@code java}, the test classpath). A
 * thread reads its stdout into a queue, each line stamped with its arrival time; {@link #kill}
 * sends SIGKILL ({@link Process#destroyForcibly()}), waits for the exit and returns every line
 * the child printed, the ones printed just before it died included. Stderr goes to a file.
 */
final class ChildProcess implements AutoCloseable {
  private static final long LINE_TIMEOUT_SECONDS = 60;
  private static final Line EOF = new Line(null, 0);

  /** A stdout line and {@link System#nanoTime()} when it arrived. */
  record Line(String text, long nanos) {}

  private final Process process;
  private final Path stderr;
  private final BlockingQueue<Line> queue = new LinkedBlockingQueue<>();
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;

  private ChildProcess(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    this.reader = new Thread(this::read, "crash-child-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code CrashWorkload <base> <seed>}, its stderr to {@code stderr}. */
  static ChildProcess start(Path base, long seed, Path stderr) {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = List.of(
        java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"),
        CrashWorkload.class.getName(), base.toString(), Long.toString(seed));
    try {
      // stdin stays open: the child exits when it closes, i.e. when this JVM dies
      Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
      return new ChildProcess(p, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next line, waiting at most a minute; fails when the child stopped or printed FAIL. */
  Line next() {
    Line line = poll(TimeUnit.SECONDS.toNanos(LINE_TIMEOUT_SECONDS));
    if (line == null) {
      throw new AssertionError("the child printed nothing for " + LINE_TIMEOUT_SECONDS + " s" + stderrTail());
    }
    return line;
  }

  /** The next line, or null when none came within {@code nanos}; fails like {@link #next}. */
  Line poll(long nanos) {
    Line line;
    try {
      line = queue.poll(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    if (line == EOF) {
      throw new AssertionError("the child exited by itself" + exitCode() + stderrTail());
    }
    if (line != null && line.text().startsWith("FAIL")) {
      throw new AssertionError("the child failed: " + line.text() + stderrTail());
    }
    return line;
  }

  /** Adds a line that did not come from the child (a {@link FileEvents} report) to the queue. */
  void inject(String text) {
    queue.add(new Line(text, System.nanoTime()));
  }

  /** SIGKILLs the child, waits for it and for its last lines; returns everything it printed. */
  List<String> kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the child did not die within 30 s of SIGKILL");
      }
      reader.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    if (reader.isAlive()) {
      throw new AssertionError("the child's stdout did not reach its end");
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // the child is gone; nothing to flush
    }
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String text; (text = in.readLine()) != null; ) {
        synchronized (lines) {
          lines.add(text);
        }
        queue.add(new Line(text, System.nanoTime()));
      }
    } catch (IOException e) {
      // the pipe broke with the child: what was read is all there is
    } finally {
      queue.add(EOF);
    }
  }

  private String exitCode() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? " with status " + process.exitValue() : "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private String stderrTail() {
    try {
      String text = Files.exists(stderr) ? Files.readString(stderr) : "";
      return "\n--- child stderr (" + stderr + ") ---\n" + text.substring(Math.max(0, text.length() - 4000));
    } catch (IOException e) {
      return " (stderr unreadable: " + e + ")";
    }
  }
}
