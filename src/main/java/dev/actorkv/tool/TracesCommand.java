package dev.actorkv.tool;

import dev.actorkv.store.ActorStore;
import dev.actorkv.traces.ActorTraces;
import dev.actorkv.traces.Otlp;
import dev.actorkv.traces.TraceRead;
import dev.actorkv.traces.TracesOptions;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keyspace traces DB --actor ID [--from T] [--to T] [--format otlp-json|otlp-proto] [--endpoint URL]}:
 * an actor's stored spans as one OTLP export request, written out or POSTed to an OTLP/HTTP collector.
 */
@Command(
    name = "traces",
    mixinStandardHelpOptions = true,
    description = "Writes the spans of an actor that overlap [--from, --to) as one OTLP ExportTraceServiceRequest:"
        + " OTLP/JSON on one line (--format otlp-json, the default) or OTLP protobuf bytes (--format otlp-proto). With"
        + " --endpoint URL it POSTs the request to the OTLP/HTTP collector at URL/v1/traces instead and prints"
        + " {\"spans\":N,\"status\":HTTP status}; a status other than 2xx, or a collector that cannot be reached, exits 1."
        + " Opens DB read-only.")
final class TracesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Supplier<OutputStream> rawOut;

  TracesCommand(Supplier<OutputStream> rawOut) {
    this.rawOut = rawOut;
  }

  @Parameters(index = "0", paramLabel = "DB", description = "the store: a directory, or a postgresql:// URI")
  String db;

  @Option(names = "--actor", paramLabel = "ID", required = true, description = "the actor whose spans to write")
  String actor;

  @Option(names = "--from", paramLabel = "T", description = "ISO-8601 instant; default: the epoch")
  String from;

  @Option(names = "--to", paramLabel = "T", description = "ISO-8601 instant (exclusive); default: no end")
  String to;

  @Option(names = "--format", paramLabel = "FORMAT", description = "otlp-json (default) or otlp-proto")
  String format = "otlp-json";

  @Option(names = "--endpoint", paramLabel = "URL", description = "POST to this OTLP/HTTP collector (URL/v1/traces)")
  String endpoint;

  @Override
  public Integer call() throws IOException, InterruptedException {
    boolean json = switch (format) {
      case "otlp-json" -> true;
      case "otlp-proto" -> false;
      default -> throw new Errors.UserError("bad --format " + Json.quote(format) + ": otlp-json or otlp-proto");
    };
    long start = nanos(from, "--from", 0);
    long end = nanos(to, "--to", Long.MAX_VALUE);
    if (end <= start) {
      throw new Errors.UserError("--to must be after --from");
    }
    URI target = endpoint == null ? null : collector(endpoint);
    TraceRead read;
    try (ActorStore store = StoreAccess.openForReading(db)) {
      StoreAccess.checkActorId(store, actor);
      // No flush timer, nothing recorded: this manager only reads, so closing it writes nothing.
      try (ActorTraces traces = ActorTraces.open(store.actor(actor), TracesOptions.defaults().withFlushInterval(Duration.ZERO))) {
        read = traces.read(start, end, Integer.MAX_VALUE);
      }
    }
    ExportTraceServiceRequest request = Otlp.exportRequest(read.spans());
    byte[] body = json ? Otlp.toJson(request).getBytes(StandardCharsets.UTF_8) : request.toByteArray();
    if (target == null && json) {
      spec.commandLine().getOut().println(new String(body, StandardCharsets.UTF_8));
      return Errors.OK;
    }
    if (target == null) {
      // Protobuf bytes go to the raw standard output: the tool's writers are for text.
      OutputStream out = rawOut.get();
      out.write(body);
      out.flush();
      if (out instanceof PrintStream ps && ps.checkError()) {
        throw new Errors.UserError("cannot write standard output", Errors.FAILED);
      }
      return Errors.OK;
    }
    int status = post(target, body, json ? "application/json" : "application/x-protobuf");
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("spans", read.spans().size());
    line.put("status", status);
    spec.commandLine().getOut().println(Json.write(line));
    if (status / 100 != 2) {
      throw new Errors.UserError("collector at " + target + " answered HTTP " + status, Errors.FAILED);
    }
    return Errors.OK;
  }

  private static long nanos(String instant, String option, long otherwise) {
    if (instant == null) {
      return otherwise;
    }
    try {
      Instant t = Instant.parse(instant);
      if (t.isBefore(Instant.EPOCH)) {
        throw new Errors.UserError("bad " + option + " " + instant + ": before 1970");
      }
      return Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L) + t.getNano();
    } catch (DateTimeParseException e) {
      throw new Errors.UserError("bad " + option + " " + Json.quote(instant) + ": not an ISO-8601 instant (2026-01-31T12:00:00Z)");
    } catch (ArithmeticException e) {
      throw new Errors.UserError("bad " + option + " " + instant + ": after 2262, beyond what span times hold");
    }
  }

  /** The collector's traces URL: the OTLP/HTTP path {@code /v1/traces} under the endpoint given. */
  private static URI collector(String endpoint) {
    try {
      URI uri = URI.create(endpoint);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new Errors.UserError("bad --endpoint " + Json.quote(endpoint) + ": an http:// or https:// URL");
      }
      String s = endpoint.endsWith("/v1/traces") ? endpoint : endpoint.replaceAll("/+$", "") + "/v1/traces";
      return URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new Errors.UserError("bad --endpoint " + Json.quote(endpoint) + ": " + e.getMessage());
    }
  }

  private static int post(URI target, byte[] body, String contentType) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(target)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new Errors.UserError("cannot send to the collector at " + target + ": "
          + (e.getMessage() == null ? "connection failed" : e.getMessage()), Errors.FAILED);
    }
  }
}
