package dev.actorkv.store.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorFencedException;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.CommitOutcomeUnknownException;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.StoreException;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.CuttingProxy;
import dev.actorkv.testing.StoreFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit on PostgreSQL against a real server through a real TCP proxy. To make a group for certain
 * (not by timing), a connection of the test locks the rows of {@link PostgresEngine#COMMIT_SLOTS} "blocker"
 * actors: their commits take every commit slot and wait on the lock; the commits of the other actors then
 * queue (the test waits until the engine reports them queued), and releasing the lock lets one of them
 * lead all of them in one transaction.
 */
class PostgresGroupCommitTest {
  private StoreFixture.Postgres fixture;
  private CuttingProxy proxy;
  private PostgresEngine engine;
  private ActorStore store;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void open() throws IOException {
    fixture = (StoreFixture.Postgres) StoreFixture.postgres("groupcommit");
    proxy = new CuttingProxy(fixture.cluster().port());
    String proxied = fixture.uri().replace(":" + fixture.cluster().port() + "/", ":" + proxy.port() + "/");
    StoreOptions options = StoreOptions.defaults();
    engine = PostgresEngine.open(proxied, options, new LeaseOptions("group", Duration.ofMinutes(10)));
    store = ActorStore.open(engine, options);
  }

  @AfterEach
  void close() throws IOException {
    threads.shutdownNow();
    store.close();
    proxy.close();
    fixture.close();
  }

  private static byte[] b(String s) {
    return ("\u0004" + s).getBytes(StandardCharsets.UTF_8);
  }

  private Connection direct() throws SQLException {
    String name = fixture.uri().substring(fixture.uri().lastIndexOf('/') + 1);
    return DriverManager.getConnection(fixture.cluster().jdbcUrl(name));
  }

  /** What the test does while the grouped commits are queued, before the blockers go on. */
  interface WhileQueued {
    void run(Connection direct) throws Exception;
  }

  /**
   * Commits {@code batches} (one per actor, actors already written once) in one group: blocks every slot,
   * queues them, runs {@code meanwhile}, releases. Answers each commit's outcome: null when it committed.
   */
  private List<Throwable> commitGrouped(List<ActorKeyspace> actors, List<ActorBatch> batches, WhileQueued meanwhile)
      throws Exception {
    List<ActorKeyspace> blockers = new ArrayList<>();
    for (int i = 0; i < PostgresEngine.COMMIT_SLOTS; i++) {
      ActorKeyspace blocker = store.actor("blocker-" + i);
      blocker.put(b("k"), b("0"));
      blockers.add(blocker);
    }
    List<Future<?>> blocked = new ArrayList<>();
    List<Future<Throwable>> grouped = new ArrayList<>();
    try (Connection lock = direct()) {
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("SELECT 1 FROM actorkv.actors WHERE convert_from(actor_id, 'UTF8') LIKE 'blocker-%' FOR UPDATE");
      }
      for (ActorKeyspace blocker : blockers) {
        blocked.add(threads.submit(() -> blocker.put(b("k"), b("1"))));
      }
      awaitLockWaiters(blockers.size(), blocked); // the blockers hold every commit slot
      for (int i = 0; i < actors.size(); i++) {
        ActorKeyspace a = actors.get(i);
        ActorBatch batch = batches.get(i);
        grouped.add(threads.submit(() -> {
          try {
            a.commit(batch);
            return null;
          } catch (StoreException e) {
            return e;
          }
        }));
      }
      waitUntilQueued(actors.size(), grouped);
      meanwhile.run(lock);
      lock.rollback();
    }
    for (Future<?> f : blocked) {
      f.get();
    }
    List<Throwable> out = new ArrayList<>();
    for (Future<Throwable> f : grouped) {
      out.add(f.get());
    }
    return out;
  }

  /** Waits until the server shows {@code n} sessions of this database waiting for a lock (the blockers' commits). */
  private void awaitLockWaiters(int n, List<? extends Future<?>> running) throws Exception {
    while (true) {
      // A new session each time: a transaction sees pg_stat_activity as it was when it first looked.
      try (Connection c = direct(); Statement s = c.createStatement();
          java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity"
              + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
        rs.next();
        if (rs.getInt(1) >= n) {
          return;
        }
      }
      failIfDone(running);
      Thread.sleep(5);
    }
  }

  private static void failIfDone(List<? extends Future<?>> running) throws Exception {
    for (Future<?> f : running) {
      if (f.isDone()) {
        f.get(); // a failure shows at once
        throw new AssertionError("a commit finished while it should be waiting");
      }
    }
  }

  private void waitUntilQueued(int n, List<? extends Future<?>> running) throws Exception {
    while (engine.waitingCommits() < n) {
      failIfDone(running);
      Thread.sleep(5);
    }
  }

  private List<ActorKeyspace> writtenActors(String prefix, int n) {
    List<ActorKeyspace> actors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ActorKeyspace a = store.actor(prefix + i);
      a.put(b("first"), b("x")); // acquired and loaded: later commits are one statement each
      actors.add(a);
    }
    return actors;
  }

  private static ActorBatch batchOf(int i) {
    ActorBatch batch = new ActorBatch();
    batch.put(b("event-" + i), b("payload-" + i));
    batch.delete(b("first"));
    return batch;
  }

  @Test
  void concurrentCommitsOfManyActorsGoInFewerTransactionsAndFewerRoundTrips() throws Exception {
    int n = 20;
    List<ActorKeyspace> actors = writtenActors("grouped-", n);
    List<ActorBatch> batches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batches.add(batchOf(i));
    }
    long[] before = new long[3];
    List<Throwable> outcomes = commitGrouped(actors, batches, lock -> {
      before[0] = engine.commitTransactions();
      before[1] = engine.commitStatements();
      before[2] = proxy.roundTrips();
    });
    for (Throwable t : outcomes) {
      assertNull(t, "every grouped commit committed");
    }
    long transactions = engine.commitTransactions() - before[0];
    long statements = engine.commitStatements() - before[1];
    long roundTrips = proxy.roundTrips() - before[2];
    // The blockers' commits were sent before; the n queued ones went in one transaction.
    assertEquals(n, statements, "one statement per actor commit");
    assertEquals(1, transactions, n + " commits queued together went in one transaction");
    assertTrue(roundTrips < n, n + " commits took " + roundTrips + " round trips");
    for (int i = 0; i < n; i++) {
      ActorKeyspace a = actors.get(i);
      assertArrayEquals(b("payload-" + i), a.get(b("event-" + i)));
      assertNull(a.get(b("first")));
      assertEquals(a.scanStorageBytes(), a.storageBytes());
      assertEquals(a.storageBytes(), a.recordedStorageBytes());
    }
  }

  @Test
  void aFencedActorInAGroupIsRefusedAloneAndTheOthersCommit() throws Exception {
    int n = 6;
    List<ActorKeyspace> actors = writtenActors("fence-", n);
    List<ActorBatch> batches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batches.add(batchOf(i));
    }
    long[] before = new long[1];
    List<Throwable> outcomes = commitGrouped(actors, batches, lock -> {
      before[0] = engine.commitTransactions();
      try (Connection takeover = direct(); Statement s = takeover.createStatement()) {
        // Another owner took actor 2 over: its epoch moved on while its commit waited in the queue.
        s.execute("UPDATE actorkv.actors SET owner_epoch = owner_epoch + 1, owner_node = 'other'"
            + " WHERE actor_id = convert_to('fence-2', 'UTF8')");
      }
    });
    assertEquals(1, engine.commitTransactions() - before[0], "the group was one transaction");
    for (int i = 0; i < n; i++) {
      if (i == 2) {
        assertInstanceOf(ActorFencedException.class, outcomes.get(i));
      } else {
        assertNull(outcomes.get(i), "actor " + i + " committed");
      }
    }
    ActorStore reader = ActorStore.open(PostgresEngine.open(fixture.uri(), StoreOptions.forReading()),
        StoreOptions.forReading());
    try (reader) {
      for (int i = 0; i < n; i++) {
        ActorKeyspace a = reader.actor("fence-" + i);
        if (i == 2) {
          assertNull(a.get(b("event-2")), "nothing of the fenced commit was written");
          assertArrayEquals(b("x"), a.get(b("first")));
        } else {
          assertArrayEquals(b("payload-" + i), a.get(b("event-" + i)));
          assertNull(a.get(b("first")));
        }
      }
    }
  }

  /**
   * One statement of a group fails (a trigger refuses its key): the whole group is rolled back at the Sync,
   * and every member commits again alone. Had the group not been one transaction, the members before the
   * failing one would have landed already and their second try would be refused by their own fence.
   */
  @Test
  void aStatementThatFailsRollsItsGroupBackAndOnlyItsOwnCommitFails() throws Exception {
    int n = 5;
    List<ActorKeyspace> actors = writtenActors("poison-", n);
    List<ActorBatch> batches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ActorBatch batch = batchOf(i);
      if (i == 2) {
        batch.put(b("poison"), b("p"));
      }
      batches.add(batch);
    }
    fixture.execute("""
        CREATE FUNCTION actorkv.poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.key = '\\x04706f69736f6e'::bytea THEN RAISE EXCEPTION 'poisoned key'; END IF;
          RETURN NEW;
        END $$""");
    fixture.execute("CREATE TRIGGER poison BEFORE INSERT ON actorkv.kv FOR EACH ROW EXECUTE FUNCTION actorkv.poison()");
    long[] before = new long[1];
    List<Throwable> outcomes = commitGrouped(actors, batches, lock -> before[0] = engine.commitTransactions());
    assertEquals(1 + n, engine.commitTransactions() - before[0], "the failed group, then each member alone");
    for (int i = 0; i < n; i++) {
      ActorKeyspace a = actors.get(i);
      if (i == 2) {
        assertInstanceOf(StoreException.class, outcomes.get(i));
        assertTrue(outcomes.get(i).getMessage().contains("poisoned key"), outcomes.get(i).getMessage());
        assertNull(a.get(b("event-2")), "nothing of the failed commit was written");
        assertArrayEquals(b("x"), a.get(b("first")));
      } else {
        assertNull(outcomes.get(i), "actor " + i + " committed on its second try");
        assertArrayEquals(b("payload-" + i), a.get(b("event-" + i)));
        assertNull(a.get(b("first")));
      }
      assertEquals(a.scanStorageBytes(), a.storageBytes());
      a.put(b("after"), b("y")); // its commit sequence is right: the next commit lands
    }
  }

  /**
   * Members of every shape in one group: those of only puts and deletes share one statement, a range
   * delete and an alarm each send their own behind it, all in the one transaction; metadata set or not.
   */
  @Test
  void aGroupOfEveryShapeIsOneTransaction() throws Exception {
    int n = 6;
    List<ActorKeyspace> actors = writtenActors("mixed-", n);
    List<ActorBatch> batches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batches.add(batchOf(i));
    }
    batches.get(1).deleteRange(KeyRange.all());
    batches.get(3).setAlarm("wake", java.time.Instant.ofEpochMilli(1_000_000), b("alarm"));
    batches.get(4).setMetadata(new byte[] {8, 1});
    long[] before = new long[1];
    List<Throwable> outcomes = commitGrouped(actors, batches, lock -> before[0] = engine.commitTransactions());
    assertEquals(1, engine.commitTransactions() - before[0], "the group was one transaction");
    for (int i = 0; i < n; i++) {
      assertNull(outcomes.get(i), "actor " + i + " committed");
    }
    ActorStore reader = ActorStore.open(PostgresEngine.open(fixture.uri(), StoreOptions.forReading()),
        StoreOptions.forReading());
    try (reader) {
      for (int i = 0; i < n; i++) {
        ActorKeyspace a = reader.actor("mixed-" + i);
        assertEquals(i == 1 ? null : "payload-" + i, a.get(b("event-" + i)) == null ? null
            : new String(a.get(b("event-" + i)), StandardCharsets.UTF_8).substring(1), "actor " + i);
        assertNull(a.get(b("first")));
        assertEquals(a.scanStorageBytes(), a.recordedStorageBytes(), "actor " + i);
      }
      assertEquals("alarm", new String(reader.actor("mixed-3").alarm("wake").payload(), StandardCharsets.UTF_8).substring(1));
      assertArrayEquals(new byte[] {8, 1}, reader.actor("mixed-4").metadata());
    }
  }

  /**
   * Each member of a shared statement is held to the storage ceiling on its own, with the old sizes the
   * statement reads: one lands only because its old value is subtracted, one is over even so.
   */
  @Test
  void theStorageCeilingHoldsForEachMemberOfASharedStatement() throws Exception {
    int n = 4;
    writtenActors("limit-", n).forEach(a -> a.put(b("big"), new byte[50])); // 8 + 54 = 62 bytes each
    StoreOptions limited = StoreOptions.defaults().withLimits(StoreOptions.defaults().limits().withMaxStorageBytes(150));
    store.close(); // released: the store reopened below owns them again and knows no old length
    String proxied = fixture.uri().replace(":" + fixture.cluster().port() + "/", ":" + proxy.port() + "/");
    engine = PostgresEngine.open(proxied, limited, new LeaseOptions("group", Duration.ofMinutes(10)));
    store = ActorStore.open(engine, limited);
    List<ActorKeyspace> actors = new ArrayList<>();
    List<ActorBatch> batches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ActorKeyspace a = store.actor("limit-" + i);
      a.get(b("first")); // loaded before the group
      actors.add(a);
      batches.add(new ActorBatch().put(b("big"), new byte[i == 0 ? 200 : 100]));
    }
    List<Throwable> outcomes = commitGrouped(actors, batches, lock -> {});
    assertInstanceOf(dev.actorkv.store.LimitExceededException.class, outcomes.get(0));
    assertEquals(50, actors.get(0).get(b("big")).length, "nothing of the refused commit was written");
    for (int i = 1; i < n; i++) {
      assertNull(outcomes.get(i), "actor " + i + ": 62 - 54 + 104 = 112 bytes fit in 150 (62 + 104 would not)");
      assertEquals(100, actors.get(i).get(b("big")).length);
      assertEquals(112, actors.get(i).recordedStorageBytes());
      assertEquals(112, actors.get(i).scanStorageBytes());
    }
  }

  @Test
  void aGroupWhoseAnswerWasLostIsReportedCommittedForEveryActor() throws Exception {
    int n = 5;
    List<ActorKeyspace> actors = writtenActors("landed-", n);
    List<ActorBatch> batches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batches.add(batchOf(i));
    }
    // Cut on a value only the group carries (pgjdbc sends the puts' arrays in binary).
    proxy.arm(b("payload-3"), CuttingProxy.Cut.RESPONSE);
    List<Throwable> outcomes = commitGrouped(actors, batches, lock -> {});
    assertTrue(proxy.fired(), "the group's connection was cut");
    for (int i = 0; i < n; i++) {
      assertNull(outcomes.get(i), "actor " + i + ": the group landed");
      ActorKeyspace a = actors.get(i);
      assertArrayEquals(b("payload-" + i), a.get(b("event-" + i)));
      a.put(b("after"), b("y")); // its commit sequence is right: the next commit lands
      assertArrayEquals(b("y"), a.get(b("after")));
    }
  }

  @Test
  void aGroupThatNeverArrivedIsReportedFailedForEveryActorAndCannotLandLater() throws Exception {
    int n = 5;
    List<ActorKeyspace> actors = writtenActors("lost-", n);
    List<ActorBatch> batches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batches.add(batchOf(i));
    }
    proxy.arm(b("payload-3"), CuttingProxy.Cut.REQUEST);
    List<Throwable> outcomes = commitGrouped(actors, batches, lock -> {});
    assertTrue(proxy.fired(), "the group's connection was cut");
    for (int i = 0; i < n; i++) {
      Throwable t = outcomes.get(i);
      assertInstanceOf(StoreException.class, t, "actor " + i + " failed");
      assertTrue(!(t instanceof CommitOutcomeUnknownException), "the outcome was learned: " + t);
      ActorKeyspace a = actors.get(i);
      assertNull(a.get(b("event-" + i)), "nothing of actor " + i + " landed");
      assertArrayEquals(b("x"), a.get(b("first")));
    }
  }

  /** Many threads commit to many actors at once (groups form as they meet): the store equals a model. */
  @Test
  void manyThreadsCommittingToManyActorsEqualAModel() throws Exception {
    int actorCount = 24;
    int threadCount = 12;
    int commitsPerThread = 40;
    List<ActorKeyspace> actors = new ArrayList<>();
    List<TreeMap<String, String>> models = new ArrayList<>();
    for (int i = 0; i < actorCount; i++) {
      actors.add(store.actor("model-" + i));
      models.add(new TreeMap<>());
    }
    long statementsBefore = engine.commitStatements();
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < threadCount; t++) {
      long seed = 1000 + t;
      running.add(threads.submit(() -> {
        Random random = new Random(seed);
        for (int c = 0; c < commitsPerThread; c++) {
          int which = random.nextInt(actorCount);
          ActorKeyspace a = actors.get(which);
          TreeMap<String, String> model = models.get(which);
          synchronized (model) { // the model changes in the order the actor's commits land
            ActorBatch batch = new ActorBatch();
            Map<String, String> changes = new HashMap<>();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
              String key = "k" + random.nextInt(10);
              if (random.nextInt(4) == 0) {
                batch.delete(b(key));
                changes.put(key, null);
              } else {
                String value = "v" + seed + "-" + c + "-" + k + "-" + "x".repeat(random.nextInt(30));
                batch.put(b(key), b(value));
                changes.put(key, value);
              }
            }
            a.commit(batch);
            changes.forEach((key, value) -> {
              if (value == null) {
                model.remove(key);
              } else {
                model.put(key, value);
              }
            });
          }
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    assertEquals(threadCount * commitsPerThread, engine.commitStatements() - statementsBefore);
    ActorStore reader = ActorStore.open(PostgresEngine.open(fixture.uri(), StoreOptions.forReading()),
        StoreOptions.forReading());
    try (reader) {
      for (int i = 0; i < actorCount; i++) {
        List<String> expected = new ArrayList<>();
        models.get(i).forEach((k, v) -> expected.add(k + "=" + v));
        List<String> actual = new ArrayList<>();
        for (KeyValue kv : reader.actor("model-" + i).scan(KeyRange.all(), 1000)) {
          String key = new String(kv.key(), StandardCharsets.UTF_8).substring(1);
          actual.add(key + "=" + new String(kv.value(), StandardCharsets.UTF_8).substring(1));
        }
        assertEquals(expected, actual, "actor model-" + i);
        ActorKeyspace a = actors.get(i);
        assertEquals(a.scanStorageBytes(), a.storageBytes());
        assertEquals(a.storageBytes(), a.recordedStorageBytes());
      }
    }
  }
}
