package dev.actorkv.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backup's manifest, {@code backups/<N>.manifest}: JSON lines. The first line describes the backup
 * ({@code {"format":1,"backup":N,"time":"<ISO-8601 UTC>","engine":…,"actors":…,"keys":…,"bytes":…,
 * "new_bytes":…}}), then one line per actor in id order ({@code {"actor":"<id>","object":"<sha256 hex>",
 * "keys":N,"bytes":N}}), then {@code {"sha256":"<hex>"}}: the SHA-256 of every byte before that line.
 */
record Manifest(BackupInfo info, List<Entry> entries) {
  static final int FORMAT = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One actor of the backup and the actor file holding its entries. */
  record Entry(String actorId, String object, long keys, long bytes) {}

  byte[] encode() {
    StringBuilder sb = new StringBuilder();
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("format", FORMAT);
    head.put("backup", info.number());
    head.put("time", info.time().toString());
    head.put("engine", info.engine());
    head.put("actors", info.actors());
    head.put("keys", info.keys());
    head.put("bytes", info.bytes());
    head.put("new_bytes", info.newBytes());
    sb.append(json(head)).append('\n');
    for (Entry e : entries) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("actor", e.actorId());
      line.put("object", e.object());
      line.put("keys", e.keys());
      line.put("bytes", e.bytes());
      sb.append(json(line)).append('\n');
    }
    byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
    String tail = json(Map.of("sha256", Backups.sha256Hex(body))) + "\n";
    byte[] out = Arrays.copyOf(body, body.length + tail.length());
    System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, out, body.length, tail.length());
    return out;
  }

  /** Decodes and verifies a manifest file's bytes; {@code name} is for messages. */
  static Manifest decode(byte[] bytes, String name) {
    int lastLineStart = lastLineStart(bytes);
    if (lastLineStart < 0) {
      throw new CorruptBackupException("manifest " + name + " is truncated (no checksum line)");
    }
    byte[] body = Arrays.copyOf(bytes, lastLineStart);
    try {
      JsonNode tail = MAPPER.readTree(new String(bytes, lastLineStart, bytes.length - lastLineStart, StandardCharsets.UTF_8));
      if (tail == null || !tail.path("sha256").isTextual()) {
        throw new CorruptBackupException("manifest " + name + " is truncated (no checksum line)");
      }
      if (!tail.get("sha256").asText().equals(Backups.sha256Hex(body))) {
        throw new CorruptBackupException("manifest " + name + " does not match its SHA-256 checksum");
      }
      String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
      JsonNode head = MAPPER.readTree(lines[0]);
      if (head.path("format").asInt() != FORMAT) {
        throw new CorruptBackupException("manifest " + name + " has format " + head.path("format") + "; this library reads format " + FORMAT);
      }
      BackupInfo info = new BackupInfo(head.get("backup").asLong(), Instant.parse(head.get("time").asText()),
          head.get("engine").asText(), head.get("actors").asLong(), head.get("keys").asLong(),
          head.get("bytes").asLong(), head.get("new_bytes").asLong());
      List<Entry> entries = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        JsonNode n = MAPPER.readTree(lines[i]);
        String object = n.get("object").asText();
        if (!object.matches("[0-9a-f]{64}")) {
          throw new CorruptBackupException("manifest " + name + " names a bad actor file " + object);
        }
        entries.add(new Entry(n.get("actor").asText(), object, n.get("keys").asLong(), n.get("bytes").asLong()));
      }
      if (entries.size() != info.actors()) {
        throw new CorruptBackupException("manifest " + name + " lists " + entries.size() + " actors, its header says " + info.actors());
      }
      return new Manifest(info, List.copyOf(entries));
    } catch (JsonProcessingException | NullPointerException | DateTimeParseException e) {
      // A checksum-valid manifest that does not parse was not written by this library.
      throw new CorruptBackupException("manifest " + name + " is malformed");
    }
  }

  /** Start of the last line of a file ending in a newline, or -1. */
  private static int lastLineStart(byte[] bytes) {
    if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
      return -1;
    }
    for (int i = bytes.length - 2; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  private static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }
}
