package dev.actorkv.reliability;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.io.BaseEncoding;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.migrate.LegacyKeys;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowKeys;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.store.proto.ActorRecord;
import dev.actorkv.store.proto.StoreFormat;
import dev.actorkv.tool.KeyJson;
import dev.actorkv.tuple.Tuple;
import dev.actorkv.tuple.TupleFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The decoders the suite fuzzes, each with valid samples and the check acceptance must pass. */
final class FuzzTargets {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();

  private FuzzTargets() {}

  /** Every target that exists on this branch. */
  static List<FuzzTarget> all() {
    return List.of(tupleDecode(), keyDescribe(), keyJson(), actorRecord(), storeFormat());
  }

  /** {@code Tuple.fromBytes}: accepted input re-packs to the same bytes (canonical decoding). */
  static FuzzTarget tupleDecode() {
    List<byte[]> samples = new ArrayList<>(vectorHex("tuple.jsonl"));
    samples.add(Tuple.of("a", 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 3.5d, 2.5f, true, false, null).pack());
    samples.add(Tuple.of(Tuple.of(Tuple.of("x", null)), new byte[] {0, (byte) 0xff}, new java.math.BigInteger("123456789012345678901234567890")).pack());
    return new FuzzTarget("tuple decode", samples, Set.of(TupleFormatException.class), input -> {
      Tuple t = Tuple.fromBytes(input);
      byte[] again = t.pack();
      if (!Arrays.equals(again, input)) {
        throw new AssertionError("decode-then-encode is not the identity: re-packed as " + HEX.encode(again));
      }
      if (!Tuple.fromBytes(again).equals(t)) {
        throw new AssertionError("re-decoded tuple differs: " + t);
      }
    });
  }

  /**
   * {@code KeyDescriber.describe}: an accepted key encodes back to itself, and its {@code key describe}
   * JSON object parses back to the same description.
   */
  static FuzzTarget keyDescribe() {
    return new FuzzTarget("key describe", keySamples(), Set.of(KeyFormatException.class, TupleFormatException.class), input -> {
      KeyDescription d = KeyDescriber.describe(input);
      byte[] again = d.encode();
      if (!Arrays.equals(again, input)) {
        throw new AssertionError("describe-then-encode is not the identity: " + d + " encodes as " + HEX.encode(again));
      }
      KeyDescription back = KeyJson.fromJsonMap(asMap(JSON.readTree(JSON.writeValueAsString(KeyJson.toJsonMap(d)))));
      if (!back.equals(d)) {
        throw new AssertionError("JSON round trip changed " + d + " into " + back);
      }
    });
  }

  /**
   * {@code KeyJson.fromJsonMap} (the {@code key encode} input) on mutated {@code key describe}
   * objects: the input bytes are JSON text; an accepted object encodes to a key that describes as the
   * same object.
   */
  static FuzzTarget keyJson() {
    List<byte[]> samples = new ArrayList<>();
    for (byte[] key : keySamples()) {
      try {
        samples.add(JSON.writeValueAsBytes(KeyJson.toJsonMap(KeyDescriber.describe(key))));
      } catch (KeyFormatException | TupleFormatException | IOException e) {
        // samples that are rejection vectors have no JSON object
      }
    }
    return new FuzzTarget("key encode (JSON)", samples,
        Set.of(KeyFormatException.class, TupleFormatException.class, IOException.class), input -> {
          JsonNode node = JSON.readTree(input);
          if (node == null || !node.isObject()) {
            throw new IOException("not a JSON object");
          }
          KeyDescription d = KeyJson.fromJsonMap(asMap(node));
          byte[] key = d.encode();
          KeyDescription again = KeyDescriber.describe(key);
          if (!again.equals(d)) {
            throw new AssertionError(d + " encodes as " + HEX.encode(key) + " which describes as " + again);
          }
        });
  }

  /** The store's per-actor bookkeeping record (protobuf). */
  static FuzzTarget actorRecord() {
    return new FuzzTarget("store ActorRecord", List.of(
        ActorRecord.newBuilder().setFormat1Number(1).setStorageBytes(123456789L).build().toByteArray(),
        ActorRecord.newBuilder().setStorageBytes(-1L).setMetadata(com.google.protobuf.ByteString.copyFrom(new byte[] {8, 1}))
            .setFormat(2).build().toByteArray()),
        Set.of(InvalidProtocolBufferException.class), input -> ActorRecord.parseFrom(input));
  }

  /** The store's format record (protobuf). */
  static FuzzTarget storeFormat() {
    return new FuzzTarget("store StoreFormat", List.of(
        StoreFormat.newBuilder().setFormatVersion(1).setCreatedBy("actor-kv").build().toByteArray()),
        Set.of(InvalidProtocolBufferException.class), input -> StoreFormat.parseFrom(input));
  }

  /** Valid keys of every kind (the key vectors plus keys built by the keyspace builders). */
  static List<byte[]> keySamples() {
    List<byte[]> samples = new ArrayList<>(vectorHex("keys.jsonl"));
    WorkflowLocation loc = new WorkflowLocation(List.of(
        new WorkflowLocation.Name(3), new WorkflowLocation.Loop(4, 70000), new WorkflowLocation.Name(0)));
    samples.addAll(List.of(
        ActorKeys.persistedData(), ActorKeys.connection("conn-é"), ActorKeys.inspectorToken(),
        ActorKeys.userKv(new byte[] {0, 1, (byte) 0xff}), QueueKeys.metadata(), QueueKeys.message(-1L),
        WorkflowKeys.name(7), WorkflowKeys.history(loc), WorkflowKeys.field(WorkflowField.INPUT),
        WorkflowKeys.entryMetadata("entry\0x"), TracesKeys.chunk(1_700_000_000L, 42),
        SqliteKeys.fileMeta(SqliteFile.WAL), SqliteKeys.chunk(SqliteFile.MAIN, SqliteKeys.MAX_CHUNK_INDEX),
        LegacyKeys.queueMessage(9), LegacyKeys.queueMetadata(), LegacyKeys.workflowHistory(loc),
        LegacyKeys.workflowEntryMetadata("e")));
    return samples;
  }

  /** The {@code hex} fields of a reference vector file (the repository's copy, on the test classpath). */
  static List<byte[]> vectorHex(String file) {
    String resource = "/vectors/" + file;
    List<byte[]> out = new ArrayList<>();
    try (InputStream in = FuzzTargets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no test resource " + resource);
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
        if (!line.isBlank()) {
          out.add(HEX.decode(JSON.readTree(line).get("hex").asText()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> asMap(JsonNode node) {
    return JSON.convertValue(node, Map.class);
  }
}
