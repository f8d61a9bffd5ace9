package dev.actorkv.queue;

import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.store.ActorKeyspace;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Canonical, comparable view of a queue's state (what the index holds, or what the disk holds), for
 * tests that compare memory with disk, before with after, and the queue with a model.
 */
record QueueState(long nextId, long size, NavigableMap<Long, Entry> messages, NavigableMap<Long, String> corrupt) {
  record Entry(String name, long createdAtMillis, int attempts, long leaseExpiresAtMillis) {}

  /** The state as stored: metadata as written (null fields as -1 when missing or undecodable), messages decoded. */
  static QueueState fromDisk(ActorKeyspace actor) {
    QueueAudit audit = QueueAudit.scan(actor);
    QueueCodec.Metadata md = audit.storedMetadata();
    TreeMap<Long, Entry> entries = new TreeMap<>(Long::compareUnsigned);
    audit.messages().forEach((id, m) -> entries.put(id, new Entry(m.name(), m.createdAtMillis(), m.attempts(), m.leaseExpiresAtMillis())));
    TreeMap<Long, String> corrupt = new TreeMap<>(Long::compareUnsigned);
    audit.corruptMessages().forEach(c -> corrupt.put(c.id(), c.problem()));
    boolean fresh = md == null && !audit.metadataPresent() && audit.messageCount() == 0;
    return new QueueState(
        md != null ? md.nextId() : fresh ? 1 : -1, md != null ? md.size() : fresh ? 0 : -1, entries, corrupt);
  }

  static boolean hasMetadata(ActorKeyspace actor) {
    return actor.get(QueueKeys.metadata()) != null;
  }
}
