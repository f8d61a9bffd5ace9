package dev.actorkv.tool;

import dev.actorkv.keyspace.Namespace;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.NamespaceAudit;

/**
 * What the tool knows of a manager's namespace: the manager's own audit ({@link NamespaceAudit}: how its
 * values read for {@code dump --values}, which invariants {@code check} verifies) and what the sample actor
 * of {@code demo} writes through the manager's public API. One per manager, registered in {@link Inspectors}.
 */
interface NamespaceInspector {
  /** The manager's audit of its namespace. */
  NamespaceAudit audit();

  default Namespace namespace() {
    return audit().namespace();
  }

  /** Writes this manager's part of the demo actor through the manager's public API. */
  void writeDemo(ActorKeyspace actor) throws Exception;
}
