package dev.actorkv.reliability;

import com.google.common.primitives.Longs;
import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * The crash workload's operations: operation {@code i} of a run with seed {@code s} is a pure function of
 * {@code (s, i)}, so the parent test recomputes exactly what the killed child did. Each operation is one
 * logical, atomic change of one actor (one commit): store-level batches of state, connections and user
 * KV, or durable-queue enqueues and receives. Every value written is self-checking: it carries the
 * operation index and a CRC-32 over actor, key, index and payload, so a torn or misplaced value is
 * detectable even without the model.
 */
final class CrashOps {
  /** Actor ids, including one that extends another with a NUL (prefix isolation). */
  static final List<String> ACTORS = List.of("a", "a\0", "actor-é", "b");

  /** One change inside an operation. */
  sealed interface Mutation permits Put, Delete, DeleteRange, DeleteActor {}

  record Put(byte[] key, byte[] value) implements Mutation {}

  record Delete(byte[] key) implements Mutation {}

  record DeleteRange(KeyRange range) implements Mutation {}

  /** Deletes every key of the actor (its own atomic write). */
  record DeleteActor() implements Mutation {}

  /** Operation {@code index} of the workload, on one actor; each is one atomic change. */
  sealed interface Op permits KvOp, Enqueue, Receive {
    long index();

    String actorId();

    String kind();
  }

  /** Store-level changes of one actor, committed as one batch (or a whole-actor delete). */
  record KvOp(long index, String actorId, String kind, List<Mutation> mutations) implements Op {
    boolean deletesActor() {
      return mutations.size() == 1 && mutations.getFirst() instanceof DeleteActor;
    }

    void apply(ActorStore store) {
      ActorKeyspace actor = store.actor(actorId);
      if (deletesActor()) {
        actor.deleteAll();
        return;
      }
      ActorBatch b = actor.batch();
      for (Mutation m : mutations) {
        switch (m) {
          case Put p -> b.put(p.key(), p.value());
          case Delete d -> b.delete(d.key());
          case DeleteRange r -> b.deleteRange(r.range());
          case DeleteActor x -> throw new IllegalStateException("delete actor is an operation of its own");
        }
      }
      actor.commit(b);
    }

    public String kind() {
      return kind;
    }
  }

  /** Enqueues messages (bodies in order) on the actor's durable queue with one enqueueAll. */
  record Enqueue(long index, String actorId, List<String> bodies) implements Op {
    public String kind() {
      return "queue enqueue";
    }
  }

  /** Receives (removes) up to {@code count} messages of any name from the actor's queue. */
  record Receive(long index, String actorId, int count) implements Op {
    public String kind() {
      return "queue receive";
    }
  }

  private CrashOps() {}

  static Op op(long seed, long index) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    String actor = ACTORS.get(r.nextInt(ACTORS.size()));
    List<Mutation> ms = new ArrayList<>();
    int kind = r.nextInt(100);
    if (kind < 18) {
      List<String> bodies = new ArrayList<>();
      for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
        bodies.add("op" + index + "-" + i);
      }
      return new Enqueue(index, actor, List.copyOf(bodies));
    }
    if (kind < 30) {
      return new Receive(index, actor, 1 + r.nextInt(3));
    }
    kind = r.nextInt(100);
    String name;
    if (kind < 45) {
      name = "user kv batch";
      int n = 1 + r.nextInt(8);
      for (int i = 0; i < n; i++) {
        byte[] key = userKey(r.nextInt(64));
        switch (r.nextInt(6)) {
          case 0 -> ms.add(new Delete(key));
          case 1 -> {
            int from = r.nextInt(64);
            ms.add(new DeleteRange(KeyRange.of(userKey(from), userKey(Math.min(64, from + 1 + r.nextInt(8))))));
          }
          default -> ms.add(new Put(key, value(actor, key, index, r.nextInt(300), r)));
        }
      }
    } else if (kind < 75) {
      name = "connections batch";
      if (r.nextInt(3) == 0) {
        ms.add(new DeleteRange(ActorKeys.connections()));
      }
      int n = 1 + r.nextInt(6);
      for (int i = 0; i < n; i++) {
        byte[] key = ActorKeys.connection("conn-" + r.nextInt(12));
        ms.add(new Put(key, value(actor, key, index, 20 + r.nextInt(200), r)));
      }
      byte[] state = ActorKeys.persistedData();
      ms.add(new Put(state, value(actor, state, index, 50 + r.nextInt(500), r)));
    } else if (kind < 90) {
      name = "state";
      byte[] key = r.nextBoolean() ? ActorKeys.persistedData() : ActorKeys.inspectorToken();
      ms.add(new Put(key, value(actor, key, index, r.nextInt(2000), r)));
    } else if (kind < 99) {
      name = "large batch";
      int n = 50 + r.nextInt(150);
      for (int i = 0; i < n; i++) {
        byte[] key = userKey(r.nextInt(256));
        ms.add(new Put(key, value(actor, key, index, 1024, r)));
      }
    } else {
      name = "delete actor";
      ms.add(new DeleteActor());
    }
    return new KvOp(index, actor, name, List.copyOf(ms));
  }

  /** The image's entries written by store-level operations (namespaces 01-04; the queue has its own check). */
  static List<KeyValue> kvEntries(DiskImage image) {
    return image.entries().stream().filter(kv -> (kv.key()[0] & 0xff) < 0x05).toList();
  }

  static byte[] userKey(int i) {
    return ActorKeys.userKv(new byte[] {(byte) 'k', (byte) (i >>> 8), (byte) i});
  }

  /** {@code u64 index, u32 crc, payload}; the CRC covers actor id, key, index and payload. */
  static byte[] value(String actor, byte[] key, long index, int payloadLength, SplittableRandom r) {
    byte[] payload = new byte[payloadLength];
    r.nextBytes(payload);
    ByteBuffer b = ByteBuffer.allocate(12 + payloadLength);
    b.putLong(index).putInt((int) crc(actor, key, index, payload)).put(payload);
    return b.array();
  }

  /** Null when {@code value} is intact for {@code actor} and {@code key}, else what is wrong. */
  static String checkValue(String actor, byte[] key, byte[] value) {
    if (value.length < 12) {
      return "value of " + value.length + " bytes is shorter than its header";
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    long index = b.getLong();
    int crc = b.getInt();
    byte[] payload = new byte[value.length - 12];
    b.get(payload);
    return (int) crc(actor, key, index, payload) == crc ? null : "checksum mismatch (value of operation " + index + ")";
  }

  private static long crc(String actor, byte[] key, long index, byte[] payload) {
    CRC32 c = new CRC32();
    c.update(actor.getBytes(StandardCharsets.UTF_8));
    c.update(0);
    c.update(key);
    c.update(Longs.toByteArray(index));
    c.update(payload);
    return c.getValue();
  }
}
