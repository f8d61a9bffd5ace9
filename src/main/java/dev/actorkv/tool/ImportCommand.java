package dev.actorkv.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.LimitExceededException;
import dev.actorkv.store.Limits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code keyspace import DB --actor ID [--in FILE] [--replace]}: the inverse of export, as one atomic
 * write. Every line is validated first (JSON shape, hex, a key that {@code key describe} accepts or a
 * legacy key, no duplicate, the store's limits); on the first bad line nothing is written and the error
 * names the line.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description =
        "Reads JSON lines {\"key\":\"<hex>\",\"value\":\"<hex>\"} (as written by 'export') and writes them to "
            + "the actor in ONE atomic write. Refuses, writing nothing and naming the line: malformed lines, keys "
            + "that 'key describe' rejects (legacy-layout keys are accepted as legacy), duplicate keys, and keys, "
            + "values or a total over the store's limits. An actor that already has data is refused unless "
            + "--replace is given, which deletes all its keys in the same atomic write. Blank lines are ignored.")
final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DB", description = "the store: a directory, or a postgresql:// URI (created when missing or empty)")
  String db;

  @Option(names = "--actor", required = true, paramLabel = "ID", description = "the actor to import into")
  String actor;

  @Option(names = "--in", paramLabel = "FILE", description = "read FILE instead of standard input")
  Path inFile;

  @Option(names = "--replace", description = "replace the actor's existing keys (deleted in the same atomic write)")
  boolean replace;

  @Override
  public Integer call() throws IOException {
    // The whole input is read and validated before the store is opened: nothing is written on a bad
    // line, and `keyspace export DB ... | keyspace import DB ...` works on one DB (the exporter holds the
    // store's lock until its output ends).
    StoreAccess.requireStoreOrNew(db);
    List<KeyValue> entries;
    try (BufferedReader in = open()) {
      entries = read(in, Limits.DEFAULTS);
    }
    try (ActorStore store = StoreAccess.openForWriting(db)) {
      StoreAccess.checkActorId(store, actor);
      ActorKeyspace keyspace = store.actor(actor);
      if (keyspace.first(KeyRange.all(), false) != null && !replace) {
        throw new Errors.UserError("actor " + Json.quote(actor) + " already has data (" + keyspace.storageBytes()
            + " bytes); import --replace deletes it in the same atomic write");
      }
      ActorBatch batch = keyspace.batch();
      if (replace) {
        batch.deleteRange(KeyRange.all());
      }
      for (KeyValue kv : entries) {
        batch.put(kv.key(), kv.value());
      }
      commit(keyspace, batch);
      PrintWriter err = spec.commandLine().getErr();
      err.println("imported " + entries.size() + (entries.size() == 1 ? " entry" : " entries") + " into actor "
          + Json.quote(actor) + " (" + keyspace.storageBytes() + " bytes)");
      err.flush();
    }
    return 0;
  }

  private static void commit(ActorKeyspace keyspace, ActorBatch batch) {
    try {
      keyspace.commit(batch);
    } catch (LimitExceededException e) {
      throw new Errors.UserError(e.getMessage() + "; nothing was imported");
    }
  }

  private BufferedReader open() {
    if (inFile == null) {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    try {
      return Files.newBufferedReader(inFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new Errors.UserError("cannot read " + inFile + ": no such file");
    } catch (IOException e) {
      throw new Errors.UserError("cannot read " + inFile + ": " + e.getMessage());
    }
  }

  /** Reads and validates every line against {@code limits} (those the tool opens stores with). */
  private List<KeyValue> read(BufferedReader in, Limits limits) throws IOException {
    List<KeyValue> entries = new ArrayList<>();
    Map<String, Long> seen = new HashMap<>();
    Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "import");
    long lineNo = 0;
    long total = 0;
    String line;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = Json.MAPPER.readTree(line);
      } catch (JsonProcessingException e) {
        throw bad(lineNo, "not JSON: " + Json.problem(e));
      }
      if (node == null || !node.isObject()) {
        throw bad(lineNo, "expected an object {\"key\":\"<hex>\",\"value\":\"<hex>\"}");
      }
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!name.equals("key") && !name.equals("value")) {
          throw bad(lineNo, "unexpected field \"" + name + "\"");
        }
      }
      byte[] key = hexField(node, "key", lineNo);
      byte[] value = hexField(node, "value", lineNo);
      try {
        KeyDescriber.describe(key);
      } catch (KeyFormatException e) {
        throw bad(lineNo, "key " + Hex.encode(key) + " is not a valid key: " + e.getMessage());
      }
      Long earlier = seen.putIfAbsent(Hex.encode(key), lineNo);
      if (earlier != null) {
        throw bad(lineNo, "duplicate key " + Hex.encode(key) + " (first on line " + earlier + ")");
      }
      if (key.length > limits.maxKeyBytes()) {
        throw bad(lineNo, new LimitExceededException(LimitExceededException.Limit.KEY_SIZE, key.length, limits.maxKeyBytes()).getMessage());
      }
      if (value.length > limits.maxValueBytes()) {
        throw bad(lineNo, new LimitExceededException(LimitExceededException.Limit.VALUE_SIZE, value.length, limits.maxValueBytes()).getMessage());
      }
      total += key.length + value.length;
      if (total > limits.maxStorageBytes()) {
        throw bad(lineNo, new LimitExceededException(LimitExceededException.Limit.ACTOR_STORAGE, total, limits.maxStorageBytes()).getMessage());
      }
      entries.add(new KeyValue(key, value));
      progress.step();
    }
    progress.done();
    return entries;
  }

  private static byte[] hexField(JsonNode node, String field, long lineNo) {
    JsonNode v = node.get(field);
    if (v == null) {
      throw bad(lineNo, "missing field \"" + field + "\"");
    }
    if (!v.isTextual()) {
      throw bad(lineNo, "field \"" + field + "\" must be a hex string");
    }
    try {
      return Hex.decode(v.textValue(), "field \"" + field + "\"");
    } catch (TupleNotationException e) {
      throw bad(lineNo, e.getMessage());
    }
  }

  private static Errors.UserError bad(long lineNo, String message) {
    return new Errors.UserError("line " + lineNo + ": " + message + "; nothing was imported");
  }
}
