package dev.actorkv.store.postgres;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorOwnedException;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A node in a child JVM for {@link PostgresOwnershipCrashTest}. Modes:
 * <ul>
 *   <li>{@code race URI ACTOR NODE START_MILLIS}: at the wall-clock instant START_MILLIS tries once to take
 *       ACTOR; prints {@code won EPOCH} or {@code owned}, then holds it until standard input ends.
 *   <li>{@code commits URI ACTOR NODE TTL_MILLIS}: takes ACTOR (waiting for a dead owner's lease to run
 *       out), then commits batch after batch ({@link #batch}) and prints {@code ack N} once batch N is
 *       acknowledged, until killed.
 * </ul>
 */
public final class OwnershipChild {
  /** Keys per batch beside the "last" key. */
  static final int KEYS = 10;

  private OwnershipChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    switch (args[0]) {
      case "race" -> race(args[1], args[2], args[3], Long.parseLong(args[4]), out);
      case "commits" -> commits(args[1], args[2], args[3], Long.parseLong(args[4]), out);
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static void race(String uri, String actor, String node, long startAt, PrintStream out) throws Exception {
    try (ActorStore store = PostgresEngine.openStore(uri, StoreOptions.defaults(), new LeaseOptions(node, Duration.ofSeconds(10)))) {
      long wait = startAt - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      try {
        store.actor(actor);
        out.println("won " + store.owners(actor).getFirst().epoch());
      } catch (ActorOwnedException e) {
        out.println("owned");
      }
      System.in.transferTo(java.io.OutputStream.nullOutputStream()); // hold until the test lets go
    }
  }

  private static void commits(String uri, String actor, String node, long ttl, PrintStream out) {
    ActorStore store = PostgresEngine.openStore(uri, StoreOptions.defaults(), new LeaseOptions(node, Duration.ofMillis(ttl)));
    ActorKeyspace a = store.actor(actor, Duration.ofSeconds(60));
    byte[] last = a.get(key("last"));
    for (long n = last == null ? 1 : Long.parseLong(new String(last, StandardCharsets.UTF_8)) + 1; ; n++) {
      a.commit(batch(n));
      out.println("ack " + n);
    }
  }

  /** Batch n: KEYS keys "b{n}/{i}" and "last" = n, all or nothing. */
  static ActorBatch batch(long n) {
    ActorBatch b = new ActorBatch();
    for (int i = 0; i < KEYS; i++) {
      b.put(key("b" + n + "/" + i), value(n, i));
    }
    b.put(key("last"), Long.toString(n).getBytes(StandardCharsets.UTF_8));
    return b;
  }

  static byte[] key(String name) {
    return ("\u0004" + name).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] value(long n, int i) {
    return ("value of batch " + n + " key " + i + " " + "x".repeat((int) (n % 50))).getBytes(StandardCharsets.UTF_8);
  }
}
