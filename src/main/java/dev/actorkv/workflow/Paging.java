package dev.actorkv.workflow;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import java.util.List;
import java.util.function.Consumer;

/** Reads a key range in pages of bounded size, so no single read holds more than a page in memory. */
final class Paging {
  private Paging() {}

  static void forEach(ActorKeyspace actor, KeyRange range, int pageSize, Consumer<KeyValue> sink) {
    byte[] begin = range.begin();
    byte[] end = range.end();
    while (true) {
      List<KeyValue> page = actor.scan(KeyRange.of(begin, end), pageSize);
      page.forEach(sink);
      if (page.size() < pageSize) {
        return;
      }
      begin = KeyRange.keyAfter(page.getLast().key());
    }
  }
}
