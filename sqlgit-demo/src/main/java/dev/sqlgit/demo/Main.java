package dev.sqlgit.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code ./sqlgit} command line. For now it has one command, {@code demo}, which runs the
 * console {@code Walkthrough}.
 *
 * <p>Exit codes: 0 on success, 1 when the command fails (the message goes to stderr), 2 on a usage
 * error (the usage goes to stderr).
 */
public final class Main {
  static final String USAGE =
      """
      usage: sqlgit <command> [options]

      commands:
        demo [--dir <path>]   walk two replicas (alice = master, bob = peer) of a money tracker
                              through offline work, an overdraft conflict and its resolution;
                              --dir: an empty or new folder for the cluster roots
                              (default: a fresh temporary folder, kept afterwards)
        help                  print this message

      options:
        -h, --help            print this message
      """;

  private Main() {}

  /** Runs the command line and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line, printing to {@code out} and {@code err}; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || isHelp(args[0])) {
      out.print(USAGE);
      return 0;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (args[0].equals("demo")) {
      return demo(rest, out, err);
    }
    return usageError("unknown command '" + args[0] + "'", err);
  }

  private static int demo(List<String> args, PrintStream out, PrintStream err) {
    Path dir = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (isHelp(arg)) {
        out.print(USAGE);
        return 0;
      } else if (arg.equals("--dir") && i + 1 < args.size()) {
        dir = Path.of(args.get(++i));
      } else if (arg.equals("--dir")) {
        return usageError("--dir needs a path", err);
      } else {
        return usageError("unknown option for demo: '" + arg + "'", err);
      }
    }
    try {
      if (dir == null) {
        dir = Files.createTempDirectory("sqlgit-demo-");
      }
      new Walkthrough(dir, out).run();
      out.flush();
      return 0;
    } catch (IOException | RuntimeException e) {
      out.flush();
      err.println("sqlgit demo: failed: " + describe(e));
      return 1;
    }
  }

  private static boolean isHelp(String arg) {
    return arg.equals("-h") || arg.equals("--help") || arg.equals("help");
  }

  private static int usageError(String problem, PrintStream err) {
    err.println("sqlgit: " + problem);
    err.print(USAGE);
    return 2;
  }

  /** The message with its causes, one clause each, so a failure is readable without a trace. */
  private static String describe(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (s.length() > 0) {
        s.append("; caused by: ");
      }
      s.append(t.getMessage() != null ? t.getMessage() : t.getClass().getName());
    }
    return s.toString();
  }
}
