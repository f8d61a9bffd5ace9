package dev.actorkv.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorFencedException;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Alarm;
import dev.actorkv.store.DueAlarm;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.LeaseOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import dev.actorkv.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alarms under ownership on PostgreSQL, with one store per "node" on one real database: a fenced writer
 * sets and deletes no alarm, a scheduler delivers only the alarms of actors its node owns, and a handle
 * that lost its actor delivers nothing. A lease runs out by moving its expiry into the past with SQL.
 */
class PostgresAlarmOwnershipTest {
  private StoreFixture.Postgres fixture;
  private final List<AutoCloseable> open = new ArrayList<>();
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @BeforeEach
  void open() {
    fixture = (StoreFixture.Postgres) StoreFixture.postgres("alarm-owners");
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    fixture.close();
  }

  private ActorStore node(String name) {
    ActorStore s = PostgresEngine.openStore(fixture.uri(), StoreOptions.defaults(), new LeaseOptions(name, Duration.ofSeconds(10)));
    open.add(s);
    return s;
  }

  private void expireLease(String actor) {
    fixture.execute("UPDATE actorkv.actors SET lease_expires = now() - interval '1 second' WHERE actor_id = '\\x"
        + java.util.HexFormat.of().formatHex(actor.getBytes(StandardCharsets.UTF_8)) + "'");
  }

  private AlarmScheduler scheduler(ActorStore store, List<String> deliveries, String node) {
    AlarmScheduler s = AlarmScheduler.manual(store, (a, alarm) -> deliveries.add(node + ":" + a.actorId() + "/" + alarm.name()),
        AlarmSchedulerOptions.defaults().withClock(() -> T0.plusSeconds(60)));
    open.add(s);
    return s;
  }

  @Test
  void aFencedWriterSetsAndDeletesNoAlarm() {
    ActorStore a = node("node-a");
    ActorStore b = node("node-b");
    ActorKeyspace ax = a.actor("x");
    ax.commit(ax.batch().setAlarm("keep", T0, new byte[] {1}));
    expireLease("x");
    ActorKeyspace bx = b.actor("x");
    assertThrows(ActorFencedException.class,
        () -> ax.commit(ax.batch().setAlarm("zombie", T0, new byte[0]).deleteAlarm("keep")));
    assertThrows(ActorFencedException.class, () -> ax.compareAndSetAlarm(new Alarm("keep", T0, new byte[] {1}), null));
    assertThrows(ActorFencedException.class, ax::deleteAll);
    assertEquals(List.of(new Alarm("keep", T0, new byte[] {1})), bx.alarms());
    assertEquals(List.of(new DueAlarm("x", "keep", T0)), b.pendingAlarms(null, 10));
  }

  @Test
  void onlyTheOwnersSchedulerDeliversAndALostHandleDeliversNothing() {
    ActorStore a = node("node-a");
    ActorStore b = node("node-b");
    List<String> deliveries = new CopyOnWriteArrayList<>();
    AlarmScheduler sa = scheduler(a, deliveries, "a");
    AlarmScheduler sb = scheduler(b, deliveries, "b");
    a.actor("x").commit(new ActorBatch().setAlarm("1", T0, new byte[0]));
    assertEquals(new AlarmScheduler.Round(0, 0, 1), sb.runDue(), "node-a owns x: node-b skips it");
    assertEquals(new AlarmScheduler.Round(1, 0, 0), sa.runDue());
    assertEquals(List.of("a:x/1"), deliveries);
    // node-a's handle is taken over without node-a knowing yet: its scheduler's claim is fenced.
    a.actor("x").commit(new ActorBatch().setAlarm("2", T0, new byte[0]));
    expireLease("x");
    b.actor("x");
    assertEquals(new AlarmScheduler.Round(0, 0, 1), sa.runDue(), "a handle that lost the actor delivers nothing");
    assertEquals(List.of("a:x/1"), deliveries);
    assertEquals(new AlarmScheduler.Round(1, 0, 0), sb.runDue());
    assertEquals(List.of("a:x/1", "b:x/2"), deliveries);
    assertEquals(List.of(), b.pendingAlarms(null, 10));
  }
}
