package dev.actorkv.reliability;

import com.google.common.io.BaseEncoding;
import com.google.common.primitives.UnsignedBytes;
import dev.actorkv.store.ActorStore;
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

  CrashModel copy() {
    CrashModel c = new CrashModel();
    actors.forEach((id, m) -> c.actors.put(id, new TreeMap<>(m)));
    return c;
  }

  private TreeMap<byte[], byte[]> actor(String id) {
    return actors.computeIfAbsent(id, x -> new TreeMap<>(UnsignedBytes.lexicographicalComparator()));
  }

  void apply(CrashOps.Op op) {
    TreeMap<byte[], byte[]> m = actor(op.actorId());
    for (CrashOps.Mutation mu : op.mutations()) {
      switch (mu) {
        case CrashOps.Put p -> m.put(p.key(), p.value());
        case CrashOps.Delete d -> m.remove(d.key());
        case CrashOps.DeleteRange r -> m.subMap(r.range().begin(), true, r.range().end(), false).clear();
        case CrashOps.DeleteActor x -> m.clear();
      }
    }
  }

  /** Null when the store holds exactly this model for every actor, else the first difference. */
  String differenceFrom(ActorStore store) {
    for (String id : CrashOps.ACTORS) {
      List<KeyValue> disk = DiskImage.of(store, id).entries();
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

  long keys() {
    return actors.values().stream().mapToLong(Map::size).sum();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\0", "\\0") + "\"";
  }
}
