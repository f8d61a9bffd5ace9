package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export --out} writes where the path leads, as a shell redirection does (issue 16): a link's
 * target, a FIFO and a device are written, never replaced by a regular file; only a regular file is
 * replaced atomically, keeping its permissions.
 */
class ExportTargetTest {
  @TempDir Path dir;
  private Path db;
  private String expected;

  @BeforeEach
  void store() {
    db = dir.resolve("db");
    assertEquals(0, CliRun.run("demo", db.toString()).exit());
    CliRun r = CliRun.run("export", db.toString(), "--actor", "demo-actor");
    assertEquals(0, r.exit(), r.err());
    expected = r.out();
    assertTrue(expected.lines().count() > 5, expected);
  }

  private CliRun export(Path out) {
    return CliRun.run("export", db.toString(), "--actor", "demo-actor", "--out", out.toString());
  }

  @Test
  void aSymlinkStaysALinkAndItsTargetGetsTheContent() throws Exception {
    Path target = Files.writeString(dir.resolve("target.jsonl"), "old\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), target.getFileName());
    CliRun r = export(link);
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(expected, Files.readString(target));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count());
    }
  }

  @Test
  void aDanglingSymlinkGetsItsTargetCreated() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), Path.of("new.jsonl"));
    assertEquals(0, export(link).exit());
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(expected, Files.readString(dir.resolve("new.jsonl")));
  }

  @Test
  void aFifoIsWrittenNotReplaced() throws Exception {
    Path fifo = dir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
    CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(Files.readAllBytes(fifo), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    CliRun r = export(fifo);
    assertEquals(0, r.exit(), r.err());
    assertEquals(expected, reader.get(60, TimeUnit.SECONDS));
    assertTrue(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther());
  }

  @Test
  void devNullStaysADevice() throws Exception {
    CliRun r = export(Path.of("/dev/null"));
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.readAttributes(Path.of("/dev/null"), java.nio.file.attribute.BasicFileAttributes.class).isOther());
  }

  @Test
  void aRegularFileIsReplacedKeepingItsPermissions() throws Exception {
    Path file = Files.writeString(dir.resolve("backup.jsonl"), "old\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    assertEquals(0, export(file).exit());
    assertEquals(expected, Files.readString(file));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void aDirectoryOrAMissingParentIsRefusedNamingThePathAndTheReason() {
    CliRun r = export(dir);
    assertEquals(2, r.exit());
    assertEquals("keyspace: cannot write " + dir + ": it is a directory\n", r.err());
    Path missing = dir.resolve("no/such/dir/out.jsonl");
    r = export(missing);
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("keyspace: cannot write " + missing + ": no such file or directory"), r.err());
  }
}
