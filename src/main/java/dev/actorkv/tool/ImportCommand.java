package dev.actorkv.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.LimitExceededException;
import dev.actorkv.store.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
            + "--replace is given, which deletes all its keys in the same atomic write. Blank lines are ignored. "
            + "A line must be valid UTF-8, name each field once, and be no longer than the longest valid entry; "
            + "the input is held in memory until the write (an input larger than the JVM's heap is refused whole).")
final class ImportCommand implements Callable<Integer> {
  /** Room for whitespace around the longest valid line's fields. */
  private static final int MAX_LINE_SLACK = 4096;
  /** Duplicate field names in a line are refused, not resolved by keeping the last one. */
  private static final ObjectReader READER = Json.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  @Spec CommandSpec spec;

  @picocli.CommandLine.Mixin LeaseMixin lease = new LeaseMixin();

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
    // store's lock until its output ends). Each line goes straight into the one batch: no line's text or
    // JSON tree outlives it, so memory is the batch's keys and values (ActorBatch keeps them on the heap).
    StoreAccess.requireStoreOrNew(db);
    ActorBatch batch = new ActorBatch();
    if (replace) {
      batch.deleteRange(KeyRange.all());
    }
    long entries;
    try (InputStream in = open()) {
      entries = read(in, batch, Limits.DEFAULTS);
    } catch (OutOfMemoryError e) {
      batch = null; // the one large allocation: dropping it lets the message below be built
      throw outOfMemory();
    }
    try (ActorStore store = StoreAccess.openForWriting(db, lease)) {
      StoreAccess.checkActorId(store, actor);
      ActorKeyspace keyspace = store.actor(actor);
      if (keyspace.first(KeyRange.all(), false) != null && !replace) {
        throw new Errors.UserError("actor " + Json.quote(actor) + " already has data (" + keyspace.storageBytes()
            + " bytes); import --replace deletes it in the same atomic write");
      }
      try {
        commit(keyspace, batch);
      } catch (OutOfMemoryError e) {
        batch = null;
        throw outOfMemory();
      }
      PrintWriter err = spec.commandLine().getErr();
      err.println("imported " + entries + (entries == 1 ? " entry" : " entries") + " into actor "
          + Json.quote(actor) + " (" + keyspace.storageBytes() + " bytes)");
      err.flush();
    }
    return 0;
  }

  /**
   * The import is one atomic write of every entry, held in memory until it is committed; an input too
   * large for the JVM's heap is refused as a whole, with nothing written.
   */
  private static Errors.UserError outOfMemory() {
    return new Errors.UserError("the input does not fit in memory (the JVM's maximum heap is "
        + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB; an import is one atomic write, held in memory "
        + "until it is committed); nothing was imported", Errors.FAILED);
  }

  private static void commit(ActorKeyspace keyspace, ActorBatch batch) {
    try {
      keyspace.commit(batch);
    } catch (LimitExceededException e) {
      throw new Errors.UserError(e.getMessage() + "; nothing was imported");
    }
  }

  private InputStream open() {
    if (inFile == null) {
      return System.in;
    }
    try {
      if (Files.isDirectory(inFile)) {
        throw new Errors.UserError("cannot read " + inFile + ": it is a directory");
      }
      return Files.newInputStream(inFile);
    } catch (IOException e) {
      throw new Errors.UserError(IoMessages.describe("cannot read", inFile, e));
    }
  }

  /**
   * Reads and validates every line against {@code limits} (those the tool opens stores with), adding
   * each entry to {@code batch}; returns the number of entries.
   */
  private long read(InputStream input, ActorBatch batch, Limits limits) {
    // A line longer than the longest valid one ({"key":"<hex>","value":"<hex>"} at the limits, plus room
    // for whitespace) is refused before it is held in memory or parsed.
    long longest = 2L * (limits.maxKeyBytes() + limits.maxValueBytes()) + MAX_LINE_SLACK;
    // The first bad line ends the import: an over-long one is refused at the bound, not read to its end.
    InputLines in = InputLines.stoppingAtTheFirstBadLine(input, (int) Math.min(Integer.MAX_VALUE - 8, longest));
    Map<ByteBuffer, Long> seen = new HashMap<>();
    Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "import");
    long total = 0;
    long entries = 0;
    InputLines.Line next;
    while ((next = readLine(in)) != null) {
      long lineNo = next.number();
      String line = switch (next) {
        case InputLines.Text t -> t.text();
        case InputLines.Bad b -> throw bad(lineNo, b.problem());
      };
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = READER.readTree(line);
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
      if (key.length > limits.maxKeyBytes()) {
        throw bad(lineNo, new LimitExceededException(LimitExceededException.Limit.KEY_SIZE, key.length, limits.maxKeyBytes()).getMessage());
      }
      byte[] value = hexField(node, "value", lineNo);
      if (value.length > limits.maxValueBytes()) {
        throw bad(lineNo, new LimitExceededException(LimitExceededException.Limit.VALUE_SIZE, value.length, limits.maxValueBytes()).getMessage());
      }
      try {
        KeyDescriber.describe(key);
      } catch (KeyFormatException e) {
        throw bad(lineNo, "key " + Hex.encode(key) + " is not a valid key: " + e.getMessage());
      }
      Long earlier = seen.putIfAbsent(ByteBuffer.wrap(key), lineNo);
      if (earlier != null) {
        throw bad(lineNo, "duplicate key " + Hex.encode(key) + " (first on line " + earlier + ")");
      }
      total += key.length + value.length;
      if (total > limits.maxStorageBytes()) {
        throw bad(lineNo, new LimitExceededException(LimitExceededException.Limit.ACTOR_STORAGE, total, limits.maxStorageBytes()).getMessage());
      }
      batch.put(key, value);
      entries++;
      progress.step();
    }
    progress.done();
    return entries;
  }

  private InputLines.Line readLine(InputLines in) {
    try {
      return in.next();
    } catch (IOException e) {
      String source = inFile == null ? "standard input" : inFile.toString();
      throw new Errors.UserError("cannot read " + source + ": " + IoMessages.reason(e) + "; nothing was imported",
          Errors.FAILED);
    }
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
