package dev.actorkv.tool;

import dev.actorkv.store.postgres.LeaseOptions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * {@code --lease-ttl} and {@code --node}, on every command that writes: on a PostgreSQL store the command
 * owns each actor it writes for as long as it runs (ACTOR_KV_STRUCTURE.md §7). A RocksDB store ignores
 * them: the one process holding it owns every actor.
 */
final class LeaseMixin {
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  @Option(names = "--lease-ttl", paramLabel = "DURATION",
      description = "PostgreSQL stores: how long this process's ownership of an actor it writes lasts without renewal; "
          + "renewed every third of it while the command runs, so another process can take the actor over that long "
          + "after this one stops (e.g. 500ms, 10s, 2m; default: 10s). Writing an actor another live process owns "
          + "exits 3 naming the owner; once an actor was taken over from this process, every later write is refused "
          + "and the command exits 3")
  String leaseTtl;

  @Option(names = "--node", paramLabel = "NAME",
      description = "PostgreSQL stores: the owner name this process writes actors under (default: host:pid)")
  String node;

  /** The lease options these flags give; bad values are bad input (exit 2). */
  LeaseOptions leases() {
    LeaseOptions l = LeaseOptions.defaults();
    if (node != null) {
      if (node.isEmpty()) {
        throw new Errors.UserError("bad --node: empty");
      }
      l = l.withNode(node);
    }
    if (leaseTtl != null) {
      l = l.withTtl(parse(leaseTtl));
    }
    return l;
  }

  static Duration parse(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw new Errors.UserError("bad --lease-ttl " + Json.quote(text) + ": a number and a unit (ms, s, m, h), e.g. 10s");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
    if (d.toMillis() < 100) {
      throw new Errors.UserError("bad --lease-ttl " + Json.quote(text) + ": a lease must last at least 100ms");
    }
    return d;
  }
}
