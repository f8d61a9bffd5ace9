package dev.actorkv.migrate;

import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Moves an actor's legacy-layout keys (ACTOR_KV_STRUCTURE.md section 2) to layout v1, in bounded batches.
 *
 * <p>Each batch is ONE atomic {@link ActorBatch}: the v1 keys of up to {@code batchSize} legacy keys, the
 * deletion of those legacy keys, and the actor's migration marker (cumulative counts) and layout version
 * 0 in its metadata (outside the actor's logical keyspace, see {@link LayoutMetadata}). The batch that
 * handles the last legacy key also marks the migration complete and sets the layout version to 1. Because a
 * legacy key disappears in the same write that creates its v1 key, what is left to do is always exactly
 * the legacy keys still present: a run interrupted anywhere (even by SIGKILL) resumes where it stopped,
 * its batches are the ones an uninterrupted run would have written, and the end state (keys, values,
 * layout version, marker) is byte for byte the same. A run on an actor without legacy keys whose
 * migration is recorded complete writes nothing.
 *
 * <p>Values move unchanged; the legacy workflow field "version" is dropped (counted, never silently).
 * When a v1 key already exists with a different value, the {@link ConflictPolicy} decides; the default
 * stops with {@link MigrationConflictException} before writing that batch.
 *
 * <p>Reads are bounded iterators over the one range {@code [05, 0A)} that can hold legacy keys; each key
 * is read once per run, so a migration is linear in the size of that range. Like the managers, the
 * migration assumes it is the actor's only writer while it runs. Thread-safe: a Migrator holds no
 * mutable state.
 */
public final class Migrator {
  private final MigrationOptions options;

  public Migrator(MigrationOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  public static Migrator withDefaults() {
    return new Migrator(MigrationOptions.defaults());
  }

  public MigrationOptions options() {
    return options;
  }

  /**
   * Migrates {@code actor} to layout v1, committing batch after batch, and returns what the whole
   * migration did. Throws {@link MigrationConflictException} on a conflict under
   * {@link ConflictPolicy#FAIL}, {@link InvalidLegacyKeyException} on a legacy key that does not decode,
   * and any {@link dev.actorkv.store.StoreException} of a failed write; committed batches stay.
   */
  public MigrationResult migrate(ActorKeyspace actor) {
    MigrationMarkers.Progress start = MigrationMarkers.read(actor);
    boolean resumed = start.inProgress();
    long batches = resumed ? start.batches() : 0;
    MigrationCounts counts = resumed ? start.counts() : MigrationCounts.ZERO;
    LegacyCursor cursor = new LegacyCursor(actor, options.batchSize());
    boolean first = true;
    while (true) {
      LegacyCursor.Chunk chunk = cursor.next();
      if (first && chunk.entries().isEmpty() && !LayoutMetadata.recordsLegacy(actor)
          && (start.complete() || LayoutMetadata.marker(actor) == null)) {
        return new MigrationResult(actor.actorId(), true, false, 0, MigrationCounts.ZERO);
      }
      first = false;
      List<LegacyChange> changes = classify(actor, chunk.entries());
      List<LegacyChange> conflicts = changes.stream().filter(c -> c.action() == LegacyChange.Action.CONFLICT).toList();
      if (!conflicts.isEmpty()) {
        throw new MigrationConflictException(actor.actorId(), conflicts);
      }
      ActorBatch batch = actor.batch();
      MigrationCounts batchCounts = MigrationCounts.ZERO;
      for (int i = 0; i < changes.size(); i++) {
        LegacyChange c = changes.get(i);
        if (c.action() == LegacyChange.Action.MOVE || c.action() == LegacyChange.Action.KEEP_LEGACY) {
          batch.put(c.v1Key(), chunk.entries().get(i).value());
        }
        batch.delete(c.legacyKey());
        batchCounts = batchCounts.plus(c.legacy().namespace(), c.counts());
      }
      MigrationCounts newCounts = counts.plus(batchCounts);
      long newBatches = batches + 1;
      batch.setMetadata(LayoutMetadata.with(actor, chunk.last() ? Namespace.CURRENT_VERSION : 0,
          MigrationMarkers.encode(chunk.last(), newBatches, newCounts)));
      actor.commit(batch);
      counts = newCounts;
      batches = newBatches;
      options.listener().onBatchCommitted(actor.actorId(), batches, counts);
      if (chunk.last()) {
        return new MigrationResult(actor.actorId(), false, resumed, batches, counts);
      }
    }
  }

  /**
   * Dry run: what {@link #migrate} would do to {@code actor}, one {@link LegacyChange} per legacy key
   * given to {@code sink} in key order, every conflict included (a real run would stop at the first
   * batch holding one). Writes nothing. Returns the counts the changes add up to.
   */
  public MigrationCounts plan(ActorKeyspace actor, Consumer<LegacyChange> sink) {
    LegacyCursor cursor = new LegacyCursor(actor, options.batchSize());
    MigrationCounts counts = MigrationCounts.ZERO;
    while (true) {
      LegacyCursor.Chunk chunk = cursor.next();
      for (LegacyChange c : classify(actor, chunk.entries())) {
        sink.accept(c);
        counts = counts.plus(c.legacy().namespace(), c.counts());
      }
      if (chunk.last()) {
        return counts;
      }
    }
  }

  /** Decides each entry's change, reading the existing v1 keys with one multi-get. */
  private List<LegacyChange> classify(ActorKeyspace actor, List<LegacyEntry> entries) {
    List<byte[]> targets = new ArrayList<>();
    for (LegacyEntry e : entries) {
      if (e.v1Key() != null) {
        targets.add(e.v1Key());
      }
    }
    List<byte[]> existing = targets.isEmpty() ? List.of() : actor.multiGet(targets);
    List<LegacyChange> out = new ArrayList<>(entries.size());
    int t = 0;
    for (LegacyEntry e : entries) {
      LegacyChange.Action action;
      if (e.v1Key() == null) {
        action = LegacyChange.Action.DROP;
      } else {
        byte[] current = existing.get(t++);
        if (current == null) {
          action = LegacyChange.Action.MOVE;
        } else if (Arrays.equals(current, e.value())) {
          action = LegacyChange.Action.IDENTICAL;
        } else {
          action = switch (options.conflictPolicy()) {
            case FAIL -> LegacyChange.Action.CONFLICT;
            case PREFER_LEGACY -> LegacyChange.Action.KEEP_LEGACY;
            case PREFER_V1 -> LegacyChange.Action.KEEP_V1;
          };
        }
      }
      out.add(new LegacyChange(action, e.key(), e.legacy(), e.v1Key(), e.value().length));
    }
    return out;
  }

  /** One legacy entry read from the store, with its decoded key and v1 key (null when dropped). */
  private record LegacyEntry(byte[] key, KeyDescription legacy, byte[] v1Key, byte[] value) {}

  /**
   * Walks the legacy keys of one actor in key order, a chunk of at most {@code batchSize} at a time.
   * Each chunk opens a fresh bounded iterator at the first legacy key not yet returned (so it sees the
   * previous batch's commit), and after filling the chunk reads ahead to the next legacy key, so that it
   * knows whether this chunk is the last one and where the next starts: no key is read twice.
   */
  private static final class LegacyCursor {
    record Chunk(List<LegacyEntry> entries, boolean last) {}

    private final ActorKeyspace actor;
    private final int batchSize;
    private final byte[] end = LegacyKeys.candidateSpan().end();
    private byte[] from = LegacyKeys.candidateSpan().begin();

    LegacyCursor(ActorKeyspace actor, int batchSize) {
      this.actor = actor;
      this.batchSize = batchSize;
    }

    Chunk next() {
      List<LegacyEntry> entries = new ArrayList<>(Math.min(batchSize, 1024));
      try (KeyValueIterator it = actor.iterator(KeyRange.of(from, end), false)) {
        while (it.hasNext()) {
          byte[] key = it.peekKey();
          if (!LegacyKeys.isLegacy(key)) {
            it.next();
            continue;
          }
          if (entries.size() == batchSize) {
            from = key;
            return new Chunk(entries, false);
          }
          entries.add(decode(it.next()));
        }
      }
      return new Chunk(entries, true);
    }

    private LegacyEntry decode(KeyValue kv) {
      KeyDescription d;
      try {
        d = KeyDescriber.describe(kv.key());
      } catch (KeyFormatException e) {
        throw new InvalidLegacyKeyException(actor.actorId(), kv.key(), e);
      }
      if (!d.isLegacy()) {
        // isLegacy and describe disagree: a layout bug, never a user's data problem.
        throw new IllegalStateException("key classified legacy by bytes but described as " + d);
      }
      byte[] v1 = LegacyMapping.toV1(d).map(KeyDescription::encode).orElse(null);
      return new LegacyEntry(kv.key(), d, v1, kv.value());
    }
  }
}
