package dev.actorkv.traces;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.NamespaceAudit;
import java.util.List;
import java.util.Map;

/**
 * The traces namespace for tools: a chunk in OTLP/JSON style (records with hex ids, resource and scope
 * dictionaries), and the namespace's invariants: chunks decode strictly, fit the store's value limit and
 * sit in hour buckets, and no span starts or ends twice.
 */
public final class TracesNamespaceAudit implements NamespaceAudit {
  /** Integers and decimals kept exact, as a tool prints them. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @Override
  public Namespace namespace() {
    return Namespace.TRACES;
  }

  @Override
  public Object describeValue(KeyDescription key, byte[] value) {
    if (!(key instanceof KeyDescription.TracesChunk chunk)) {
      throw new IllegalArgumentException("not a traces chunk key: " + key);
    }
    try {
      return JSON.readValue(TraceChunks.toJson(TraceChunks.decode(chunk, value)), Map.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("chunk JSON does not parse: " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> problems(ActorKeyspace actor) {
    return TraceChunks.check(actor, actor.limits().maxValueBytes());
  }
}
