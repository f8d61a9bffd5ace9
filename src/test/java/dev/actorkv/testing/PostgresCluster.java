package dev.actorkv.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL cluster for tests: {@code initdb} into a temporary directory, started on a free
 * loopback port (no other address, its Unix socket inside that directory, fsync on), as an unprivileged
 * user when the tests run as root (PostgreSQL refuses to run as root). One cluster per test JVM, started
 * on first use and stopped ({@code pg_ctl stop -m fast}) by a shutdown hook; each test class takes its
 * own database from {@link #newDatabase(String)}; a database given back with {@link #recycle} is handed
 * out again (emptied by its user), since creating one costs half a second.
 *
 * <p>The cluster runs with {@code synchronous_commit=off}: fsync stays on and the cluster stays
 * consistent through a crash, but a commit does not wait for its WAL flush (a fsync costs ~10 ms here,
 * and the managers' tests commit thousands of times). A test of durability across a server crash sets
 * {@code synchronous_commit=on} for its database ({@code ALTER DATABASE ... SET synchronous_commit = on}).
 *
 * <p>Without PostgreSQL on the machine the tests that need it are skipped with a message saying how to
 * install it, except in CI ({@code CI=true}), where a cluster that cannot start fails them.
 */
public final class PostgresCluster {
  private static final String SUPERUSER = "actorkv";

  private final Path binDir;
  private final Path root;
  private final Path dataDir;
  private final int port;
  private final List<String> runAs;
  private final AtomicInteger databases = new AtomicInteger();
  /** Databases handed back empty, ready for the next test. */
  private final java.util.concurrent.ConcurrentLinkedQueue<String> recycled = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private PostgresCluster(Path binDir, Path root, int port, List<String> runAs) {
    this.binDir = binDir;
    this.root = root;
    this.dataDir = root.resolve("data");
    this.port = port;
    this.runAs = runAs;
  }

  /** The JVM's cluster: started once, or the reason it could not start (remembered, never retried). */
  private static final class Shared {
    static final Object CLUSTER = startOrReason();

    private static Object startOrReason() {
      try {
        return start();
      } catch (Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
      }
    }
  }

  /**
   * The shared cluster. Skips the calling test (JUnit assumption) when PostgreSQL is not installed,
   * unless in CI, where it throws.
   */
  public static PostgresCluster shared() {
    Object c = Shared.CLUSTER;
    if (c instanceof PostgresCluster cluster) {
      return cluster;
    }
    String reason = "PostgreSQL tests need a local PostgreSQL server installation (initdb, pg_ctl): " + c
        + ". Install it with `apt-get install postgresql` (Debian/Ubuntu) to run them.";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("in CI the PostgreSQL tests must run, but: " + reason);
    }
    Assumptions.abort(reason);
    throw new AssertionError("unreachable");
  }

  /** An empty database (new, or one given back with {@link #recycle}); returns its {@code postgresql://} URI. */
  public String newDatabase(String hint) {
    String reused = recycled.poll();
    if (reused != null) {
      return uri(reused);
    }
    String name = (hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_" + databases.incrementAndGet());
    if (name.length() > 60) {
      name = name.substring(name.length() - 60);
    }
    name = "t_" + name;
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
    }
    return uri(name);
  }

  /** Gives back the database {@code uri} names, emptied by the caller, for a later {@link #newDatabase}. */
  public void recycle(String uri) {
    recycled.add(uri.substring(uri.lastIndexOf('/') + 1));
  }

  /** The {@code postgresql://} URI of database {@code name}. */
  public String uri(String name) {
    return "postgresql://" + SUPERUSER + "@127.0.0.1:" + port + "/" + name;
  }

  public String jdbcUrl(String name) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=" + SUPERUSER;
  }

  public int port() {
    return port;
  }

  // ------------------------------------------------------------------ start and stop

  private static PostgresCluster start() throws IOException, InterruptedException {
    Path bin = findBinDir();
    List<String> runAs = new ArrayList<>();
    String owner = null;
    if ("root".equals(System.getProperty("user.name"))) {
      owner = userExists("postgres") ? "postgres" : "nobody";
      if (!userExists(owner)) {
        throw new IOException("running as root and neither user postgres nor nobody exists to run the server");
      }
      runAs.addAll(List.of("runuser", "-u", owner, "--"));
    }
    Path root = Files.createTempDirectory("actorkv-pg");
    if (owner != null) {
      run(List.of("chown", owner, root.toString()), 30);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    PostgresCluster cluster = new PostgresCluster(bin, root, port, runAs);
    cluster.initAndStart();
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "postgres-cluster-stop"));
    return cluster;
  }

  private void initAndStart() throws IOException, InterruptedException {
    List<String> init = new ArrayList<>(runAs);
    init.addAll(List.of(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", SUPERUSER,
        "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
    run(init, 120);
    startServer();
  }

  /** Starts the server on the initialised data directory (again, after {@link #crash()}). */
  private void startServer() throws IOException, InterruptedException {
    List<String> ctl = new ArrayList<>(runAs);
    ctl.addAll(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", root.resolve("server.log").toString(),
        "-w", "-t", "60", "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + root + " -c fsync=on -c synchronous_commit=off"
            + " -c max_connections=200 -c shared_buffers=64MB",
        "start"));
    try {
      run(ctl, 90);
    } catch (IOException e) {
      String log = Files.exists(root.resolve("server.log")) ? Files.readString(root.resolve("server.log")) : "";
      throw new IOException(e.getMessage() + "\n" + log, e);
    }
  }

  /**
   * Stops the server as a crash would ({@code pg_ctl stop -m immediate}: no checkpoint, every client
   * cut; the next start recovers from the WAL), for tests of clients across a server crash. Call
   * {@link #restart()} before the test ends: the cluster is shared by every test of the JVM.
   */
  public void crash() throws IOException, InterruptedException {
    List<String> ctl = new ArrayList<>(runAs);
    ctl.addAll(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"));
    run(ctl, 60);
  }

  /** Starts the server again after {@link #crash()} (crash recovery runs first). */
  public void restart() throws IOException, InterruptedException {
    startServer();
  }

  private void stop() {
    try {
      List<String> ctl = new ArrayList<>(runAs);
      ctl.addAll(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"));
      run(ctl, 60);
    } catch (IOException | InterruptedException e) {
      System.err.println("stopping the test PostgreSQL cluster failed: " + e.getMessage());
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  static Path findBinDir() throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir);
      if (Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl"))) {
        return p.resolve("initdb").toRealPath().getParent();
      }
    }
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        Path best = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
            .max(Comparator.comparingInt(b -> versionOf(b.getParent().getFileName().toString())))
            .orElse(null);
        if (best != null) {
          return best;
        }
      }
    }
    throw new IOException("initdb and pg_ctl are neither on PATH nor under /usr/lib/postgresql/*/bin");
  }

  private static int versionOf(String name) {
    try {
      return Integer.parseInt(name.replaceAll("[^0-9].*", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static boolean userExists(String user) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("id", "-u", user).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor() == 0;
  }

  static void run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
    // The server user may not be allowed into this JVM's working directory.
    Process p = new ProcessBuilder(cmd).directory(new java.io.File(System.getProperty("java.io.tmpdir"))).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + new String(out, StandardCharsets.UTF_8));
    }
  }
}
