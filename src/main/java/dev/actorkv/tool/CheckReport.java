package dev.actorkv.tool;

import java.util.ArrayList;
import java.util.List;

/** Problems found by {@code keyspace check}, each naming the actor and what is wrong. */
final class CheckReport {
  private final List<String> problems = new ArrayList<>();
  private long keysChecked;

  void problem(String actorId, String message) {
    problems.add("actor " + Json.quote(actorId) + ": " + message);
  }

  /** A problem of the store itself, not of one actor. */
  void storeProblem(String message) {
    problems.add("store: " + message);
  }

  void countKey() {
    keysChecked++;
  }

  long keysChecked() {
    return keysChecked;
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  boolean ok() {
    return problems.isEmpty();
  }
}
