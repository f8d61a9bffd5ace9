package dev.actorkv.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorStore;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A span the traces refuse is logged through System.Logger (whose default backend is java.util.logging,
 * where this test listens): once as a warning, the later ones at debug level.
 */
class SpanRefusalLogTest {
  @TempDir Path dir;

  @Test
  void refusedSpansAreLoggedOnceAsAWarning() {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(ActorSpanProcessor.class.getName());
    Level level = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(capture);
    try (ActorStore store = ActorStore.open(dir)) {
      ActorTraces traces = ActorTraces.open(store.actor("a"));
      ActorSpanProcessor processor = ActorSpanProcessor.create(traces);
      SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(processor).build();
      traces.close(); // every later span is refused
      for (int i = 0; i < 3; i++) {
        provider.get("t").spanBuilder("s" + i).startSpan().end();
      }
      provider.shutdown();
      assertTrue(processor.refusedSpans() >= 3, "refused " + processor.refusedSpans());
      List<LogRecord> warnings = records.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
      assertEquals(1, warnings.size(), () -> "warnings: " + records.stream().map(LogRecord::getMessage).toList());
      assertTrue(warnings.getFirst().getMessage().contains("refused a span"), warnings.getFirst().getMessage());
      assertEquals(processor.lastRefusal() != null, warnings.getFirst().getThrown() != null);
      assertEquals(processor.refusedSpans(), records.size(), "one record per refused span");
    } finally {
      logger.removeHandler(capture);
      logger.setLevel(level);
    }
  }
}
