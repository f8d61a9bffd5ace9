package dev.actorkv.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The explicit repair of a damaged store, which an ordinary open refuses ({@link DamagedStoreException}).
 * It first copies the whole store directory aside, then recovers in place: a missing {@code CURRENT} is
 * rewritten to name the newest MANIFEST, and a damaged write-ahead log is replayed up to its first damaged
 * record (RocksDB's point-in-time recovery: the kept state is one that existed, every later commit is
 * dropped, as whole commits). The report says what was dropped.
 */
public final class StoreRepair {
  private static final Pattern DROPPING = RocksDbOpener.DROPPING;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private StoreRepair() {}

  /**
   * What a repair did. {@code readableSequence}/{@code readableKeys}: the last sequence number and the
   * number of keys a reader that skips every damaged log record saw before the repair (-1 when that
   * failed); {@code keptSequence}/{@code keptKeys}: the same after the repair. Every write numbered above
   * {@code keptSequence} that the log still held after the damage is gone (and kept in the copy).
   */
  public record Report(
      Path store,
      Path backup,
      List<String> walFilesBefore,
      List<String> actions,
      long readableSequence,
      long readableKeys,
      long keptSequence,
      long keptKeys,
      List<String> rocksdbMessages) {

    /**
     * Bytes of write-ahead log RocksDB reported dropping (from the damaged record to where it could read
     * on, at most the end of the log's 32 KiB block), summed over its messages.
     */
    public long droppedLogBytes() {
      long n = 0;
      for (String m : rocksdbMessages) {
        Matcher d = DROPPING.matcher(m);
        if (d.find()) {
          n += Long.parseLong(d.group(2));
        }
      }
      return n;
    }

    /** Sequence numbers (one per key written or deleted) readable past the damage and dropped; 0 if unknown. */
    public long droppedSequenceNumbers() {
      return readableSequence < 0 ? 0 : Math.max(0, readableSequence - keptSequence);
    }

    /** Lines for a person: what was copied where, what was done and what was dropped. */
    public List<String> describe() {
      List<String> out = new ArrayList<>();
      out.add("copied the store as it was to " + backup);
      if (!walFilesBefore.isEmpty()) {
        out.add("write-ahead logs before the repair: " + String.join(", ", walFilesBefore));
      }
      out.addAll(actions);
      for (String m : rocksdbMessages) {
        Matcher d = DROPPING.matcher(m);
        if (d.find()) {
          out.add("dropped: " + d.group(2) + " bytes of write-ahead log " + Path.of(d.group(1)).getFileName()
              + " (" + m.substring(d.end()).replaceFirst("^;\\s*", "") + ")");
        } else {
          out.add("rocksdb: " + m);
        }
      }
      if (readableSequence >= 0) {
        out.add("before: sequence " + readableSequence + ", " + readableKeys + " keys readable when skipping damaged log records;"
            + " after: sequence " + keptSequence + ", " + keptKeys + " keys");
        out.add(droppedSequenceNumbers() == 0 && readableKeys == keptKeys
            ? "nothing that a reader skipping the damaged records could read was lost"
            : "lost beyond what such a reader could read: " + droppedSequenceNumbers() + " sequence numbers, key count "
                + readableKeys + " -> " + keptKeys);
      } else {
        out.add("after: sequence " + keptSequence + ", " + keptKeys + " keys");
      }
      return out;
    }
  }

  /** Repairs {@code db}, copying it first to a new sibling directory {@code <db>.damaged-<UTC time>}. */
  public static Report repair(Path db) {
    Path name = db.toAbsolutePath().normalize().getFileName();
    return repair(db, db.toAbsolutePath().normalize().resolveSibling(name + ".damaged-" + STAMP.format(Instant.now())));
  }

  /**
   * Repairs {@code db}, copying it first to {@code backup} (which must not exist or be an empty
   * directory). Refuses a store another process has open, and a directory without store files.
   */
  public static Report repair(Path db, Path backup) {
    if (RocksDbOpener.storeFiles(db).isEmpty()) {
      throw new IncompatibleStoreException("no store at " + db + ": nothing to repair");
    }
    List<String> walBefore = RocksDbOpener.describeFiles(db, RocksDbOpener.walFiles(db));
    // RocksDB's own lock, held while copying so that no writer changes the files under the copy. Released
    // before recovery opens the store, which takes it again.
    try (FileChannel lockFile = FileChannel.open(db.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = lockFile.tryLock();
      if (lock == null) {
        throw new StoreException("store at " + db + " is in use by another process: close it before repairing");
      }
      try {
        copyTree(db, backup);
      } finally {
        lock.release();
      }
    } catch (IOException e) {
      throw new StoreException("cannot copy " + db + " to " + backup + " before repairing it: " + e.getMessage()
          + "; nothing was changed", e);
    }
    RocksDbOpener.Recovery r = RocksDbOpener.recover(db);
    return new Report(db, backup, walBefore, r.actions(), r.readableSequence(), r.readableKeys(), r.keptSequence(),
        r.keptKeys(), r.messages());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    if (Files.exists(to)) {
      try (Stream<Path> s = Files.list(to)) {
        if (!Files.isDirectory(to) || s.findAny().isPresent()) {
          throw new IOException(to + " exists and is not an empty directory");
        }
      }
    }
    Files.createDirectories(to);
    List<Path> files;
    try (Stream<Path> s = Files.walk(from)) {
      files = s.toList();
    }
    for (Path p : files) {
      Path target = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(target);
      } else {
        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel c = FileChannel.open(target, StandardOpenOption.WRITE)) {
          c.force(true); // the copy is the user's only way back: on disk before anything changes
        }
      }
    }
  }
}
