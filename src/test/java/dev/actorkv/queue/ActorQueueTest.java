package dev.actorkv.queue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Limits;
import dev.actorkv.store.StoreException;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.actorkv.testing.StoreFixture;

class ActorQueueTest {
  private static final Duration LEASE = Duration.ofSeconds(10);
  private StoreFixture fixture;
  private ActorStore store;
  private ActorKeyspace actor;
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);

  /** The engine under test; {@link PostgresActorQueueTest} runs the same tests on PostgreSQL. */
  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @BeforeEach
  void open() {
    fixture = newFixture();
    store = fixture.open();
    actor = store.actor("a");
  }

  @AfterEach
  void close() {
    store.close();
    fixture.close();
  }

  private ActorQueue queue() {
    return ActorQueue.open(actor, QueueOptions.defaults().withClock(clock).withLeaseDuration(LEASE));
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static List<Long> ids(List<Message> ms) {
    return ms.stream().map(Message::id).toList();
  }

  @Test
  void enqueueAssignsIdsFromOneAndReceiveConsumesInIdOrder() throws Exception {
    ActorQueue q = queue();
    Message m1 = q.enqueue("a", b("x"));
    Message m2 = q.enqueue("b", b("y"));
    assertEquals(1, m1.id());
    assertEquals(2, m2.id());
    assertEquals(0, m1.attempt());
    assertEquals(Instant.ofEpochMilli(clock.millis()), m1.createdAt());
    assertEquals(2, q.size());
    List<Message> got = q.receive(List.of(), 5, Duration.ZERO);
    assertEquals(List.of(1L, 2L), ids(got));
    assertArrayEquals(b("y"), got.get(1).body());
    assertEquals(1, got.get(0).attempt());
    assertNull(got.get(0).leaseExpiresAt());
    assertEquals(0, q.size());
    assertNull(actor.get(QueueKeys.message(1)));
    assertEquals(new QueueCodec.Metadata(3, 0), QueueCodec.decodeMetadata(actor.get(QueueKeys.metadata())));
    assertEquals(List.of(), q.receive(List.of(), 1, Duration.ZERO));
  }

  @Test
  void receiveByNameSkipsOtherNamesAndKeepsThemInOrder() throws Exception {
    ActorQueue q = queue();
    for (int i = 0; i < 10; i++) {
      q.enqueue(i % 3 == 0 ? "x" : i % 3 == 1 ? "y" : "z", b("m" + i));
    }
    assertEquals(List.of(1L, 4L), ids(q.receive(List.of("x"), 2, Duration.ZERO)));
    assertEquals(List.of(2L, 3L, 5L), ids(q.receive(Set.of("y", "z"), 3, Duration.ZERO)));
    assertEquals(List.of(), q.receive(List.of("nope"), 3, Duration.ZERO));
    assertEquals(List.of(6L, 7L, 8L, 9L, 10L), ids(q.receive(List.of(), 100, Duration.ZERO)));
  }

  @Test
  void completableReceiveLeasesUntilCompleteOrExpiry() throws Exception {
    ActorQueue q = queue();
    q.enqueue("job", b("1"));
    q.enqueue("job", b("2"));
    Message first = q.receiveCompletable(List.of("job"), 1, Duration.ZERO).getFirst();
    assertEquals(1, first.id());
    assertEquals(1, first.attempt());
    assertEquals(Instant.ofEpochMilli(clock.millis()).plus(LEASE), first.leaseExpiresAt());
    // Leased: the next receive gets message 2, not 1.
    Message second = q.receiveCompletable(List.of(), 5, Duration.ZERO).getFirst();
    assertEquals(2, second.id());
    assertEquals(List.of(), q.receiveCompletable(List.of(), 5, Duration.ZERO));
    assertEquals(2, q.size());
    q.complete(second, b("done"));
    assertEquals(1, q.size());
    assertThrows(NoSuchMessageException.class, () -> q.complete(second, b("again")));

    clock.advance(LEASE);
    Message again = q.receiveCompletable(List.of(), 5, Duration.ZERO).getFirst();
    assertEquals(1, again.id());
    assertEquals(2, again.attempt());
    LeaseLostException lost = assertThrows(LeaseLostException.class, () -> q.complete(first, b("late")));
    assertEquals(1, lost.heldAttempt());
    assertEquals(2, lost.currentAttempt());
    q.complete(again, b("ok"));
    assertEquals(0, q.size());
  }

  @Test
  void releaseMakesALeasedMessageDeliverableAtOnce() throws Exception {
    ActorQueue q = queue();
    q.enqueue("job", b("1"));
    Message first = q.receiveCompletable(List.of(), 1, Duration.ZERO).getFirst();
    q.release(first);
    assertThrows(LeaseLostException.class, () -> q.release(first));
    Message again = q.receiveCompletable(List.of(), 1, Duration.ZERO).getFirst();
    assertEquals(first.id(), again.id());
    assertEquals(2, again.attempt());
    assertThrows(LeaseLostException.class, () -> q.release(first));
    assertEquals(QueueState.fromDisk(actor), q.state());
    q.release(again);
    q.close();
    ActorQueue reopened = queue();
    assertEquals(3, reopened.receiveCompletable(List.of(), 1, Duration.ZERO).getFirst().attempt());
  }

  @Test
  void leaseStateSurvivesReopen() throws Exception {
    ActorQueue q = queue();
    q.enqueue("job", b("1"));
    Message leased = q.receiveCompletable(List.of(), 1, Duration.ZERO).getFirst();
    q.close();
    ActorQueue reopened = queue();
    assertEquals(List.of(), reopened.receiveCompletable(List.of(), 1, Duration.ZERO));
    clock.advance(LEASE.plusMillis(1));
    Message again = reopened.receiveCompletable(List.of(), 1, Duration.ZERO).getFirst();
    assertEquals(leased.id(), again.id());
    assertEquals(2, again.attempt());
    assertEquals(List.of(), reopened.recoveredProblems());
  }

  @Test
  void completeByIdRequiresADelivery() throws Exception {
    ActorQueue q = queue();
    Message m = q.enqueue("a", b("x"));
    LeaseLostException e = assertThrows(LeaseLostException.class, () -> q.complete(m.id(), null));
    assertEquals(0, e.currentAttempt());
    assertThrows(NoSuchMessageException.class, () -> q.complete(99, null));
    q.receiveCompletable(List.of(), 1, Duration.ZERO);
    q.complete(m.id(), null);
    assertEquals(0, q.size());
  }

  @Test
  void limitsAreTypedAndWriteNothing() {
    ActorQueue q = ActorQueue.open(actor, QueueOptions.defaults().withMaxSize(3).withMaxMessageBytes(100));
    // enqueueAll is atomic: one oversized message refuses all.
    assertThrows(MessageTooLargeException.class,
        () -> q.enqueueAll(List.of(new NewMessage("a", b("ok")), new NewMessage("a", new byte[200]))));
    assertEquals(0, q.size());
    assertNull(actor.get(QueueKeys.message(1)));
    assertNull(actor.get(QueueKeys.metadata()));
    q.enqueue("a", b("1"));
    q.enqueue("a", b("2"));
    QueueFullException full = assertThrows(QueueFullException.class,
        () -> q.enqueueAll(List.of(new NewMessage("a", b("3")), new NewMessage("a", b("4")))));
    assertEquals(2, full.size());
    assertEquals(2, full.adding());
    assertEquals(3, full.maxSize());
    MessageTooLargeException big = assertThrows(MessageTooLargeException.class, () -> q.enqueue("a", new byte[200]));
    assertTrue(big.encodedBytes() > 200);
    assertEquals(100, big.maxBytes());
    assertEquals(2, q.size());
    assertEquals(3, q.nextId());
    assertNull(actor.get(QueueKeys.message(3)));
    q.enqueue("a", b("3"));
    assertEquals(3, q.size());
  }

  @Test
  void openRejectsAMaxMessageSizeAboveTheStoreValueLimit() {
    store.close();
    try (ActorStore small = fixture.open(StoreOptions.defaults().withLimits(Limits.DEFAULTS.withMaxValueBytes(1000)))) {
      ActorKeyspace a = small.actor("a");
      QueueConfigurationException e = assertThrows(QueueConfigurationException.class, () -> ActorQueue.open(a));
      assertEquals(64 * 1024, e.maxMessageBytes());
      assertEquals(1000, e.storeMaxValueBytes());
      ActorQueue.open(a, QueueOptions.defaults().withMaxMessageBytes(1000 - QueueCodec.LEASE_OVERHEAD));
      assertThrows(QueueConfigurationException.class,
          () -> ActorQueue.open(a, QueueOptions.defaults().withMaxMessageBytes(1001 - QueueCodec.LEASE_OVERHEAD)));
    }
  }

  @Test
  void largestAllowedMessageCanStillBeLeased() throws Exception {
    int storeMax = 2000;
    store.close();
    try (ActorStore small = fixture.open(StoreOptions.defaults().withLimits(Limits.DEFAULTS.withMaxValueBytes(storeMax)))) {
      ActorQueue q = ActorQueue.open(small.actor("a"),
          QueueOptions.defaults().withMaxMessageBytes(storeMax - QueueCodec.LEASE_OVERHEAD).withClock(clock));
      int body = storeMax - QueueCodec.LEASE_OVERHEAD - 30;
      while (true) {
        try {
          q.enqueue("n", new byte[body]);
          break;
        } catch (MessageTooLargeException e) {
          body -= e.encodedBytes() - e.maxBytes();
        }
      }
      clock.advance(Duration.ofDays(365 * 100));
      assertEquals(1, q.receiveCompletable(List.of(), 1, Duration.ZERO).size());
    }
  }

  @Test
  void bodiesBeyondTheCacheBudgetAreReadFromTheStore() throws Exception {
    ActorQueue q = queue();
    int bodyBytes = 60_000;
    int n = (int) (ActorQueue.BODY_CACHE_BYTES / bodyBytes) + 5;
    List<Message> enqueued = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] body = new byte[bodyBytes];
      java.util.Arrays.fill(body, (byte) i);
      enqueued.add(q.enqueue("big", body));
    }
    assertTrue(q.cachedBodyBytes() <= ActorQueue.BODY_CACHE_BYTES);
    assertEquals((n - 5) * (long) bodyBytes, q.cachedBodyBytes());
    // The last message did not fit the cache: its receive reads the store, so damage on disk shows.
    long lastId = enqueued.getLast().id();
    actor.commit(actor.batch().put(QueueKeys.message(lastId), new byte[] {(byte) 0xff}));
    List<Message> got = q.receiveCompletable(List.of(), n, Duration.ZERO);
    assertEquals(n - 1, got.size());
    for (int i = 0; i < n - 1; i++) {
      assertArrayEquals(enqueued.get(i).body(), got.get(i).body(), "message " + i);
      assertEquals(1, got.get(i).attempt());
    }
    assertEquals(List.of(lastId), q.corruptMessages().stream().map(CorruptMessage::id).toList());
    // Redelivery after expiry and release serve the same bodies, cached or read.
    clock.advance(LEASE.plusMillis(1));
    List<Message> again = q.receiveCompletable(List.of(), n, Duration.ZERO);
    assertEquals(n - 1, again.size());
    for (int i = 0; i < n - 1; i++) {
      assertArrayEquals(enqueued.get(i).body(), again.get(i).body(), "message " + i);
      assertEquals(2, again.get(i).attempt());
    }
    q.release(again.getLast());
    assertArrayEquals(enqueued.get(n - 2).body(), q.receiveCompletable(List.of(), 1, Duration.ZERO).getFirst().body());
    for (Message m : again.subList(0, n - 2)) {
      q.complete(m, null);
    }
    q.delete(List.of(again.getLast().id(), lastId));
    assertEquals(0, q.size());
    assertEquals(0, q.cachedBodyBytes());
  }

  @Test
  void deleteByIdsAndListWithPaging() throws Exception {
    ActorQueue q = queue();
    for (int i = 1; i <= 7; i++) {
      q.enqueue("n" + (i % 2), b("body" + i));
    }
    q.receiveCompletable(List.of(), 1, Duration.ZERO); // id 1 leased
    assertEquals(2, q.delete(List.of(2L, 4L, 99L)));
    assertEquals(5, q.size());
    List<Long> seen = new ArrayList<>();
    long after = 0;
    int pages = 0;
    while (true) {
      Page p = q.list(after, 2);
      pages++;
      seen.addAll(ids(p.messages()));
      if (p.nextAfterId().isEmpty()) {
        break;
      }
      after = p.nextAfterId().getAsLong();
    }
    assertEquals(List.of(1L, 3L, 5L, 6L, 7L), seen);
    assertEquals(3, pages);
    Message leased = q.list(0, 1).messages().getFirst();
    assertEquals(1, leased.attempt());
    assertTrue(leased.leaseExpiresAt() != null);
    assertEquals(0, q.delete(List.of(2L)));
    assertEquals(1, q.delete(List.of(1L)));
    assertEquals(List.of(3L, 5L), ids(q.receive(List.of(), 2, Duration.ZERO)));
  }

  @Test
  void enqueueAndWaitReturnsTheCompletionResponse() throws Exception {
    ActorQueue q = queue();
    Thread worker = Thread.ofPlatform().start(() -> {
      try {
        List<Message> got = q.receiveCompletable(List.of("rpc"), 1, Duration.ofSeconds(10));
        q.complete(got.getFirst(), b("pong:" + new String(got.getFirst().body(), UTF_8)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertArrayEquals(b("pong:ping"), q.enqueueAndWait("rpc", b("ping"), Duration.ofSeconds(10)));
    worker.join();
    assertEquals(0, q.size());
  }

  @Test
  void enqueueAndWaitTimesOutLeavingTheMessageAndFailsWhenTheMessageIsRemoved() throws Exception {
    ActorQueue q = queue();
    assertThrows(TimeoutException.class, () -> q.enqueueAndWait("rpc", b("x"), Duration.ofMillis(20)));
    assertEquals(1, q.size());
    Thread deleter = Thread.ofPlatform().start(() -> {
      try {
        while (q.size() < 2) {
          Thread.sleep(1);
        }
        q.delete(List.of(2L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    MessageRemovedException e = assertThrows(MessageRemovedException.class, () -> q.enqueueAndWait("rpc", b("y"), Duration.ofSeconds(10)));
    assertEquals(2, e.id());
    deleter.join();
  }

  @Test
  void closedQueueRefusesOperations() {
    ActorQueue q = queue();
    q.close();
    assertThrows(IllegalStateException.class, () -> q.enqueue("a", b("x")));
    assertThrows(IllegalStateException.class, () -> q.receive(List.of(), 1, Duration.ZERO));
  }

  @Test
  void aQueueOnAClosedStoreRefusesEvenWhatItCouldAnswerFromMemory() {
    ActorQueue q = queue();
    store.close();
    StoreException e = assertThrows(StoreException.class, () -> q.receive(List.of(), 1, Duration.ZERO));
    assertEquals("store is closed", e.getMessage());
    assertThrows(StoreException.class, () -> q.receiveCompletable(List.of(), 1, Duration.ZERO));
    assertThrows(StoreException.class, () -> q.list(0, 10));
  }

  @Test
  void badArgumentsAreRejected() {
    ActorQueue q = queue();
    assertThrows(IllegalArgumentException.class, () -> q.receive(List.of(), 0, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> q.receive(List.of(), 1, Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> q.list(0, 0));
    assertThrows(NullPointerException.class, () -> q.enqueue(null, b("x")));
    assertThrows(NullPointerException.class, () -> q.enqueue("a", null));
    assertThrows(IllegalArgumentException.class, () -> new QueueOptions(0, 1, LEASE, clock));
  }
}
