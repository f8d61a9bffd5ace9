package dev.actorkv.backup;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValueIterator;
import dev.actorkv.store.StoreException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Online, incremental, engine-neutral backups of a whole store into a folder, and restores from them
 * into a store on either engine.
 *
 * <p>A backup folder holds:
 *
 * <ul>
 *   <li>{@code FORMAT}: the text {@code actor-kv backup folder 1}, marking the folder as one;
 *   <li>{@code objects/<sha256>}: actor files ({@link ActorFile}), each named by the SHA-256 of its bytes
 *       and shared by every backup that holds the actor with the same entries;
 *   <li>{@code backups/<N>.manifest}: backup N ({@link Manifest}), the actors it holds and their files;
 *   <li>{@code LOCK}: locked while a backup runs, so two backups never write the folder at once.
 * </ul>
 *
 * <p>A backup reads one consistent snapshot of the store (RocksDB: a snapshot; PostgreSQL: one REPEATABLE
 * READ transaction), so it may be taken while the store is in use. It is incremental: an actor whose
 * entries did not change since any backup in the folder hashes to an actor file that is already there,
 * and nothing of it is written again. Every file is written under a temporary name, forced to disk and
 * then renamed; the manifest goes last, so a backup cut short (a crash, kill -9) leaves no manifest and
 * the folder restores every earlier backup; its leftover temporary files are removed by the next backup.
 */
public final class Backups {
  static final String FORMAT_TEXT = "actor-kv backup folder 1\n";
  private static final String TEMP_PREFIX = ".tmp-";
  private static final String MANIFEST_SUFFIX = ".manifest";

  private Backups() {}

  /**
   * Backs the whole store up into {@code dest} (created when missing or empty) as the next backup.
   *
   * @throws BackupFolderException when {@code dest} exists and is not a backup folder
   * @throws StoreException when another backup is writing into {@code dest}, or a file cannot be written
   */
  public static BackupInfo backup(ActorStore store, Path dest) {
    try {
      prepareFolder(dest);
      try (FileChannel lockFile = FileChannel.open(dest.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = tryLock(lockFile, dest)) {
        removeTemporaryFiles(dest.resolve("objects"));
        removeTemporaryFiles(dest.resolve("backups"));
        long number = numbers(dest).stream().mapToLong(Long::longValue).max().orElse(0) + 1;
        Instant time = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<Manifest.Entry> entries = new ArrayList<>();
        long keys = 0;
        long bytes = 0;
        long newBytes = 0;
        try (ActorStore.StoreSnapshot snapshot = store.snapshot()) {
          for (String id : snapshot.actorIds()) {
            // First pass only hashes: an actor file already in the folder is not written again.
            MessageDigest digest = sha256();
            long[] counts;
            try (KeyValueIterator it = snapshot.iterator(id, KeyRange.all(), false);
                OutputStream out = new BufferedOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), digest), 1 << 16)) {
              counts = ActorFile.write(it, snapshot.alarms(id), snapshot.metadata(id), out);
            }
            String object = Manifest.hex(digest.digest());
            Path target = dest.resolve("objects").resolve(object);
            if (!Files.exists(target)) {
              newBytes += writeActorFile(snapshot, id, object, target);
            }
            entries.add(new Manifest.Entry(id, object, counts[0], counts[1]));
            keys += counts[0];
            bytes += counts[1];
          }
        }
        String engine = store.directory() != null ? "rocksdb" : "postgresql";
        BackupInfo info = new BackupInfo(number, time, engine, entries.size(), keys, bytes, newBytes);
        writeDurably(dest.resolve("backups"), number + MANIFEST_SUFFIX, new Manifest(info, entries).encode());
        return info;
      }
    } catch (IOException e) {
      throw new StoreException("backup into " + dest + " failed: " + e.getMessage(), e);
    }
  }

  /** The numbers of the complete backups in {@code dest}, ascending. */
  public static List<Long> numbers(Path dest) {
    requireFolder(dest);
    TreeSet<Long> out = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dest.resolve("backups"))) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        if (name.endsWith(MANIFEST_SUFFIX) && name.matches("[1-9][0-9]{0,17}\\" + MANIFEST_SUFFIX)) {
          out.add(Long.parseLong(name.substring(0, name.length() - MANIFEST_SUFFIX.length())));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(out);
  }

  /**
   * Backup {@code number}'s description, its manifest's checksum verified.
   *
   * @throws BackupFolderException when {@code dest} holds no such backup
   * @throws CorruptBackupException when its manifest is damaged
   */
  public static BackupInfo info(Path dest, long number) {
    return manifest(dest, number).info();
  }

  /** Every backup in {@code dest}, oldest first; throws on the first damaged manifest. */
  public static List<BackupInfo> list(Path dest) {
    List<BackupInfo> out = new ArrayList<>();
    for (long n : numbers(dest)) {
      out.add(info(dest, n));
    }
    return out;
  }

  /**
   * Restores backup {@code number} (null: the latest) of {@code dest} into {@code target}: every actor
   * of the backup when {@code actorIds} is empty, else the actors named. Each actor is written in one
   * atomic commit with exactly the entries it had at backup time. Before anything is written, the
   * manifest and every actor file to be read are verified against their SHA-256 checksums, and the
   * target is checked: an actor it holds data for is refused unless {@code replace}, and a whole-backup
   * restore needs a target that holds no data at all unless {@code replace} (actors the backup does not
   * hold are then left as they are).
   *
   * @throws BackupFolderException when there is no such backup, or it holds no actor named
   * @throws CorruptBackupException when the backup is damaged (nothing is written)
   * @throws RestoreConflictException when the target holds data it would overwrite (nothing is written)
   */
  public static List<RestoredActor> restore(Path dest, @Nullable Long number, ActorStore target, List<String> actorIds, boolean replace) {
    Manifest manifest = verified(dest, number, actorIds);
    long n = manifest.info().number();
    Map<String, Manifest.Entry> byId = new LinkedHashMap<>();
    for (Manifest.Entry e : manifest.entries()) {
      byId.put(e.actorId(), e);
    }
    List<Manifest.Entry> selected = select(dest, manifest, actorIds);
    List<String> conflicts = new ArrayList<>();
    for (Manifest.Entry e : selected) {
      if (hasData(target.actor(e.actorId()))) {
        conflicts.add(quote(e.actorId()));
      }
    }
    if (actorIds.isEmpty()) {
      for (String id : target.actorIds()) {
        if (!byId.containsKey(id) && hasData(target.actor(id))) {
          conflicts.add(quote(id));
        }
      }
    }
    if (!conflicts.isEmpty() && !replace) {
      String which = conflicts.size() > 5 ? String.join(", ", conflicts.subList(0, 5)) + " and " + (conflicts.size() - 5) + " more"
          : String.join(", ", conflicts);
      throw new RestoreConflictException((actorIds.isEmpty() ? "store at " + target.location() + " is not empty"
          : "store at " + target.location() + " holds data") + " for actor(s) " + which
          + ": nothing restored (--replace replaces the actors of the backup)");
    }
    List<RestoredActor> out = new ArrayList<>();
    for (Manifest.Entry e : selected) {
      ActorKeyspace actor = target.actor(e.actorId());
      boolean had = hasData(actor);
      ActorBatch batch = actor.batch();
      if (had) {
        batch.deleteRange(KeyRange.all());
      }
      Path file = dest.resolve("objects").resolve(e.object());
      long[] counts = new long[2];
      java.util.Set<String> alarmNames = new java.util.HashSet<>();
      byte[][] metadata = new byte[1][];
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        ActorFile.read(in, e.object(), kv -> {
          batch.put(kv.key(), kv.value());
          counts[0]++;
          counts[1] += kv.key().length + kv.value().length;
        }, alarm -> {
          batch.setAlarm(alarm);
          alarmNames.add(alarm.name());
        }, m -> metadata[0] = m);
      } catch (IOException ex) {
        throw new StoreException("cannot read " + file + ": " + ex.getMessage(), ex);
      }
      if (counts[0] != e.keys() || counts[1] != e.bytes()) {
        throw new CorruptBackupException("actor file " + e.object() + " of actor " + quote(e.actorId())
            + " holds " + counts[0] + " keys, the manifest of backup " + n + " says " + e.keys());
      }
      // The actor's metadata is the backup's: set, or cleared when the backup's actor had none.
      if (metadata[0] != null) {
        batch.setMetadata(metadata[0]);
      } else if (actor.metadata() != null) {
        batch.setMetadata(new byte[0]);
      }
      if (had) {
        for (dev.actorkv.store.Alarm a : actor.alarms()) {
          if (!alarmNames.contains(a.name())) {
            batch.deleteAlarm(a.name()); // replaced: the actor's alarms are those of the backup
          }
        }
      }
      actor.commit(batch);
      out.add(new RestoredActor(e.actorId(), had, counts[0], counts[1]));
    }
    return out;
  }

  /**
   * Verifies backup {@code number} (null: the latest) as {@link #restore} does before writing: its
   * manifest and the actor files of the actors named (every actor when {@code actorIds} is empty)
   * against their SHA-256 checksums. Returns the backup's description.
   *
   * @throws BackupFolderException when there is no such backup, or it holds no actor named
   * @throws CorruptBackupException when the backup is damaged
   */
  public static BackupInfo verify(Path dest, @Nullable Long number, List<String> actorIds) {
    return verified(dest, number, actorIds).info();
  }

  private static Manifest verified(Path dest, Long number, List<String> actorIds) {
    long n;
    if (number == null) {
      List<Long> all = numbers(dest);
      if (all.isEmpty()) {
        throw new BackupFolderException(dest, "backup folder " + dest + " holds no complete backup");
      }
      n = all.getLast();
    } else {
      n = number;
    }
    Manifest manifest = manifest(dest, n);
    for (Manifest.Entry e : select(dest, manifest, actorIds)) {
      verifyObject(dest, e, n);
    }
    return manifest;
  }

  /** The entries of the actors named, in id order, or every entry when none is named. */
  private static List<Manifest.Entry> select(Path dest, Manifest manifest, List<String> actorIds) {
    if (actorIds.isEmpty()) {
      return manifest.entries();
    }
    Map<String, Manifest.Entry> byId = new LinkedHashMap<>();
    for (Manifest.Entry e : manifest.entries()) {
      byId.put(e.actorId(), e);
    }
    List<Manifest.Entry> selected = new ArrayList<>();
    for (String id : new TreeSet<>(actorIds)) {
      Manifest.Entry e = byId.get(id);
      if (e == null) {
        throw new BackupFolderException(dest, "backup " + manifest.info().number() + " holds no actor " + quote(id));
      }
      selected.add(e);
    }
    return selected;
  }

  // ------------------------------------------------------------------ folder

  private static void prepareFolder(Path dest) throws IOException {
    if (Files.exists(dest) && !Files.isDirectory(dest)) {
      throw new BackupFolderException(dest, "backup folder " + dest + " exists and is not a directory");
    }
    Path format = dest.resolve("FORMAT");
    if (Files.isDirectory(dest) && !Files.exists(format)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dest)) {
        if (entries.iterator().hasNext()) {
          throw new BackupFolderException(dest, "cannot back up into " + dest
              + ": the directory holds other files and is not a backup folder; use a new or empty one");
        }
      }
    }
    Files.createDirectories(dest.resolve("objects"));
    Files.createDirectories(dest.resolve("backups"));
    if (!Files.exists(format)) {
      writeDurably(dest, "FORMAT", FORMAT_TEXT.getBytes(StandardCharsets.US_ASCII));
    } else {
      requireFolder(dest);
    }
  }

  /** Fails unless {@code dest} is a backup folder of a format this library reads. */
  private static void requireFolder(Path dest) {
    Path format = dest.resolve("FORMAT");
    if (!Files.isDirectory(dest)) {
      throw new BackupFolderException(dest, "no backup folder at " + dest + ": no such directory");
    }
    String text;
    try {
      text = Files.readString(format, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new BackupFolderException(dest, "no backup folder at " + dest + ": it has no FORMAT file");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!text.equals(FORMAT_TEXT)) {
      throw new BackupFolderException(dest, "backup folder " + dest + " has an unknown format: "
          + text.strip().lines().findFirst().orElse("(empty FORMAT file)"));
    }
  }

  private static FileLock tryLock(FileChannel channel, Path dest) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new StoreException("another backup is writing into " + dest + " (its LOCK file is held)");
    }
    return lock;
  }

  private static void removeTemporaryFiles(Path dir) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      for (Path p : files) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Manifest manifest(Path dest, long number) {
    requireFolder(dest);
    Path file = dest.resolve("backups").resolve(number + MANIFEST_SUFFIX);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new BackupFolderException(dest, "backup folder " + dest + " holds no backup " + number);
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Manifest m = Manifest.decode(bytes, "of backup " + number);
    if (m.info().number() != number) {
      throw new CorruptBackupException("manifest of backup " + number + " names backup " + m.info().number());
    }
    return m;
  }

  private static void verifyObject(Path dest, Manifest.Entry e, long number) {
    Path file = dest.resolve("objects").resolve(e.object());
    MessageDigest digest = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (NoSuchFileException ex) {
      throw new CorruptBackupException("backup " + number + " is damaged: the actor file " + e.object()
          + " of actor " + quote(e.actorId()) + " is missing");
    } catch (IOException ex) {
      throw new StoreException("cannot read " + file + ": " + ex.getMessage(), ex);
    }
    if (!Manifest.hex(digest.digest()).equals(e.object())) {
      throw new CorruptBackupException("backup " + number + " is damaged: the actor file " + e.object()
          + " of actor " + quote(e.actorId()) + " does not match its SHA-256 checksum");
    }
  }

  /** Keys or alarms: either is the actor's state, which a restore must not overwrite unasked. */
  private static boolean hasData(ActorKeyspace actor) {
    try (KeyValueIterator it = actor.iterator(KeyRange.all(), false)) {
      return it.hasNext() || !actor.alarms().isEmpty();
    }
  }

  // ------------------------------------------------------------------ files

  /** Writes one actor's file under a temporary name, checks it hashes as the first pass did, renames it. */
  private static long writeActorFile(ActorStore.StoreSnapshot snapshot, String id, String object, Path target) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), TEMP_PREFIX, "");
    try {
      MessageDigest digest = sha256();
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE);
          KeyValueIterator it = snapshot.iterator(id, KeyRange.all(), false)) {
        OutputStream out = new BufferedOutputStream(new DigestOutputStream(java.nio.channels.Channels.newOutputStream(ch), digest), 1 << 16);
        ActorFile.write(it, snapshot.alarms(id), snapshot.metadata(id), out);
        out.flush();
        ch.force(true);
      }
      if (!Manifest.hex(digest.digest()).equals(object)) {
        throw new StoreException("actor " + quote(id) + " read differently twice from one snapshot");
      }
      long size = Files.size(temp);
      move(temp, target);
      return size;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Writes {@code name} in {@code dir} so that it is either absent or complete after a crash. */
  private static void writeDurably(Path dir, String name, byte[] bytes) throws IOException {
    Path temp = Files.createTempFile(dir, TEMP_PREFIX, "");
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      move(temp, dir.resolve(name));
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    // The rename itself must reach the disk before a later file (the manifest) refers to it.
    try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot open a directory for syncing; the rename is still atomic there.
    }
  }

  static String sha256Hex(byte[] bytes) {
    return Manifest.hex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static String quote(String id) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
