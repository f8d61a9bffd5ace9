package dev.actorkv.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random operation sequences (enqueue, enqueueAll, both receives, both completes, delete, list, clock
 * moves past leases, reopen) against a plain in-memory model; after every step the queue's memory, the
 * disk and the model must agree.
 */
class QueueModelTest {
  private static final long LEASE_MS = 1000;
  private static final int MAX_SIZE = 8;
  private static final int MAX_MESSAGE_BYTES = 48;
  private static final List<String> NAMES = List.of("a", "b", "c");
  private static Path dir;
  private static ActorStore store;

  @BeforeContainer
  static void openStore() throws IOException {
    dir = Files.createTempDirectory("queue-model");
    store = ActorStore.open(dir);
  }

  @AfterContainer
  static void closeStore() throws IOException {
    store.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  sealed interface Op {}

  record Enqueue(String name, int bodyLength) implements Op {}

  record EnqueueAll(List<String> names, int bodyLength) implements Op {}

  record Receive(Set<String> names, int count, boolean lease) implements Op {}

  /** Completes the {@code pick}-th delivery held so far (stale or not), by Message or by id. */
  record Complete(int pick, boolean byId) implements Op {}

  record CompleteUnknown(long id) implements Op {}

  /** Releases the {@code pick}-th delivery held so far. */
  record Release(int pick) implements Op {}

  record Delete(List<Long> ids) implements Op {}

  record ListPage(long afterId, int limit) implements Op {}

  record Advance(long millis) implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<String> name = Arbitraries.of(NAMES);
    Arbitrary<Integer> body = Arbitraries.integers().between(0, 50);
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Combinators.combine(name, body).as(Enqueue::new)),
        net.jqwik.api.Tuple.of(2, Combinators.combine(name.list().ofMinSize(0).ofMaxSize(4), body).as(EnqueueAll::new)),
        net.jqwik.api.Tuple.of(6, Combinators.combine(name.set().ofMaxSize(2), Arbitraries.integers().between(1, 3), Arbitraries.of(true, false))
            .as(Receive::new)),
        net.jqwik.api.Tuple.of(4, Combinators.combine(Arbitraries.integers().between(0, 20), Arbitraries.of(true, false)).as(Complete::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, 30).map(CompleteUnknown::new)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 20).map(Release::new)),
        net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(1, 30).list().ofMaxSize(3).map(Delete::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.longs().between(0, 20), Arbitraries.integers().between(1, 4)).as(ListPage::new)),
        net.jqwik.api.Tuple.of(3, Arbitraries.of(1L, LEASE_MS / 2, LEASE_MS - 1, LEASE_MS, 3 * LEASE_MS).map(Advance::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen())));
    return op.list().ofMinSize(1).ofMaxSize(40);
  }

  /** The model: a sorted map of messages with their delivery state. */
  private record M(String name, byte[] body, long createdAt, int attempts, long leaseUntil) {
    boolean available(long now) {
      return leaseUntil == 0 || leaseUntil <= now;
    }
  }

  @Property(tries = 150)
  void queueAgreesWithModel(@ForAll("ops") List<Op> ops) throws Exception {
    ManualClock clock = new ManualClock(1_000_000);
    ActorKeyspace actor = store.actor(UUID.randomUUID().toString());
    QueueOptions options = new QueueOptions(MAX_SIZE, MAX_MESSAGE_BYTES, Duration.ofMillis(LEASE_MS), clock);
    ActorQueue q = ActorQueue.open(actor, options);
    TreeMap<Long, M> model = new TreeMap<>();
    long nextId = 1;
    List<Message> held = new ArrayList<>();
    int seq = 0;
    for (Op op : ops) {
      long now = clock.millis();
      switch (op) {
        case Enqueue e -> {
          byte[] body = body(e.bodyLength(), seq++);
          String expected = expectEnqueue(model, List.of(e.name()), body);
          String actual;
          try {
            Message m = q.enqueue(e.name(), body);
            actual = "ok";
            assertEquals(new Message(nextId, e.name(), body, Instant.ofEpochMilli(now), 0, null), m);
          } catch (QueueException ex) {
            actual = ex.getClass().getSimpleName();
          }
          assertEquals(expected, actual, op.toString());
          if (expected.equals("ok")) {
            model.put(nextId++, new M(e.name(), body, now, 0, 0));
          }
        }
        case EnqueueAll e -> {
          byte[] body = body(e.bodyLength(), seq++);
          String expected = expectEnqueue(model, e.names(), body);
          String actual;
          List<Message> got = List.of();
          try {
            got = q.enqueueAll(e.names().stream().map(n -> new NewMessage(n, body)).toList());
            actual = "ok";
          } catch (QueueException ex) {
            actual = ex.getClass().getSimpleName();
          }
          assertEquals(expected, actual, op.toString());
          if (expected.equals("ok")) {
            assertEquals(e.names().size(), got.size());
            for (String n : e.names()) {
              model.put(nextId++, new M(n, body, now, 0, 0));
            }
          }
        }
        case Receive r -> {
          List<Message> expected = new ArrayList<>();
          for (Map.Entry<Long, M> en : model.entrySet()) {
            M m = en.getValue();
            if (expected.size() < r.count() && m.available(now) && (r.names().isEmpty() || r.names().contains(m.name()))) {
              expected.add(new Message(en.getKey(), m.name(), m.body(), Instant.ofEpochMilli(m.createdAt()), m.attempts() + 1,
                  r.lease() ? Instant.ofEpochMilli(now + LEASE_MS) : null));
            }
          }
          List<Message> got = r.lease() ? q.receiveCompletable(r.names(), r.count(), Duration.ZERO)
              : q.receive(r.names(), r.count(), Duration.ZERO);
          assertEquals(expected, got, op.toString());
          for (Message m : got) {
            M old = model.get(m.id());
            if (r.lease()) {
              model.put(m.id(), new M(old.name(), old.body(), old.createdAt(), old.attempts() + 1, now + LEASE_MS));
              held.add(m);
            } else {
              model.remove(m.id());
            }
          }
        }
        case Complete c -> {
          if (held.isEmpty()) {
            continue;
          }
          Message m = held.get(c.pick() % held.size());
          M current = model.get(m.id());
          String expected = current == null ? "NoSuchMessageException"
              : c.byId() ? "ok"
              : current.attempts() != m.attempt() ? "LeaseLostException" : "ok";
          String actual;
          try {
            if (c.byId()) {
              q.complete(m.id(), new byte[] {1});
            } else {
              q.complete(m, new byte[] {1});
            }
            actual = "ok";
          } catch (QueueException ex) {
            actual = ex.getClass().getSimpleName();
          }
          assertEquals(expected, actual, op + " of " + m);
          if (expected.equals("ok")) {
            model.remove(m.id());
          }
        }
        case Release rel -> {
          if (held.isEmpty()) {
            continue;
          }
          Message m = held.get(rel.pick() % held.size());
          M current = model.get(m.id());
          String expected = current == null ? "NoSuchMessageException"
              : current.attempts() != m.attempt() || current.leaseUntil() <= now ? "LeaseLostException" : "ok";
          String actual;
          try {
            q.release(m);
            actual = "ok";
          } catch (QueueException ex) {
            actual = ex.getClass().getSimpleName();
          }
          assertEquals(expected, actual, op + " of " + m);
          if (expected.equals("ok")) {
            model.put(m.id(), new M(current.name(), current.body(), current.createdAt(), current.attempts(), now));
          }
        }
        case CompleteUnknown c -> {
          M current = model.get(c.id());
          String expected = current == null ? "NoSuchMessageException" : current.attempts() == 0 ? "LeaseLostException" : "ok";
          String actual;
          try {
            q.complete(c.id(), null);
            actual = "ok";
          } catch (QueueException ex) {
            actual = ex.getClass().getSimpleName();
          }
          assertEquals(expected, actual, op.toString());
          if (expected.equals("ok")) {
            model.remove(c.id());
          }
        }
        case Delete d -> {
          long expected = d.ids().stream().distinct().filter(model::containsKey).count();
          assertEquals(expected, q.delete(d.ids()), op.toString());
          d.ids().forEach(model::remove);
        }
        case ListPage l -> {
          List<Long> expected = model.tailMap(l.afterId(), false).keySet().stream().limit(l.limit()).toList();
          Page page = q.list(l.afterId(), l.limit());
          assertEquals(expected, page.messages().stream().map(Message::id).toList(), op.toString());
          boolean more = model.tailMap(l.afterId(), false).size() > l.limit();
          assertEquals(more, page.nextAfterId().isPresent(), op.toString());
          for (Message m : page.messages()) {
            M mm = model.get(m.id());
            assertEquals(mm.attempts(), m.attempt());
            assertEquals(mm.leaseUntil() == 0 ? null : Instant.ofEpochMilli(mm.leaseUntil()), m.leaseExpiresAt());
          }
        }
        case Advance a -> clock.advance(Duration.ofMillis(a.millis()));
        case Reopen r -> {
          q.close();
          q = ActorQueue.open(actor, options);
          assertEquals(List.of(), q.recoveredProblems());
        }
      }
      QueueState expected = modelState(model, nextId);
      assertEquals(expected, q.state(), "memory after " + op);
      assertEquals(expected, QueueState.fromDisk(actor), "disk after " + op);
      assertEquals(model.size(), q.size());
    }
    q.close();
    actor.deleteAll();
  }

  private static String expectEnqueue(TreeMap<Long, M> model, List<String> names, byte[] body) {
    if (names.isEmpty()) {
      return "ok";
    }
    if (model.size() + names.size() > MAX_SIZE) {
      return "QueueFullException";
    }
    for (String n : names) {
      if (QueueCodec.encode(new QueueCodec.StoredMessage(n, body, 1_000_000, 0, 0, false)).length > MAX_MESSAGE_BYTES) {
        return "MessageTooLargeException";
      }
    }
    return "ok";
  }

  private static QueueState modelState(TreeMap<Long, M> model, long nextId) {
    TreeMap<Long, QueueState.Entry> entries = new TreeMap<>(Long::compareUnsigned);
    model.forEach((id, m) -> entries.put(id, new QueueState.Entry(m.name(), m.createdAt(), m.attempts(), m.leaseUntil())));
    return new QueueState(nextId, model.size(), entries, new TreeMap<>());
  }

  private static byte[] body(int length, int seq) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) seq);
    return b;
  }
}
