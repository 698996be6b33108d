package dev.sqlgit.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlgit.MasterAction;
import dev.sqlgit.PeerAction;
import dev.sqlgit.Source;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The log line format (SPEC §1), byte for byte: other replicas and the master's anchor compare lines. */
class LogCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void peerLinesAreTheSpecFormat() throws Exception {
    JsonNode params = JSON.readTree("{\"id\":\"n\\\"1\\u0001\",\"amount\":1.50,\"tags\":[\"é\",null]}");
    assertThat(LogCodec.encode(new PeerLogEntry.Action(new PeerAction(7, "add", params, 3, false, 0))))
        .isEqualTo("{\"kind\":\"action\",\"seq\":7,\"name\":\"add\","
            + "\"params\":{\"id\":\"n\\\"1\\u0001\",\"amount\":1.5,\"tags\":[\"é\",null]},\"baseMasterSeq\":3}");
    assertThat(LogCodec.encode(new PeerLogEntry.Action(new PeerAction(8, "fix", com.fasterxml.jackson.databind.node.NullNode.instance, 4, true, 2))))
        .isEqualTo("{\"kind\":\"action\",\"seq\":8,\"name\":\"fix\",\"params\":null,\"baseMasterSeq\":4,\"force\":true,\"schema\":2}");
    assertThat(LogCodec.encode(new PeerLogEntry.MasterAck(12, 9)))
        .isEqualTo("{\"kind\":\"master_ack\",\"masterSeq\":12,\"lastSeq\":9}");
  }

  @Test
  void masterLinesAreTheSpecFormat() throws Exception {
    JsonNode params = JSON.readTree("{\"to\":\"b\"}");
    assertThat(LogCodec.encode(new MasterLogEntry.Action(new MasterAction(5, "pay", params, new Source("bob", 2), true, 1))))
        .isEqualTo("{\"kind\":\"action\",\"seq\":5,\"name\":\"pay\",\"params\":{\"to\":\"b\"},"
            + "\"source\":{\"peer\":\"bob\",\"seq\":2},\"forced\":true,\"schema\":1}");
    assertThat(LogCodec.encode(new MasterLogEntry.PeerAck("bob", 5)))
        .isEqualTo("{\"kind\":\"peer_ack\",\"peer\":\"bob\",\"masterSeq\":5}");
    assertThat(LogCodec.encode(new MasterLogEntry.Snapshot(40))).isEqualTo("{\"kind\":\"snapshot\",\"masterSeq\":40}");
  }

  // A decoded line encodes to the same line (numbers may come back as other node types, e.g. a
  // long 0 as an int node, so the entries themselves are compared through their lines).
  @Property(tries = 300)
  void peerLinesSurviveTheRoundTrip(@ForAll("peerActions") PeerAction action) {
    String line = LogCodec.encode(new PeerLogEntry.Action(action));
    PeerLogEntry decoded = LogCodec.decodePeer("test", new JsonLine(1, line));
    assertThat(LogCodec.encode(decoded)).isEqualTo(line);
    assertThat(((PeerLogEntry.Action) decoded).action().name()).isEqualTo(action.name());
  }

  @Property(tries = 300)
  void masterLinesSurviveTheRoundTrip(@ForAll("masterActions") MasterAction action) {
    String line = LogCodec.encode(new MasterLogEntry.Action(action));
    MasterLogEntry decoded = LogCodec.decodeMaster("test", new JsonLine(1, line));
    assertThat(LogCodec.encode(decoded)).isEqualTo(line);
    assertThat(((MasterLogEntry.Action) decoded).action().source()).isEqualTo(action.source());
  }

  @Provide
  Arbitrary<PeerAction> peerActions() {
    return Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE), names(), params(),
            Arbitraries.longs().between(0, 1_000_000), Arbitraries.of(true, false), Arbitraries.integers().between(0, 5))
        .as(PeerAction::new);
  }

  @Provide
  Arbitrary<MasterAction> masterActions() {
    return Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE), names(), params(),
            names().map(p -> new Source(p, 1)), Arbitraries.of(true, false), Arbitraries.integers().between(0, 5))
        .as(MasterAction::new);
  }

  private static Arbitrary<String> names() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(12); // any characters, escapes included
  }

  private static Arbitrary<JsonNode> params() {
    return Combinators.combine(Arbitraries.strings().ofMaxLength(20), Arbitraries.longs(), Arbitraries.doubles())
        .as((s, l, d) -> {
          ObjectNode n = JSON.createObjectNode();
          n.put("s", s).put("l", l).put("d", d);
          n.putArray("a").add(s).addNull();
          return n;
        });
  }
}
