package dev.actorkv.keyspace;

import dev.actorkv.tuple.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a workflow history entry sits: a path of segments, each a name index or a loop iteration
 * {@code (loop_name_index, iteration)}. Packed as {@code pack(2, seg...)} with loop segments as nested
 * tuples, so the key prefix of a location selects exactly its subtree.
 */
public record WorkflowLocation(List<Segment> segments) {
  /** One step of a location. */
  public sealed interface Segment permits Name, Loop {}

  /** A named entry, by its index in the name registry. */
  public record Name(long index) implements Segment {
    public Name {
      if (index < 0) {
        throw new IllegalArgumentException("name index must be >= 0, got " + index);
      }
    }
  }

  /** One iteration of the loop whose name has index {@code loopNameIndex}. */
  public record Loop(long loopNameIndex, long iteration) implements Segment {
    public Loop {
      if (loopNameIndex < 0 || iteration < 0) {
        throw new IllegalArgumentException("loop name index and iteration must be >= 0");
      }
    }
  }

  public WorkflowLocation {
    segments = List.copyOf(segments);
  }

  public static WorkflowLocation root() {
    return new WorkflowLocation(List.of());
  }

  public static WorkflowLocation of(Segment... segments) {
    return new WorkflowLocation(List.of(segments));
  }

  public WorkflowLocation child(Segment s) {
    List<Segment> out = new ArrayList<>(segments.size() + 1);
    out.addAll(segments);
    out.add(s);
    return new WorkflowLocation(out);
  }

  public WorkflowLocation name(long index) {
    return child(new Name(index));
  }

  public WorkflowLocation loop(long loopNameIndex, long iteration) {
    return child(new Loop(loopNameIndex, iteration));
  }

  public boolean isRoot() {
    return segments.isEmpty();
  }

  public int depth() {
    return segments.size();
  }

  public WorkflowLocation parent() {
    if (segments.isEmpty()) {
      throw new IllegalStateException("root has no parent");
    }
    return new WorkflowLocation(segments.subList(0, segments.size() - 1));
  }

  public Segment last() {
    return segments.getLast();
  }

  /** Whether this location is {@code other} or lies under it. */
  public boolean startsWith(WorkflowLocation other) {
    return segments.size() >= other.segments.size()
        && segments.subList(0, other.segments.size()).equals(other.segments);
  }

  /** The tuple elements of the segments (integers and nested pairs). */
  List<Object> tupleElements() {
    List<Object> out = new ArrayList<>(segments.size());
    for (Segment s : segments) {
      out.add(switch (s) {
        case Name n -> n.index();
        case Loop l -> Tuple.of(l.loopNameIndex(), l.iteration());
      });
    }
    return out;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("/");
    for (Segment s : segments) {
      switch (s) {
        case Name n -> sb.append(n.index());
        case Loop l -> sb.append(l.loopNameIndex()).append('~').append(l.iteration());
      }
      sb.append('/');
    }
    return sb.toString();
  }
}
