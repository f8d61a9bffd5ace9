package dev.actorkv.reliability;

import com.google.common.io.BaseEncoding;
import com.google.common.primitives.UnsignedBytes;
import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Page;
import dev.actorkv.store.ActorStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import dev.actorkv.store.KeyValue;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The simple in-memory model of the crash workload: each actor's keys and values after some operations. */
final class CrashModel {
  private final Map<String, TreeMap<byte[], byte[]>> actors = new HashMap<>();
  /** Each actor's queued message bodies in delivery (id) order. */
  private final Map<String, ArrayDeque<String>> queues = new HashMap<>();

  CrashModel copy() {
    CrashModel c = new CrashModel();
    actors.forEach((id, m) -> c.actors.put(id, new TreeMap<>(m)));
    queues.forEach((id, q) -> c.queues.put(id, new ArrayDeque<>(q)));
    return c;
  }

  private ArrayDeque<String> queue(String id) {
    return queues.computeIfAbsent(id, x -> new ArrayDeque<>());
  }

  private TreeMap<byte[], byte[]> actor(String id) {
    return actors.computeIfAbsent(id, x -> new TreeMap<>(UnsignedBytes.lexicographicalComparator()));
  }

  void apply(CrashOps.Op op) {
    switch (op) {
      case CrashOps.KvOp kv -> {
        TreeMap<byte[], byte[]> m = actor(op.actorId());
        for (CrashOps.Mutation mu : kv.mutations()) {
          switch (mu) {
            case CrashOps.Put p -> m.put(p.key(), p.value());
            case CrashOps.Delete d -> m.remove(d.key());
            case CrashOps.DeleteRange r -> m.subMap(r.range().begin(), true, r.range().end(), false).clear();
            case CrashOps.DeleteActor x -> {
              m.clear();
              queue(op.actorId()).clear();
            }
          }
        }
      }
      case CrashOps.Enqueue e -> queue(op.actorId()).addAll(e.bodies());
      case CrashOps.Receive r -> {
        ArrayDeque<String> q = queue(op.actorId());
        for (int i = 0; i < r.count() && !q.isEmpty(); i++) {
          q.poll();
        }
      }
    }
  }

  /** Null when the store holds exactly this model for every actor, else the first difference. */
  String differenceFrom(ActorStore store) {
    for (String id : CrashOps.ACTORS) {
      String queueDiff = queueDifference(store, id);
      if (queueDiff != null) {
        return queueDiff;
      }
      List<KeyValue> disk = CrashOps.kvEntries(DiskImage.of(store, id));
      TreeMap<byte[], byte[]> expected = actors.getOrDefault(id, new TreeMap<>(UnsignedBytes.lexicographicalComparator()));
      if (disk.size() != expected.size()) {
        return "actor " + quote(id) + " has " + disk.size() + " keys, model has " + expected.size();
      }
      Iterator<Map.Entry<byte[], byte[]>> it = expected.entrySet().iterator();
      for (KeyValue kv : disk) {
        Map.Entry<byte[], byte[]> e = it.next();
        if (!Arrays.equals(kv.key(), e.getKey()) || !Arrays.equals(kv.value(), e.getValue())) {
          return "actor " + quote(id) + " key " + BaseEncoding.base16().lowerCase().encode(kv.key())
              + " differs from the model (model key " + BaseEncoding.base16().lowerCase().encode(e.getKey()) + ")";
        }
      }
    }
    return null;
  }

  /** Null when the actor's queue holds exactly the model's messages, in order, with no repair needed. */
  private String queueDifference(ActorStore store, String id) {
    List<String> bodies = new ArrayList<>();
    try (ActorQueue q = ActorQueue.open(store.actor(id))) {
      if (!q.recoveredProblems().isEmpty() || !q.corruptMessages().isEmpty()) {
        return "actor " + quote(id) + " queue needed repair after the crash: " + q.recoveredProblems() + " " + q.corruptMessages();
      }
      long after = 0;
      while (true) {
        Page page = q.list(after, 500);
        page.messages().forEach(m -> bodies.add(new String(m.body(), StandardCharsets.UTF_8)));
        if (page.nextAfterId().isEmpty()) {
          break;
        }
        after = page.nextAfterId().getAsLong();
      }
    }
    List<String> expected = new ArrayList<>(queues.getOrDefault(id, new ArrayDeque<>()));
    return bodies.equals(expected) ? null
        : "actor " + quote(id) + " queue holds " + bodies.size() + " messages, model " + expected.size()
            + (bodies.isEmpty() || expected.isEmpty() ? "" : " (first " + bodies.getFirst() + " vs " + expected.getFirst() + ")");
  }

  long keys() {
    return actors.values().stream().mapToLong(Map::size).sum();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\0", "\\0") + "\"";
  }
}
