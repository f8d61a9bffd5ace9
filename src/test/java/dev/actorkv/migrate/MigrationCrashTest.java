package dev.actorkv.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.migrate.proto.MigrationMarker;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process migrating an actor is killed with SIGKILL at every batch boundary (and once at an
 * arbitrary point); the migration resumed in a new process must leave the store exactly as an
 * uninterrupted run does: every physical key and value, the actor's record (storage count, layout
 * version) and the migration marker included.
 */
class MigrationCrashTest {
  private static final int BATCH = 10;
  private static final TreeMap<byte[], byte[]> LEGACY = LegacyFixture.legacyContents(7, 8);

  @TempDir Path dir;
  private Map<String, String> reference;
  private long batches;

  @BeforeEach
  void uninterruptedReference() throws Exception {
    Path ref = dir.resolve("reference");
    try (ActorStore store = ActorStore.open(ref)) {
      LegacyFixture.write(store.actor("a"), LEGACY);
      LegacyFixture.write(store.actor("b"), LEGACY);
      batches = new Migrator(MigrationOptions.defaults().withBatchSize(BATCH)).migrate(store.actor("a")).batches();
    }
    reference = RawStore.dump(ref);
    assertTrue(batches >= 4, "the fixture spans several batches: " + batches);
  }

  private Path freshStore(String name) {
    Path d = dir.resolve(name);
    try (ActorStore store = ActorStore.open(d)) {
      LegacyFixture.write(store.actor("a"), LEGACY);
      LegacyFixture.write(store.actor("b"), LEGACY);
    }
    return d;
  }

  @Test
  void killedAtEveryBatchBoundaryThenResumedEqualsAnUninterruptedRun() throws Exception {
    for (long k = 1; k < batches; k++) {
      Path d = freshStore("kill-after-" + k);
      Path out = dir.resolve("child-" + k + ".out");
      try (ChildJvm child = ChildJvm.start(MigrationChild.class, out, d.toString(), "a", "" + BATCH, "" + k)) {
        awaitLine(out, "batch " + k + " committed", child);
        child.kill9();
      }
      try (ActorStore store = ActorStore.open(d)) {
        ActorKeyspace a = store.actor("a");
        assertEquals(0, Migrations.layoutVersion(a));
        MigrationMarker marker = MigrationMarker.parseFrom(Migrations.migrationMarker(a));
        assertEquals(MigrationMarker.State.IN_PROGRESS, marker.getState());
        assertEquals(k, marker.getBatches());
        MigrationResult r = new Migrator(MigrationOptions.defaults().withBatchSize(BATCH)).migrate(a);
        assertTrue(r.resumed());
        assertEquals(batches, r.batches());
      }
      assertEquals(reference, RawStore.dump(d), "killed after batch " + k);
    }
  }

  @Test
  void killedAnywhereThenResumedInAnotherProcessEqualsAnUninterruptedRun() throws Exception {
    Path d = freshStore("kill-anywhere");
    Path out = dir.resolve("child.out");
    try (ChildJvm child = ChildJvm.start(MigrationChild.class, out, d.toString(), "a", "" + BATCH, "0")) {
      awaitLine(out, "batch 2 committed", child);
      child.kill9(); // the child keeps migrating meanwhile: the kill lands wherever it is
    }
    Path out2 = dir.resolve("child2.out");
    try (ChildJvm child = ChildJvm.start(MigrationChild.class, out2, d.toString(), "a", "" + BATCH, "0")) {
      assertEquals(0, child.waitFor(60, TimeUnit.SECONDS), () -> read(Path.of(out2 + ".err")));
    }
    assertTrue(read(out2).contains("done"));
    assertEquals(reference, RawStore.dump(d));
  }

  private static void awaitLine(Path out, String line, ChildJvm child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(out) && read(out).lines().anyMatch(line::equals)) {
        return;
      }
      if (!child.process().isAlive()) {
        throw new AssertionError("child exited early: " + read(out) + read(Path.of(out + ".err")));
      }
      Thread.sleep(20);
    }
    throw new AssertionError("child did not print \"" + line + "\": " + read(out) + read(Path.of(out + ".err")));
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
