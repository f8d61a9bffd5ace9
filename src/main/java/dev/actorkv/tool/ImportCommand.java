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
import dev.actorkv.store.Alarm;
import dev.actorkv.store.StoreException;
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
import java.util.List;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
            + "the actor in ONE atomic write, with its alarms, lines {\"alarm\":NAME,\"due\":\"<ISO-8601 UTC>\",\"payload\":\"<hex>\"}. "
            + "Refuses, writing nothing and naming the line: malformed lines, keys "
            + "that 'key describe' rejects (legacy-layout keys are accepted as legacy), duplicate keys, and keys, "
            + "values or a total over the store's limits, bad alarms (empty or over-long name, a due time that is not "
            + "ISO-8601 or out of range, a payload over 4096 bytes, a name given twice, more alarms than the limit). An actor "
            + "that already has data or alarms is refused unless --replace is given, which deletes all its keys and alarms "
            + "in the same atomic write. Blank lines are ignored. "
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

  @Option(names = "--replace", description = "replace the actor's existing keys and alarms (deleted in the same atomic write)")
  boolean replace;

  /** The alarms read, by name, with their line numbers. */
  private final Map<String, Long> importedAlarms = new HashMap<>();

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
      List<Alarm> existing = keyspace.alarms();
      if ((keyspace.first(KeyRange.all(), false) != null || !existing.isEmpty()) && !replace) {
        throw new Errors.UserError("actor " + Json.quote(actor) + " already has data (" + keyspace.storageBytes()
            + " bytes, " + existing.size() + (existing.size() == 1 ? " alarm" : " alarms")
            + "); import --replace deletes it in the same atomic write");
      }
      for (Alarm a : existing) {
        if (!importedAlarms.containsKey(a.name())) {
          batch.deleteAlarm(a.name()); // --replace: the alarms the input does not set go too
        }
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
      if (node.has("alarm")) {
        batch.setAlarm(alarm(node, lineNo, limits));
        entries++;
        progress.step();
        continue;
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

  /** An alarm line, validated: exactly the fields alarm, due and payload, each well-formed and in range. */
  private Alarm alarm(JsonNode node, long lineNo, Limits limits) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("alarm") && !name.equals("due") && !name.equals("payload")) {
        throw bad(lineNo, "unexpected field \"" + name + "\" in an alarm line");
      }
    }
    JsonNode name = node.get("alarm");
    if (!name.isTextual()) {
      throw bad(lineNo, "field \"alarm\" must be a string (the alarm's name)");
    }
    JsonNode due = node.get("due");
    if (due == null) {
      throw bad(lineNo, "missing field \"due\"");
    }
    if (!due.isTextual()) {
      throw bad(lineNo, "field \"due\" must be an ISO-8601 UTC time string");
    }
    Instant at;
    try {
      at = Instant.parse(due.textValue());
    } catch (DateTimeParseException e) {
      throw bad(lineNo, "field \"due\" is not an ISO-8601 time such as 2030-01-01T00:00:00.000Z: " + Json.quote(due.textValue()));
    }
    byte[] payload = hexField(node, "payload", lineNo);
    Alarm alarm;
    try {
      alarm = new Alarm(name.textValue(), at, payload);
    } catch (StoreException e) {
      throw bad(lineNo, e.getMessage());
    }
    Long earlier = importedAlarms.putIfAbsent(alarm.name(), lineNo);
    if (earlier != null) {
      throw bad(lineNo, "duplicate alarm " + Json.quote(alarm.name()) + " (first on line " + earlier + ")");
    }
    if (importedAlarms.size() > limits.maxAlarmsPerActor()) {
      throw bad(lineNo, new LimitExceededException(LimitExceededException.Limit.ALARM_COUNT, importedAlarms.size(),
          limits.maxAlarmsPerActor()).getMessage());
    }
    return alarm;
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
