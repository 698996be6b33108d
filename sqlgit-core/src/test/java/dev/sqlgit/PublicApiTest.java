package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards the public API: every public type of the API packages is found, none of their public or
 * protected signatures mentions an {@code internal} type, and nothing throws a checked exception
 * (SPEC §3: the public API throws no checked exceptions).
 */
class PublicApiTest {
  private static final List<String> API_PACKAGES = List.of("dev.sqlgit", "dev.sqlgit.storage", "dev.sqlgit.log");

  @Test
  void theApiPackagesExposeTheSpecNames() throws Exception {
    List<String> names = publicTypes().stream().map(Class::getSimpleName).toList();
    assertThat(names).contains(
        "Peer", "PeerOptions", "ActionRegistry", "Action", "Db", "Row", "RowMapper", "ExecResult", "SyncReport",
        "Resolver", "Resolution", "ConflictContext", "ConflictKind", "PeerAction", "MasterAction", "Source",
        "SqlGitException", "FileSyncLagException", "UnknownActionException", "ActionFailedException",
        "Store", "SqliteStore", "StoreOptions", "MigrationOwnershipException",
        "LogStore", "SqliteLogStore", "FolderLogStore", "LogRecord", "LogMeta");
  }

  @Test
  void noPublicSignatureLeaksAnInternalType() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : publicTypes()) {
      for (Method m : type.getDeclaredMethods()) {
        if (visible(m.getModifiers()) && !m.isSynthetic()) {
          check(type, m, m.getGenericReturnType(), leaks);
          checkParameters(type, m, leaks);
        }
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (visible(c.getModifiers())) {
          checkParameters(type, c, leaks);
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void thePublicApiThrowsNoCheckedException() throws Exception {
    List<String> checked = new ArrayList<>();
    for (Class<?> type : publicTypes()) {
      if (type == Action.class) {
        continue; // an action body may throw anything; the engine wraps it in ActionFailedException
      }
      for (Method m : type.getDeclaredMethods()) {
        if (visible(m.getModifiers())) {
          for (Class<?> e : m.getExceptionTypes()) {
            if (!RuntimeException.class.isAssignableFrom(e) && !Error.class.isAssignableFrom(e)) {
              checked.add(type.getSimpleName() + "." + m.getName() + " throws " + e.getSimpleName());
            }
          }
        }
      }
    }
    assertThat(checked).isEmpty();
  }

  private static void checkParameters(Class<?> type, Executable e, List<String> leaks) {
    for (Type p : e.getGenericParameterTypes()) {
      check(type, e, p, leaks);
    }
  }

  private static void check(Class<?> owner, Executable where, Type t, List<String> leaks) {
    if (t.getTypeName().contains(".internal.")) {
      leaks.add(owner.getName() + "." + where.getName() + " mentions " + t.getTypeName());
    }
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static List<Class<?>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
    Path classes = Path.of(Peer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    for (String pkg : API_PACKAGES) {
      Path dir = classes.resolve(pkg.replace('.', '/'));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
          String name = f.getFileName().toString().replace(".class", "");
          Class<?> c = Class.forName(pkg + "." + name);
          if (Modifier.isPublic(c.getModifiers()) && (c.getEnclosingClass() == null || Modifier.isStatic(c.getModifiers()))) {
            out.add(c);
          }
        }
      }
    }
    return out;
  }
}
