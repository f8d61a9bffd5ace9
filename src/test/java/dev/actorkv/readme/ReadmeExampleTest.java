package dev.actorkv.readme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.workflow.Workflow;
import dev.actorkv.workflow.WorkflowEngine;
import dev.actorkv.workflow.WorkflowOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Using the library" example, kept compiling and running. */
class ReadmeExampleTest {
  @TempDir Path data;

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readmeExampleRuns() throws Exception {
    byte[] state = key("{\"n\":1}");
    byte[] value = key("v");
    byte[] body = key("hello");
    try (ActorStore store = ActorStore.open(data)) {
      ActorKeyspace actor = store.actor("room-42");

      actor.put(ActorKeys.persistedData(), state);
      actor.commit(actor.batch()
          .put(ActorKeys.userKv(key("a")), value)
          .deleteRange(ActorKeys.userKvRange()));

      ActorQueue queue = ActorQueue.open(actor);
      queue.enqueue("email", body);
      List<Message> got = queue.receive(List.of("email"), 10, Duration.ofSeconds(5));
      assertEquals(1, got.size());
      assertArrayEquals(body, got.getFirst().body());

      try (SqliteDatabase db = SqliteDatabase.open(actor)) {
        db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT)");
        db.execute("INSERT INTO t (name) VALUES (?)", "ada");
        String name = db.query("SELECT name FROM t WHERE id = ?", 1L).single().getString(0);
        assertEquals("ada", name);
      }

      Workflow<String, Integer> signup = Workflow.of(String.class, Integer.class, (ctx, email) -> {
        int id = ctx.step("create-user", Integer.class, () -> email.length());
        ctx.sleep("grace-period", Duration.ofDays(1));
        ctx.step("send-welcome", Boolean.class, () -> true);
        return id;
      });
      WorkflowOutcome<Integer> outcome = WorkflowEngine.open(actor).run(signup, "ada@example.com");
      assertInstanceOf(WorkflowOutcome.Sleeping.class, outcome);
    }
  }
}
