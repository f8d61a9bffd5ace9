package dev.actorkv.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Alarm;
import dev.actorkv.store.DueAlarm;
import dev.actorkv.testing.ManualClock;
import dev.actorkv.testing.StoreFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Model-based: random programs of alarm sets, deletes, actor deletes, clock advances, delivery rounds and
 * restarts (store and scheduler closed and opened again) on a manual clock, against a model of the pending
 * alarms. After every step the store's pending alarms (earliest first) equal the model's; every round
 * delivers exactly the alarms due by then, in due order (nothing early, nothing due left behind), deletes
 * those delivered and moves those whose handler failed by the backoff. RocksDB here, PostgreSQL in
 * {@link PostgresAlarmSchedulerModelProperties}.
 */
class AlarmSchedulerModelProperties {
  static final List<String> ACTORS = List.of("a", "b", "a\0", "\u00e9");
  static final List<String> NAMES = List.of("x", "y", "z\0");
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration INITIAL = Duration.ofMillis(100);
  static final Duration MAX = Duration.ofMillis(800);

  sealed interface Op permits Set, Delete, DeleteActor, Advance, Deliver, Restart {}

  /** Sets an alarm {@code offsetMs} from now; a failing one's handler throws every time. */
  record Set(int actor, int name, int offsetMs, boolean failing) implements Op {}

  record Delete(int actor, int name) implements Op {}

  record DeleteActor(int actor) implements Op {}

  record Advance(int ms) implements Op {}

  record Deliver() implements Op {}

  record Restart() implements Op {}

  StoreFixture fixture;

  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @BeforeProperty
  void openFixture() {
    fixture = newFixture();
  }

  @AfterProperty
  void closeFixture() {
    if (fixture != null) {
      fixture.close();
    }
  }

  record Key(String actor, String name) {}

  /** The scheduler's in-memory retry state, mirrored: the alarm as last rescheduled and its failures in a row. */
  record Retry(Alarm rescheduled, int failures) {}

  static Duration backoff(int failures) {
    Duration d = INITIAL;
    for (int i = 1; i < failures; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(MAX) > 0 ? MAX : d;
  }

  @Property(tries = 40)
  void schedulerMatchesModel(@ForAll("programs") List<Op> program) {
    fixture.reset();
    ManualClock clock = new ManualClock(T0);
    Map<Key, Alarm> model = new HashMap<>();
    Map<Key, Retry> retries = new HashMap<>();
    List<DueAlarm> delivered = new ArrayList<>();
    AlarmScheduler.Handler handler = (actor, alarm) -> {
      if (alarm.due().isAfter(clock.instant())) {
        throw new AssertionError("delivered early: " + alarm);
      }
      delivered.add(new DueAlarm(actor.actorId(), alarm.name(), alarm.due()));
      if (alarm.payload()[0] == 1) {
        throw new IllegalStateException("this handler fails");
      }
    };
    AlarmSchedulerOptions options = AlarmSchedulerOptions.defaults().withClock(clock).withBackoff(INITIAL, MAX).withBatchSize(3);
    ActorStore store = fixture.open();
    AlarmScheduler scheduler = AlarmScheduler.manual(store, handler, options);
    try {
      for (Op op : program) {
        switch (op) {
          case Set s -> {
            Alarm a = new Alarm(NAMES.get(s.name()), clock.instant().plusMillis(s.offsetMs()), new byte[] {(byte) (s.failing() ? 1 : 0)});
            store.actor(ACTORS.get(s.actor())).commit(new ActorBatch().setAlarm(a));
            model.put(new Key(ACTORS.get(s.actor()), a.name()), a);
          }
          case Delete d -> {
            store.actor(ACTORS.get(d.actor())).commit(new ActorBatch().deleteAlarm(NAMES.get(d.name())));
            model.remove(new Key(ACTORS.get(d.actor()), NAMES.get(d.name())));
          }
          case DeleteActor d -> {
            store.actor(ACTORS.get(d.actor())).deleteAll();
            model.keySet().removeIf(k -> k.actor().equals(ACTORS.get(d.actor())));
          }
          case Advance a -> clock.advance(Duration.ofMillis(a.ms()));
          case Deliver d -> {
            Instant now = clock.instant();
            List<DueAlarm> due = new ArrayList<>();
            for (Map.Entry<Key, Alarm> e : model.entrySet()) {
              if (!e.getValue().due().isAfter(now)) {
                due.add(new DueAlarm(e.getKey().actor(), e.getKey().name(), e.getValue().due()));
              }
            }
            due.sort(DueAlarm.ORDER);
            int ok = 0;
            int failed = 0;
            for (DueAlarm x : due) {
              Key k = new Key(x.actorId(), x.name());
              Alarm a = model.get(k);
              if (a.payload()[0] == 1) {
                Retry last = retries.get(k);
                int failures = last != null && last.rescheduled().equals(a) ? last.failures() + 1 : 1;
                Alarm moved = a.withDue(now.plus(backoff(failures)));
                model.put(k, moved);
                retries.put(k, new Retry(moved, failures));
                failed++;
              } else {
                model.remove(k);
                retries.remove(k);
                ok++;
              }
            }
            delivered.clear();
            AlarmScheduler.Round round = scheduler.runDue();
            assertEquals(due, delivered, "delivered exactly what was due, earliest first");
            assertEquals(new AlarmScheduler.Round(ok, failed, 0), round);
          }
          case Restart r -> {
            scheduler.close();
            store.close();
            retries.clear(); // the scheduler's retry counts live in memory; the moved due times are durable
            store = fixture.open();
            scheduler = AlarmScheduler.manual(store, handler, options);
          }
        }
        List<DueAlarm> expected = new ArrayList<>();
        model.forEach((k, a) -> expected.add(new DueAlarm(k.actor(), k.name(), a.due())));
        expected.sort(DueAlarm.ORDER);
        assertEquals(expected, store.pendingAlarms(null, 1000), "after " + op);
        assertEquals(expected.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(expected.getFirst().due()), store.nextAlarmDue());
        for (String actor : ACTORS) {
          List<Alarm> mine = new ArrayList<>();
          model.forEach((k, a) -> {
            if (k.actor().equals(actor)) {
              mine.add(a);
            }
          });
          mine.sort((x, y) -> java.util.Arrays.compareUnsigned(x.name().getBytes(java.nio.charset.StandardCharsets.UTF_8),
              y.name().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
          if (!Objects.equals(mine, store.actor(actor).alarms())) {
            assertEquals(mine, store.actor(actor).alarms(), "alarms of " + actor + " after " + op);
          }
        }
      }
      assertEquals(List.of(), store.checkAlarms());
    } finally {
      scheduler.close();
      store.close();
    }
  }

  @Provide
  Arbitrary<List<Op>> programs() {
    Arbitrary<Integer> actor = Arbitraries.integers().between(0, ACTORS.size() - 1);
    Arbitrary<Integer> name = Arbitraries.integers().between(0, NAMES.size() - 1);
    Arbitrary<Op> set = Combinators.combine(actor, name, Arbitraries.integers().between(-500, 2000), Arbitraries.of(false, false, true))
        .as(Set::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, set),
        net.jqwik.api.Tuple.of(2, Combinators.combine(actor, name).as(Delete::new)),
        net.jqwik.api.Tuple.of(1, actor.map(DeleteActor::new)),
        net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 1500).map(Advance::new)),
        net.jqwik.api.Tuple.of(5, Arbitraries.just(new Deliver())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Restart()))).list().ofMinSize(1).ofMaxSize(40);
  }
}
