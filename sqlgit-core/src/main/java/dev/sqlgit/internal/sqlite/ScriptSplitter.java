package dev.sqlgit.internal.sqlite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a SQL script into statements at top-level semicolons, respecting quotes, comments and
 * {@code CREATE TRIGGER ... BEGIN ... END} bodies (whose statements end in semicolons too).
 */
public final class ScriptSplitter {
  private ScriptSplitter() {}

  /** The statements of {@code script}, stripped, without empty or comment-only ones. */
  public static List<String> split(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int depth = 0; // BEGIN/CASE ... END nesting inside a trigger body
    boolean inTrigger = false;
    StringBuilder word = new StringBuilder();
    int i = 0;
    int n = script.length();
    while (i < n) {
      char c = script.charAt(i);
      if (c == '\'' || c == '"' || c == '`' || c == '[') {
        char close = c == '[' ? ']' : c;
        int end = i + 1;
        while (end < n) {
          if (script.charAt(end) == close) {
            if (close != ']' && end + 1 < n && script.charAt(end + 1) == close) {
              end += 2;
              continue;
            }
            break;
          }
          end++;
        }
        end = Math.min(end + 1, n);
        inTrigger |= endWord(word, current, out);
        current.append(script, i, end);
        i = end;
        continue;
      }
      if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
        int end = script.indexOf('\n', i);
        end = end < 0 ? n : end;
        current.append(script, i, end);
        i = end;
        continue;
      }
      if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
        int end = script.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        current.append(script, i, end);
        i = end;
        continue;
      }
      if (Character.isLetterOrDigit(c) || c == '_') {
        word.append(c);
        current.append(c);
        i++;
        continue;
      }
      String w = word.toString().toUpperCase(Locale.ROOT);
      word.setLength(0);
      if (isTriggerStart(current, w)) {
        inTrigger = true;
      }
      if (inTrigger) {
        if (w.equals("BEGIN") || w.equals("CASE")) {
          depth++;
        } else if (w.equals("END")) {
          depth--;
        }
      }
      if (c == ';' && (!inTrigger || depth <= 0)) {
        add(out, current);
        current.setLength(0);
        inTrigger = false;
        depth = 0;
      } else {
        current.append(c);
      }
      i++;
    }
    add(out, current);
    return out;
  }

  // Returns whether the word just finished (before a quoted token) starts a trigger.
  private static boolean endWord(StringBuilder word, StringBuilder current, List<String> out) {
    String w = word.toString().toUpperCase(Locale.ROOT);
    word.setLength(0);
    return isTriggerStart(current, w);
  }

  private static boolean isTriggerStart(StringBuilder current, String lastWord) {
    if (!lastWord.equals("TRIGGER")) {
      return false;
    }
    String head = current.toString().stripLeading().toUpperCase(Locale.ROOT);
    return head.startsWith("CREATE");
  }

  private static void add(List<String> out, StringBuilder statement) {
    String s = statement.toString().strip();
    if (!s.isEmpty() && !isOnlyComments(s)) {
      out.add(s);
    }
  }

  private static boolean isOnlyComments(String s) {
    String rest = s.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("--[^\\n]*", "").strip();
    return rest.isEmpty();
  }
}
