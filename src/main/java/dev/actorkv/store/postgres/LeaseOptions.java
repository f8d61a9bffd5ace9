package dev.actorkv.store.postgres;

import java.time.Duration;
import java.util.Objects;

/**
 * How a PostgreSQL store owns the actors it writes: the name of this node (recorded as the owner, shown
 * to a node that is refused) and how long a lease lasts without renewal. The store renews its leases every
 * third of {@code ttl}; a node that stops (crash, pause, network split) loses its actors after at most
 * {@code ttl}, by the database's clock.
 */
public record LeaseOptions(String node, Duration ttl) {
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

  public LeaseOptions {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(ttl, "ttl");
    if (node.isEmpty()) {
      throw new IllegalArgumentException("the node name is empty");
    }
    if (ttl.toMillis() < 100) {
      throw new IllegalArgumentException("a lease must last at least 100 ms, not " + ttl.toMillis() + " ms");
    }
  }

  /** This process as {@code host:pid}, with the default lease time. */
  public static LeaseOptions defaults() {
    return new LeaseOptions(defaultNode(), DEFAULT_TTL);
  }

  /** {@code host:pid} of this process. */
  public static String defaultNode() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
    return host + ":" + ProcessHandle.current().pid();
  }

  public LeaseOptions withNode(String v) {
    return new LeaseOptions(v, ttl);
  }

  public LeaseOptions withTtl(Duration v) {
    return new LeaseOptions(node, v);
  }
}
