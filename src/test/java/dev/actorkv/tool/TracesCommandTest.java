package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.actorkv.testing.StoreFixture;
import dev.actorkv.traces.Otlp;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code keyspace traces}: the demo actor's spans as OTLP/JSON and OTLP protobuf on standard output, and
 * POSTed to a local OTLP/HTTP receiver that decodes what it receives.
 */
class TracesCommandTest {
  record Received(String path, String contentType, byte[] body) {}

  static List<String> names(ExportTraceServiceRequest r) {
    return r.getResourceSpansList().stream().flatMap(rs -> rs.getScopeSpansList().stream())
        .flatMap(ss -> ss.getSpansList().stream()).map(Span::getName).sorted().toList();
  }

  @Test
  void writesAndPostsTheActorsSpansAsOtlp() throws Exception {
    try (StoreFixture store = StoreFixture.rocksDb()) {
      assertEquals(0, run("demo", store.location()).exit());
      CliRun json = run("traces", store.location(), "--actor", DemoCommand.ACTOR);
      assertEquals(0, json.exit(), json.err());
      assertEquals(1, json.lines().size());
      ExportTraceServiceRequest fromJson = Otlp.exportRequestFromJson(json.lines().getFirst());
      assertEquals(List.of("handle-request", "sqlite-query"), names(fromJson));

      CliRun.Bytes proto = CliRun.withStdinBytes(new byte[0], "traces", store.location(), "--actor", DemoCommand.ACTOR,
          "--format", "otlp-proto");
      assertEquals(0, proto.exit(), new String(proto.err(), StandardCharsets.UTF_8));
      assertEquals(fromJson, ExportTraceServiceRequest.parseFrom(proto.out()));

      CliRun later = run("traces", store.location(), "--actor", DemoCommand.ACTOR, "--from", "2200-01-01T00:00:00Z");
      assertEquals(0, later.exit(), later.err());
      assertEquals(List.of(), names(Otlp.exportRequestFromJson(later.lines().getFirst())));

      List<Received> received = new CopyOnWriteArrayList<>();
      AtomicInteger answer = new AtomicInteger(200);
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Content-Type"),
            exchange.getRequestBody().readAllBytes()));
        exchange.sendResponseHeaders(answer.get(), -1);
        exchange.close();
      });
      server.start();
      try {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        CliRun posted = run("traces", store.location(), "--actor", DemoCommand.ACTOR, "--endpoint", url);
        assertEquals(0, posted.exit(), posted.err());
        assertEquals("{\"spans\":2,\"status\":200}", posted.lines().getFirst());
        CliRun postedProto = run("traces", store.location(), "--actor", DemoCommand.ACTOR, "--endpoint", url + "/",
            "--format", "otlp-proto");
        assertEquals(0, postedProto.exit(), postedProto.err());
        assertEquals(2, received.size());
        assertEquals("/v1/traces", received.get(0).path());
        assertEquals("application/json", received.get(0).contentType());
        assertEquals(fromJson, Otlp.exportRequestFromJson(new String(received.get(0).body(), StandardCharsets.UTF_8)));
        assertEquals("/v1/traces", received.get(1).path());
        assertEquals("application/x-protobuf", received.get(1).contentType());
        assertEquals(fromJson, ExportTraceServiceRequest.parseFrom(received.get(1).body()));

        answer.set(500);
        CliRun refused = run("traces", store.location(), "--actor", DemoCommand.ACTOR, "--endpoint", url);
        assertEquals(1, refused.exit(), refused.err());
        assertTrue(refused.err().contains("HTTP 500"), refused.err());
      } finally {
        server.stop(0);
      }
      assertEquals(2, run("traces", store.location(), "--actor", DemoCommand.ACTOR, "--format", "xml").exit());
      assertEquals(2, run("traces", store.location(), "--actor", DemoCommand.ACTOR, "--from", "yesterday").exit());
      assertEquals(2, run("traces", store.location(), "--actor", DemoCommand.ACTOR, "--endpoint", "ftp://x").exit());
    }
  }
}
