package dev.actorkv.reliability;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the disk holds for one actor: every logical key and value (an export-like scan from a
 * store snapshot, which bypasses the fault hooks) plus its bookkeeping record's storage count.
 */
record DiskImage(String actorId, List<KeyValue> entries, long recordedStorageBytes, boolean hasActorRecord) {
  static DiskImage of(ActorStore store, String actorId) {
    List<KeyValue> entries = new ArrayList<>();
    try (ActorStore.StoreSnapshot snapshot = store.snapshot();
        KeyValueIterator it = snapshot.iterator(actorId, KeyRange.all(), false)) {
      while (it.hasNext()) {
        entries.add(it.next());
      }
    }
    return new DiskImage(actorId, List.copyOf(entries), store.actor(actorId).recordedStorageBytes(),
        store.actorIds().contains(actorId));
  }

  long scannedStorageBytes() {
    return entries.stream().mapToLong(kv -> kv.key().length + kv.value().length).sum();
  }
}
