package dev.actorkv.queue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueRebuildTest {
  @TempDir Path dir;
  private ActorStore store;
  private ActorKeyspace actor;

  @BeforeEach
  void open() {
    store = ActorStore.open(dir);
    actor = store.actor("a");
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Ids 1..5 enqueued, 1 consumed: 2..5 remain, next id 6. */
  private void fill() throws InterruptedException {
    try (ActorQueue q = ActorQueue.open(actor)) {
      for (int i = 1; i <= 5; i++) {
        q.enqueue("n", ("m" + i).getBytes(UTF_8));
      }
      q.receive(List.of(), 1, Duration.ZERO);
    }
  }

  private QueueCodec.Metadata storedMetadata() {
    return QueueCodec.decodeMetadata(actor.get(QueueKeys.metadata()));
  }

  @Test
  void consistentQueueHasNoProblems() throws Exception {
    fill();
    assertEquals(List.of(), QueueAudit.scan(actor).problems());
    try (ActorQueue q = ActorQueue.open(actor)) {
      assertEquals(List.of(), q.recoveredProblems());
    }
  }

  @Test
  void deletedMetadataIsRebuiltByScan() throws Exception {
    fill();
    actor.delete(QueueKeys.metadata());
    List<String> problems = QueueAudit.scan(actor).problems();
    assertEquals(1, problems.size());
    assertTrue(problems.getFirst().contains("missing while 4 messages exist"), problems.toString());
    try (ActorQueue q = ActorQueue.open(actor)) {
      assertEquals(problems, q.recoveredProblems());
      assertEquals(4, q.size());
      assertEquals(6, q.nextId());
      assertEquals(new QueueCodec.Metadata(6, 4), storedMetadata());
      assertEquals(6, q.enqueue("n", new byte[0]).id());
    }
    assertEquals(List.of(), QueueAudit.scan(actor).problems());
  }

  @Test
  void corruptMetadataIsRebuiltAsMaxIdPlusOne() throws Exception {
    fill();
    try (ActorQueue q = ActorQueue.open(actor)) {
      q.delete(List.of(5L));
    }
    actor.put(QueueKeys.metadata(), new byte[] {0x08, (byte) 0x80}); // truncated varint
    assertTrue(QueueAudit.scan(actor).problems().getFirst().contains("does not decode"));
    try (ActorQueue q = ActorQueue.open(actor)) {
      assertEquals(3, q.size());
      assertEquals(5, q.nextId());
      assertEquals(new QueueCodec.Metadata(5, 3), storedMetadata());
    }
  }

  @Test
  void metadataThatDisagreesWithTheMessagesIsReportedAndRebuilt() throws Exception {
    fill();
    actor.put(QueueKeys.metadata(), QueueCodec.encode(new QueueCodec.Metadata(9, 17)));
    assertTrue(QueueAudit.scan(actor).problems().getFirst().contains("size 17 disagrees with the 4 messages"));
    try (ActorQueue q = ActorQueue.open(actor)) {
      assertEquals(new QueueCodec.Metadata(9, 4), storedMetadata()); // a higher valid next id is kept
      assertEquals(4, q.size());
    }
    actor.put(QueueKeys.metadata(), QueueCodec.encode(new QueueCodec.Metadata(3, 4)));
    assertTrue(QueueAudit.scan(actor).problems().getFirst().contains("next_id 3 is not above the highest message id 5"));
    try (ActorQueue q = ActorQueue.open(actor)) {
      assertEquals(6, q.enqueue("n", new byte[0]).id());
    }
  }

  @Test
  void corruptMessageIsNeverDeliveredIsReportedAndDoesNotStopTheQueue() throws Exception {
    fill();
    actor.put(QueueKeys.message(3), new byte[] {(byte) 0xff, 0x01});
    List<String> problems = QueueAudit.scan(actor).problems();
    assertEquals(1, problems.size());
    assertTrue(problems.getFirst().startsWith("queue message 3 does not decode"), problems.toString());
    try (ActorQueue q = ActorQueue.open(actor)) {
      assertEquals(List.of(3L), q.corruptMessages().stream().map(CorruptMessage::id).toList());
      assertEquals(4, q.size());
      List<Message> got = q.receiveCompletable(List.of(), 10, Duration.ZERO);
      assertEquals(List.of(2L, 4L, 5L), got.stream().map(Message::id).toList());
      assertEquals(List.of(2L, 4L, 5L), q.list(0, 10).messages().stream().map(Message::id).toList());
      assertEquals(1, q.delete(List.of(3L)));
      assertEquals(List.of(), q.corruptMessages());
      assertEquals(3, q.size());
    }
    assertEquals(List.of(), QueueAudit.scan(actor).problems());
  }

  @Test
  void corruptMessageWithMissingMetadataCountsInTheRebuiltSize() throws Exception {
    fill();
    actor.put(QueueKeys.message(5), new byte[] {0x12}); // truncated length-delimited field
    actor.delete(QueueKeys.metadata());
    try (ActorQueue q = ActorQueue.open(actor)) {
      assertEquals(2, q.recoveredProblems().size());
      assertEquals(new QueueCodec.Metadata(6, 4), storedMetadata());
      assertEquals(List.of(new CorruptMessage(5, q.corruptMessages().getFirst().problem())), q.corruptMessages());
    }
  }

  @Test
  void messageCorruptedWhileOpenIsSkippedAtReceiveAndReported() throws Exception {
    fill();
    try (ActorQueue q = ActorQueue.open(actor)) {
      actor.put(QueueKeys.message(2), new byte[] {0x7f}); // behind the queue's back
      assertEquals(List.of(3L), q.receive(List.of(), 1, Duration.ZERO).stream().map(Message::id).toList());
      assertEquals(List.of(2L), q.corruptMessages().stream().map(CorruptMessage::id).toList());
      assertEquals(3, q.size());
    }
  }

  @Test
  void malformedKeyUnderTheMessagePrefixIsReported() throws Exception {
    fill();
    actor.put(new byte[] {0x05, 0x01, 0x02, 0x00}, new byte[0]);
    QueueAudit audit = QueueAudit.scan(actor);
    assertEquals(1, audit.malformedKeys().size());
    assertEquals("05010200", audit.malformedKeys().getFirst().keyHex());
    try (ActorQueue q = ActorQueue.open(actor)) {
      assertEquals(4, q.size());
      assertEquals(List.of(2L, 3L, 4L, 5L), q.list(0, 10).messages().stream().map(Message::id).toList());
      assertEquals(2, q.receive(List.of(), 1, Duration.ZERO).getFirst().id());
    }
  }
}
