package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.DueAlarm;
import dev.actorkv.testing.StoreFixture;
import dev.actorkv.workflow.WorkflowAlarms;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code keyspace alarms}: pending alarms as JSON lines, earliest first; {@link PostgresAlarmsCommandTest} on PostgreSQL. */
class AlarmsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  StoreFixture fixture;

  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @BeforeEach
  void open() {
    fixture = newFixture();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  static String line(String actor, String name, Instant due) {
    return "{\"actor\":" + Json.quote(actor) + ",\"name\":" + Json.quote(name) + ",\"due\":\"" + AlarmsCommand.iso(due) + "\"}";
  }

  /**
   * More alarms than one page of the index (three actors of 400, due times colliding so that actor and
   * name order ties), listed whole, earliest first, then by actor, then by name.
   */
  @Test
  void listsEveryPendingAlarmEarliestFirstAcrossPages() {
    List<DueAlarm> expected = new ArrayList<>();
    Random random = new Random(20);
    try (ActorStore store = fixture.open()) {
      for (String id : List.of("b", "a", "é🙂")) {
        ActorKeyspace actor = store.actor(id);
        ActorBatch batch = actor.batch();
        for (int i = 0; i < 400; i++) {
          Instant due = T0.plusSeconds(random.nextInt(300)).plusMillis(random.nextInt(3));
          String name = "alarm " + i;
          batch.setAlarm(name, due, new byte[] {(byte) i});
          expected.add(new DueAlarm(id, name, due));
        }
        actor.commit(batch);
      }
    }
    expected.sort(DueAlarm.ORDER);
    assertTrue(expected.size() > AlarmsCommand.PAGE);
    CliRun r = run("alarms", fixture.location());
    assertEquals(0, r.exit(), r.err());
    assertEquals(expected.stream().map(a -> line(a.actorId(), a.name(), a.due())).toList(), r.lines());
  }

  @Test
  void actorOptionListsThatActorsAlarmsByDueTime() throws Exception {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("a");
      a.commit(a.batch().setAlarm("z-first", T0, new byte[0]).setAlarm("a-last", T0.plusSeconds(60), new byte[0])
          .setAlarm("m-middle", T0.plusSeconds(30), new byte[] {1, 2}));
      ActorKeyspace b = store.actor("b");
      b.commit(b.batch().setAlarm("only", T0.plusSeconds(45), new byte[0]));
      ActorKeyspace c = store.actor("c");
      c.commit(c.batch().setAlarm("other", T0.minusSeconds(1), new byte[0]));
    }
    CliRun one = run("alarms", fixture.location(), "--actor", "a");
    assertEquals(0, one.exit(), one.err());
    assertEquals(List.of(line("a", "z-first", T0), line("a", "m-middle", T0.plusSeconds(30)), line("a", "a-last", T0.plusSeconds(60))),
        one.lines());
    CliRun two = run("alarms", fixture.location(), "--actor", "b", "--actor", "a");
    assertEquals(List.of(line("a", "z-first", T0), line("a", "m-middle", T0.plusSeconds(30)), line("b", "only", T0.plusSeconds(45)),
        line("a", "a-last", T0.plusSeconds(60))), two.lines());
    JsonNode first = JSON.readTree(one.lines().getFirst());
    assertEquals("2030-01-01T00:00:00.000Z", first.get("due").asText());
    CliRun none = run("alarms", fixture.location(), "--actor", "nobody");
    assertEquals(0, none.exit(), none.err());
    assertEquals("", none.out());
  }

  @Test
  void demoWorkflowsWakeUpIsListed() throws Exception {
    Instant before = Instant.now();
    CliRun demo = run("demo", fixture.location());
    assertEquals(0, demo.exit(), demo.err());
    Instant after = Instant.now();
    CliRun r = run("alarms", fixture.location());
    assertEquals(0, r.exit(), r.err());
    assertEquals(1, r.lines().size(), r.out());
    JsonNode alarm = JSON.readTree(r.lines().getFirst());
    assertEquals(DemoCommand.ACTOR, alarm.get("actor").asText());
    assertEquals(WorkflowAlarms.WAKE_ALARM, alarm.get("name").asText());
    Instant due = Instant.parse(alarm.get("due").asText());
    Duration sleep = WorkflowInspector.FOLLOW_UP;
    assertTrue(!due.isBefore(before.plus(sleep).minusMillis(1)) && !due.isAfter(after.plus(sleep)), due.toString());
    assertEquals(r.out(), run("alarms", fixture.location(), "--actor", DemoCommand.ACTOR).out());
    assertEquals(0, run("check", fixture.location()).exit());
  }

  @Test
  void aMissingStoreIsBadInputAndIsNotCreated() {
    fixture.destroy();
    CliRun r = run("alarms", fixture.location());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().startsWith("keyspace: "), r.err());
  }
}
