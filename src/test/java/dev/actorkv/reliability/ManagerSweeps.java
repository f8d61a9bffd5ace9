package dev.actorkv.reliability;

import com.google.protobuf.ByteString;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.workflow.WorkflowHistory;
import dev.actorkv.workflow.proto.EntryMetadata;
import dev.actorkv.workflow.proto.EntryStatus;
import dev.actorkv.workflow.proto.HistoryEntry;
import dev.actorkv.workflow.proto.StepEntry;
import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.queue.NewMessage;
import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import dev.actorkv.traces.ActorTraces;
import dev.actorkv.traces.TracesStatus;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault sweeps of the managers' operations: queue enqueue / receive / complete / delete / open with a
 * rebuild, workflow history flush, traces flush, SQLite commits. Memory is what the manager's API shows; disk is the actor's full
 * image.
 */
final class ManagerSweeps {
  private static final String ACTOR = "manager-sweep";

  private final Path root;
  private final AtomicInteger dirs = new AtomicInteger();

  ManagerSweeps(Path root) {
    this.root = root;
  }

  /** A manager on a fresh store: how to run the operation, what memory shows, how to close. */
  private interface Manager {
    void run() throws Exception;

    Object memory();

    void close() throws Exception;
  }

  @FunctionalInterface
  private interface ManagerFactory {
    Manager open(ActorKeyspace actor) throws Exception;
  }

  List<FaultSweep.Outcome> runAll() throws Exception {
    List<FaultSweep.Outcome> out = new ArrayList<>();
    sweep(out, "queue enqueue", a -> queue(a, q -> q.enqueue("jobs", body(1))));
    sweep(out, "queue enqueueAll", a -> queue(a, q -> q.enqueueAll(List.of(
        new NewMessage("jobs", body(2)), new NewMessage("mail", body(3)), new NewMessage("jobs", body(4))))));
    sweep(out, "queue receive", a -> queue(a, q -> q.receive(List.of("jobs"), 2, Duration.ZERO)));
    sweep(out, "queue receiveCompletable", a -> queue(a, q -> q.receiveCompletable(List.of(), 2, Duration.ZERO)));
    sweep(out, "queue complete", a -> {
      ActorQueue q = ActorQueue.open(a);
      Message m = q.receiveCompletable(List.of(), 1, Duration.ZERO).getFirst();
      return queueManager(q, x -> x.complete(m, body(9)));
    });
    sweep(out, "queue delete", a -> queue(a, q -> q.delete(List.of(1L, 3L, 99L))));
    sweep(out, "queue open with metadata rebuild", a -> {
      ActorQueue.open(a).close();
      a.delete(QueueKeys.metadata());
      return new Manager() {
        public void run() {
          ActorQueue.open(a).close();
        }

        public Object memory() {
          return 0;
        }

        public void close() {}
      };
    });
    sweep(out, "traces flush", a -> {
      ActorTraces t = ActorTraces.open(a);
      for (int i = 0; i < 20; i++) {
        t.record(Resource.getDefaultInstance(), InstrumentationScope.newBuilder().setName("sweep").build(), span(i));
      }
      return new Manager() {
        public void run() {
          t.flush();
        }

        public Object memory() {
          // Not pendingChunks: flush seals the open chunk before writing, and by design a failed flush keeps
          // the sealed chunks buffered for the next one. What must not change is what is buffered and what
          // a reader sees.
          TracesStatus s = t.status();
          return List.of(s.chunksWritten(), s.bytesWritten(), s.bufferedBytes(), s.openSpans(),
              t.read(0, Long.MAX_VALUE, 1000).spans());
        }

        public void close() {
          t.close();
        }
      };
    });
    sweep(out, "workflow history flush", a -> {
      WorkflowHistory h = WorkflowHistory.load(a);
      for (int i = 0; i < 3; i++) {
        long name = h.nameIndex("step-" + i);
        WorkflowLocation loc = new WorkflowLocation(List.of(new WorkflowLocation.Name(name)));
        h.putEntry(loc, HistoryEntry.newBuilder().setId("e" + i).setOrdinal(i)
            .setStep(StepEntry.newBuilder().setHasOutput(true).setOutput(ByteString.copyFromUtf8("out-" + i))).build());
        h.putMetadata("e" + i, EntryMetadata.newBuilder().setStatus(EntryStatus.ENTRY_COMPLETED).build());
      }
      h.setField(WorkflowField.INPUT, body(7));
      return new Manager() {
        public void run() {
          h.flush();
        }

        public Object memory() {
          return List.of(h.isDirty(), h.entryCount(), h.names(), h.state());
        }

        public void close() {}
      };
    });
    sweep(out, "sqlite insert", a -> sqlite(a, db -> db.execute("INSERT INTO t(v) VALUES (?)", "x".repeat(5000))));
    sweep(out, "sqlite transaction", a -> sqlite(a, db -> db.executeScript(
        "BEGIN; INSERT INTO t(v) VALUES ('a'); UPDATE t SET v = v || 'b'; DELETE FROM t WHERE id = 1; COMMIT;")));
    return out;
  }

  @FunctionalInterface
  private interface QueueOp {
    void accept(ActorQueue q) throws Exception;
  }

  @FunctionalInterface
  private interface SqlOp {
    void accept(SqliteDatabase db) throws Exception;
  }

  private static Manager queue(ActorKeyspace a, QueueOp op) {
    ActorQueue q = ActorQueue.open(a);
    return queueManager(q, op);
  }

  private static Manager queueManager(ActorQueue q, QueueOp op) {
    return new Manager() {
      public void run() throws Exception {
        op.accept(q);
      }

      public Object memory() {
        return List.of(q.size(), q.nextId(), q.list(0, 1000).messages());
      }

      public void close() {
        q.close();
      }
    };
  }

  private static Manager sqlite(ActorKeyspace a, SqlOp op) {
    SqliteDatabase db = SqliteDatabase.open(a);
    return new Manager() {
      public void run() throws Exception {
        op.accept(db);
      }

      public Object memory() {
        return db.query("SELECT id, v FROM t ORDER BY id").rows().stream().map(r -> r.toString()).toList();
      }

      public void close() {
        db.close();
      }
    };
  }

  private void sweep(List<FaultSweep.Outcome> out, String name, ManagerFactory factory) throws Exception {
    for (FaultSweep.Point p : FaultSweep.Point.values()) {
      out.add(FaultSweep.sweep(name, p, () -> fixture(factory)));
    }
  }

  private FaultSweep.Fixture fixture(ManagerFactory factory) {
    FailingFaults faults = new FailingFaults();
    ActorStore store = ActorStore.open(root.resolve("manager-sweep-" + dirs.incrementAndGet()), StoreOptions.defaults().withFaults(faults));
    ActorKeyspace actor = store.actor(ACTOR);
    Manager m;
    try {
      seed(actor);
      m = factory.open(actor);
    } catch (Exception e) {
      store.close();
      throw new IllegalStateException("fixture setup failed", e);
    }
    return new FaultSweep.Fixture() {
      public FailingFaults faults() {
        return faults;
      }

      public void run() throws Exception {
        m.run();
      }

      public Object memory() {
        return m.memory();
      }

      public Object disk() {
        return DiskImage.of(store, ACTOR);
      }

      public void close() throws Exception {
        try {
          m.close();
        } finally {
          store.close();
        }
      }
    };
  }

  /** Every manager has state before the operation: queued messages and a SQLite table with rows. */
  private static void seed(ActorKeyspace actor) {
    try (ActorQueue q = ActorQueue.open(actor)) {
      for (int i = 0; i < 4; i++) {
        q.enqueue(i % 2 == 0 ? "jobs" : "mail", body(10 + i));
      }
    }
    try (SqliteDatabase db = SqliteDatabase.open(actor)) {
      db.executeScript("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('one'), ('two');");
    }
  }

  private static Span span(int i) {
    long start = (1_700_000_000L + i) * 1_000_000_000L;
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(StoreSweeps.bytes(16, i)))
        .setSpanId(ByteString.copyFrom(StoreSweeps.bytes(8, 50 + i)))
        .setName("span-" + i)
        .setStartTimeUnixNano(start)
        .setEndTimeUnixNano(start + 1000)
        .build();
  }

  private static byte[] body(int i) {
    return ("body-" + i).getBytes(StandardCharsets.UTF_8);
  }
}
