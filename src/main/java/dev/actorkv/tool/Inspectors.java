package dev.actorkv.tool;

import java.util.ArrayList;
import java.util.List;

/** The managers' inspectors known to the tool, one per manager namespace. */
final class Inspectors {
  private Inspectors() {}

  static List<NamespaceInspector> all() {
    List<NamespaceInspector> all = new ArrayList<>();
    // Each manager registers its inspector here, one line each.
    all.add(new QueueInspector());
    all.add(new WorkflowInspector());
    all.add(new TracesInspector());
    all.add(new SqliteInspector());
    return List.copyOf(all);
  }
}
