package dev.sqlgit.internal.log;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlgit.IntegrityException;
import dev.sqlgit.MasterAction;
import dev.sqlgit.PeerAction;
import dev.sqlgit.Source;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** JSON lines to log entries and back, exactly in the SPEC §1 format. */
public final class LogCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LogCodec() {}

  /**
   * The line of {@code entry}. Written straight to a generator rather than through a tree: a submit
   * batch encodes one line per action while holding the writer. The field order is the format's.
   */
  public static String encode(PeerLogEntry entry) {
    return write(g -> {
      if (entry instanceof PeerLogEntry.Action) {
        PeerAction a = ((PeerLogEntry.Action) entry).action();
        writeActionHead(g, a.seq(), a.name(), a.params());
        g.writeNumberField("baseMasterSeq", a.baseMasterSeq());
        if (a.force()) {
          g.writeBooleanField("force", true);
        }
        if (a.schema() > 0) {
          g.writeNumberField("schema", a.schema());
        }
      } else if (entry instanceof PeerLogEntry.MasterAck) {
        PeerLogEntry.MasterAck ack = (PeerLogEntry.MasterAck) entry;
        g.writeStringField("kind", "master_ack");
        g.writeNumberField("masterSeq", ack.masterSeq());
        g.writeNumberField("lastSeq", ack.lastSeq());
      } else {
        throw new AssertionError(entry);
      }
    });
  }

  /** The fields every action line starts with, peer and master alike. */
  private static void writeActionHead(JsonGenerator g, long seq, String name, JsonNode params) throws IOException {
    g.writeStringField("kind", "action");
    g.writeNumberField("seq", seq);
    g.writeStringField("name", name);
    g.writeFieldName("params");
    g.writeTree(params);
  }

  /** The fields of one JSON object, written by {@link #write}. */
  @FunctionalInterface
  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Fields fields) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.setCodec(JSON); // for the params tree
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** The line of {@code entry} (see {@link #encode(PeerLogEntry)}). */
  public static String encode(MasterLogEntry entry) {
    return write(g -> {
      if (entry instanceof MasterLogEntry.Action) {
        MasterAction a = ((MasterLogEntry.Action) entry).action();
        writeActionHead(g, a.seq(), a.name(), a.params());
        g.writeObjectFieldStart("source");
        g.writeStringField("peer", a.source().peer());
        g.writeNumberField("seq", a.source().seq());
        g.writeEndObject();
        if (a.forced()) {
          g.writeBooleanField("forced", true);
        }
        if (a.schema() > 0) {
          g.writeNumberField("schema", a.schema());
        }
      } else if (entry instanceof MasterLogEntry.PeerAck) {
        MasterLogEntry.PeerAck ack = (MasterLogEntry.PeerAck) entry;
        g.writeStringField("kind", "peer_ack");
        g.writeStringField("peer", ack.peer());
        g.writeNumberField("masterSeq", ack.masterSeq());
      } else if (entry instanceof MasterLogEntry.Snapshot) {
        g.writeStringField("kind", "snapshot");
        g.writeNumberField("masterSeq", ((MasterLogEntry.Snapshot) entry).masterSeq());
      } else {
        throw new AssertionError(entry);
      }
    });
  }

  public static PeerLogEntry decodePeer(String file, JsonLine line) {
    JsonNode n = parse(file, line);
    String kind = text(n, "kind", file, line);
    switch (kind) {
      case "action":
        return new PeerLogEntry.Action(
            new PeerAction(
                positive(n, "seq", file, line),
                text(n, "name", file, line),
                params(n),
                nonNegative(n, "baseMasterSeq", file, line),
                n.path("force").asBoolean(false),
                schema(n, file, line)));
      case "master_ack":
        return new PeerLogEntry.MasterAck(
            nonNegative(n, "masterSeq", file, line),
            n.has("lastSeq") ? nonNegative(n, "lastSeq", file, line) : 0);
      default:
        throw bad(file, line, "unknown entry kind '" + kind + "' in a peer log");
    }
  }

  public static MasterLogEntry decodeMaster(String file, JsonLine line) {
    JsonNode n = parse(file, line);
    String kind = text(n, "kind", file, line);
    switch (kind) {
      case "action":
        JsonNode source = n.path("source");
        if (!source.isObject()) {
          throw bad(file, line, "master action without a source");
        }
        return new MasterLogEntry.Action(
            new MasterAction(
                positive(n, "seq", file, line),
                text(n, "name", file, line),
                params(n),
                new Source(text(source, "peer", file, line), nonNegative(source, "seq", file, line)),
                n.path("forced").asBoolean(false),
                schema(n, file, line)));
      case "peer_ack":
        return new MasterLogEntry.PeerAck(
            text(n, "peer", file, line), nonNegative(n, "masterSeq", file, line));
      case "snapshot":
        return new MasterLogEntry.Snapshot(nonNegative(n, "masterSeq", file, line));
      default:
        throw bad(file, line, "unknown entry kind '" + kind + "' in the master log");
    }
  }

  private static JsonNode parse(String file, JsonLine line) {
    try {
      JsonNode n = JSON.readTree(line.text());
      if (n == null || !n.isObject()) {
        throw bad(file, line, "not a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new IntegrityException(where(file, line) + ": malformed JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static int schema(JsonNode n, String file, JsonLine line) {
    return n.has("schema") ? Math.toIntExact(nonNegative(n, "schema", file, line)) : 0;
  }

  private static JsonNode params(JsonNode n) {
    JsonNode p = n.get("params");
    return p == null ? JSON.nullNode() : p;
  }

  private static String text(JsonNode n, String field, String file, JsonLine line) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw bad(file, line, "missing or non-text '" + field + "'");
    }
    return v.asText();
  }

  private static long nonNegative(JsonNode n, String field, String file, JsonLine line) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
      throw bad(file, line, "missing or invalid '" + field + "' (a non-negative integer)");
    }
    return v.asLong();
  }

  private static long positive(JsonNode n, String field, String file, JsonLine line) {
    long v = nonNegative(n, field, file, line);
    if (v < 1) {
      throw bad(file, line, "'" + field + "' must be >= 1");
    }
    return v;
  }

  private static IntegrityException bad(String file, JsonLine line, String what) {
    return new IntegrityException(where(file, line) + ": " + what);
  }

  static String where(String file, JsonLine line) {
    return file + " line " + line.number();
  }
}
