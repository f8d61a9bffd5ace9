package dev.actorkv.migrate;

import com.google.common.io.BaseEncoding;
import java.util.List;

/**
 * Legacy keys whose v1 key already exists with a different value: the same logical key in both layouts.
 * The migration stops for the actor before writing the batch that holds them; rerun with a
 * {@link ConflictPolicy} that says which side wins. {@link #conflicts()} are those of the stopped batch
 * (a dry run lists every conflict of the actor).
 */
public final class MigrationConflictException extends MigrationException {
  private static final int NAMED_IN_MESSAGE = 10;
  private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();
  private final List<LegacyChange> conflicts;

  MigrationConflictException(String actorId, List<LegacyChange> conflicts) {
    super(actorId, message(conflicts));
    this.conflicts = List.copyOf(conflicts);
  }

  private static String message(List<LegacyChange> conflicts) {
    StringBuilder sb = new StringBuilder();
    sb.append(conflicts.size()).append(conflicts.size() == 1 ? " key exists" : " keys exist")
        .append(" in both layouts with different values (legacy key -> v1 key):");
    for (LegacyChange c : conflicts.subList(0, Math.min(NAMED_IN_MESSAGE, conflicts.size()))) {
      sb.append(' ').append(HEX.encode(c.legacyKey())).append(" -> ").append(HEX.encode(c.v1Key())).append(" (").append(c.legacy().namespace().layoutName()).append(' ')
          .append(c.legacy().kind()).append(");");
    }
    if (conflicts.size() > NAMED_IN_MESSAGE) {
      sb.append(" and ").append(conflicts.size() - NAMED_IN_MESSAGE).append(" more;");
    }
    sb.append(" choose which side wins (--prefer legacy|v1, ConflictPolicy) or list all with --dry-run");
    return sb.toString();
  }

  public List<LegacyChange> conflicts() {
    return conflicts;
  }
}
