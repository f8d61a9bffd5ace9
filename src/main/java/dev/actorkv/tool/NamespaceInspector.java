package dev.actorkv.tool;

import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.store.ActorKeyspace;

/**
 * What a manager teaches the {@code keyspace} tool about its namespace: how to show its values
 * ({@code dump --values}), which cross-key invariants {@code check} verifies, and what the sample actor
 * of {@code demo} writes. One implementation per manager, registered in {@link Inspectors}.
 */
interface NamespaceInspector {
  Namespace namespace();

  /**
   * The decoded value of a v1 key of this namespace as a JSON-serializable object (maps, lists,
   * strings, numbers, booleans). Throws when the value does not decode; the tool reports that.
   */
  Object decodeValue(KeyDescription key, byte[] value);

  /** Verifies this namespace's invariants for one actor, adding one problem per violation. */
  void check(ActorKeyspace actor, CheckReport report);

  /** Writes this manager's part of the demo actor through the manager's public API. */
  void writeDemo(ActorKeyspace actor) throws Exception;
}
