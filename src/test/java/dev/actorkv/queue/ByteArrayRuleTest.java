package dev.actorkv.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.StoreFixture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The byte-array rule of the API (README, "Byte arrays"): an array handed in is copied once, at the edge,
 * so a caller reusing it changes nothing stored; an array handed out is the caller's; records holding
 * arrays compare by content.
 */
class ByteArrayRuleTest {
  @Test
  void aBodyChangedAfterEnqueueChangesNothingStoredOrDelivered() throws Exception {
    try (StoreFixture fixture = StoreFixture.rocksDb(); ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      byte[] body = {1, 2, 3};
      NewMessage m = new NewMessage("n", body);
      byte[] other = {7, 8};
      try (ActorQueue queue = ActorQueue.open(actor)) {
        Message enqueued = queue.enqueue("n", other);
        queue.enqueueAll(List.of(m));
        body[0] = 9;
        other[0] = 9;
        enqueued.body()[1] = 9; // a returned array is the caller's
        assertArrayEquals(new byte[] {7, 8}, enqueued.body());
        List<Message> got = queue.receive(List.of("n"), 2, Duration.ZERO);
        assertArrayEquals(new byte[] {7, 8}, got.get(0).body());
        assertArrayEquals(new byte[] {1, 2, 3}, got.get(1).body());
      }
    }
  }

  @Test
  void recordsHoldingArraysCompareByContent() {
    assertEquals(new ActorBatch.Put(new byte[] {1}, new byte[] {2}), new ActorBatch.Put(new byte[] {1}, new byte[] {2}));
    assertEquals(new ActorBatch.Put(new byte[] {1}, new byte[] {2}).hashCode(),
        new ActorBatch.Put(new byte[] {1}, new byte[] {2}).hashCode());
    assertNotEquals(new ActorBatch.Put(new byte[] {1}, new byte[] {2}), new ActorBatch.Put(new byte[] {1}, new byte[] {3}));
    assertEquals(new ActorBatch.Delete(new byte[] {4, 5}), new ActorBatch.Delete(new byte[] {4, 5}));
    assertEquals(new ActorBatch().put(new byte[] {4, 1}, new byte[] {0}).ops(),
        new ActorBatch().put(new byte[] {4, 1}, new byte[] {0}).ops());
    assertEquals(new NewMessage("n", new byte[] {1}), new NewMessage("n", new byte[] {1}));
  }
}
