package dev.actorkv.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A primary and a streaming-replication standby on loopback, for failover campaigns: {@code initdb} for
 * the first, {@code pg_basebackup -R} (which writes {@code standby.signal}) for the other. Synchronous
 * ({@code synchronous_standby_names = '*'}: a commit is acknowledged once the standby has flushed it) or,
 * as a negative control, asynchronous. {@link #failover()} kills the primary's postmaster with SIGKILL,
 * promotes the standby, and rebuilds the old primary as the new standby.
 */
public final class ReplicatedPostgres implements AutoCloseable {
  private static final String SUPERUSER = "actorkv";
  private final Path bin;
  private final Path root;
  private final List<String> runAs;
  private final int[] ports = new int[2];
  private final boolean synchronous;
  /** Index (0 or 1) of the current primary. */
  private int primary;

  private ReplicatedPostgres(Path bin, Path root, List<String> runAs, boolean synchronous) {
    this.bin = bin;
    this.root = root;
    this.runAs = runAs;
    this.synchronous = synchronous;
  }

  public static ReplicatedPostgres start(boolean synchronous) throws IOException, InterruptedException {
    Path bin = PostgresCluster.findBinDir();
    List<String> runAs = new ArrayList<>();
    Path root = Files.createTempDirectory("actorkv-failover");
    if ("root".equals(System.getProperty("user.name"))) {
      String owner = PostgresCluster.userExists("postgres") ? "postgres" : "nobody";
      runAs.addAll(List.of("runuser", "-u", owner, "--"));
      PostgresCluster.run(List.of("chown", owner, root.toString()), 30);
    }
    ReplicatedPostgres r = new ReplicatedPostgres(bin, root, runAs, synchronous);
    for (int i = 0; i < 2; i++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        r.ports[i] = s.getLocalPort();
      }
    }
    r.init();
    return r;
  }

  private Path data(int i) {
    return root.resolve("node" + i);
  }

  private void cmd(int timeout, String... args) throws IOException, InterruptedException {
    List<String> c = new ArrayList<>(runAs);
    c.addAll(List.of(args));
    PostgresCluster.run(c, timeout);
  }

  private void init() throws IOException, InterruptedException {
    cmd(120, bin.resolve("initdb").toString(), "-D", data(0).toString(), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
        "--locale=C", "--no-sync");
    // Settings in the file, so pg_basebackup copies them to the standby (and back after each rebuild).
    Files.writeString(data(0).resolve("postgresql.conf"), """

        listen_addresses = '127.0.0.1'
        wal_level = replica
        max_wal_senders = 8
        hot_standby = on
        fsync = on
        synchronous_commit = on
        wal_keep_size = '256MB'
        max_connections = 100
        shared_buffers = '32MB'
        """, java.nio.file.StandardOpenOption.APPEND);
    startServer(0);
    try (Connection c = DriverManager.getConnection(jdbc(0, "postgres"), SUPERUSER, ""); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE campaign");
    } catch (SQLException e) {
      throw new IOException(e);
    }
    rebuildStandby(1);
    if (synchronous) {
      // Only now: with no standby yet, every commit would wait. In postgresql.auto.conf, which every base
      // backup copies, so a promoted standby waits for its own standby in turn.
      try (Connection c = DriverManager.getConnection(jdbc(0, "postgres"), SUPERUSER, ""); Statement s = c.createStatement()) {
        s.execute("ALTER SYSTEM SET synchronous_standby_names = '*'");
        s.execute("SELECT pg_reload_conf()");
      } catch (SQLException e) {
        throw new IOException(e);
      }
    }
  }

  private void startServer(int i) throws IOException, InterruptedException {
    cmd(90, bin.resolve("pg_ctl").toString(), "-D", data(i).toString(), "-l", root.resolve("node" + i + ".log").toString(),
        "-w", "-t", "60", "-o", "-p " + ports[i] + " -c unix_socket_directories=" + root, "start");
  }

  /** Replaces node {@code i}'s data with a base backup of the primary and starts it as a standby. */
  private void rebuildStandby(int i) throws IOException, InterruptedException {
    deleteTree(data(i));
    cmd(120, bin.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(ports[primary]),
        "-U", SUPERUSER, "-D", data(i).toString(), "-R", "-X", "stream", "--no-sync", "-c", "fast");
    Files.deleteIfExists(data(i).resolve("postmaster.pid"));
    if (synchronous) {
      // Ignored while it is a standby; once promoted, it acknowledges a commit only after its own standby
      // has it (a standby backed up before the primary's ALTER SYSTEM would otherwise lack it).
      Files.writeString(data(i).resolve("postgresql.auto.conf"), "synchronous_standby_names = '*'\n",
          java.nio.file.StandardOpenOption.APPEND);
    }
    startServer(i);
  }

  /**
   * SIGKILLs the primary's postmaster, promotes the standby, then rebuilds the old primary as the new
   * standby. Returns the milliseconds from the kill until the promoted server accepts writes.
   */
  public long failover() throws IOException, InterruptedException {
    int old = primary;
    int next = 1 - primary;
    long pid = Long.parseLong(Files.readAllLines(data(old).resolve("postmaster.pid")).getFirst().strip());
    long t0 = System.nanoTime();
    PostgresCluster.run(List.of("kill", "-9", Long.toString(pid)), 30);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      Thread.sleep(5);
    }
    cmd(60, bin.resolve("pg_ctl").toString(), "-D", data(next).toString(), "-w", "-t", "60", "promote");
    long promotedMillis = (System.nanoTime() - t0) / 1_000_000;
    primary = next;
    // Backends of the killed postmaster leave when they notice; wait for the port's owner to go.
    Thread.sleep(200);
    rebuildStandby(old);
    return promotedMillis;
  }

  /** The multi-host URI: both servers, the driver picks the writable one. */
  public String uri() {
    return "postgresql://" + SUPERUSER + "@127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1]
        + "/campaign?targetServerType=primary&hostRecheckSeconds=1&connectTimeout=3&socketTimeout=20";
  }

  public String jdbc(int i, String database) {
    return "jdbc:postgresql://127.0.0.1:" + ports[i] + "/" + database;
  }

  @Override
  public void close() {
    for (int i = 0; i < 2; i++) {
      try {
        cmd(60, bin.resolve("pg_ctl").toString(), "-D", data(i).toString(), "-m", "immediate", "-w", "stop");
      } catch (IOException | InterruptedException e) {
        // already down
      }
    }
    try {
      deleteTree(root);
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
