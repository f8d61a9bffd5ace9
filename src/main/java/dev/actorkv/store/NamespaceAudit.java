package dev.actorkv.store;

import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import java.util.List;

/**
 * What a manager knows about its own namespace, for tools that look at a store from outside (the
 * {@code keyspace} CLI's {@code dump --values} and {@code check}): how its stored values read, and which
 * invariants across its keys hold. Each manager provides one beside its code ({@code QueueNamespaceAudit},
 * {@code WorkflowNamespaceAudit}, {@code TracesNamespaceAudit}, {@code SqliteNamespaceAudit}), so that a tool
 * holds no manager logic and no manager class is public only for a tool.
 */
public interface NamespaceAudit {
  /** The namespace this audit is about. */
  Namespace namespace();

  /**
   * The value stored at a v1 key of this namespace, decoded for people: a JSON-ready tree of maps, lists,
   * strings, numbers (integers as {@code BigInteger} or {@code long}) and booleans. Throws, with a message
   * naming the problem, when the value does not decode.
   */
  Object describeValue(KeyDescription key, byte[] value);

  /** The violations of this namespace's invariants in one actor, one message each; empty when it is sound. */
  List<String> problems(ActorKeyspace actor);
}
