package dev.sqlgit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void noArgumentsOrHelpPrintUsage() {
    assertThat(run()).isZero();
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: sqlgit").contains("demo");
    assertThat(err.size()).isZero();
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown command 'frobnicate'")
        .contains("usage: sqlgit");
    assertThat(out.size()).isZero();
  }

  @Test
  void unknownDemoOptionIsAUsageError() {
    assertThat(run("demo", "--fast")).isEqualTo(2);
    assertThat(run("demo", "--dir")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--fast").contains("--dir needs");
  }
}
