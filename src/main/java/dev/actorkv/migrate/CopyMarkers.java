package dev.actorkv.migrate;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.migrate.proto.CopyInProgress;
import dev.actorkv.migrate.proto.CopyMetadata;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorOpenHook;
import org.jspecify.annotations.Nullable;

/**
 * The "copy in progress" marker of {@code keyspace copy}, kept in an actor's metadata (field 15, see
 * {@code CopyMetadata} in migrate.proto; the migration's fields are kept as they are). A copy of an actor
 * that takes more than one batch sets it in its first commit and clears it in the commit of its last
 * batch, so an actor copied halfway is recognisably incomplete: the open hook {@link #REFUSE_INCOMPLETE}
 * refuses it, and export, dump and check report it.
 */
public final class CopyMarkers {
  private CopyMarkers() {}

  /** Refuses to hand out an actor whose copy is unfinished: throws {@link IncompleteCopyException}. */
  public static final ActorOpenHook REFUSE_INCOMPLETE = actor -> {
    String source = unfinishedCopySource(actor.metadata());
    if (source != null) {
      throw new IncompleteCopyException(actor.actorId(), source);
    }
  };

  /** The source of the unfinished copy {@code metadata} records, or null when it records none. */
  public static @Nullable String unfinishedCopySource(byte @Nullable [] metadata) {
    CopyMetadata m = parse(metadata);
    return m.hasCopy() ? m.getCopy().getSource() : null;
  }

  /** Throws {@link IncompleteCopyException} when {@code actor} is an unfinished copy. */
  public static void requireComplete(ActorKeyspace actor) {
    REFUSE_INCOMPLETE.onOpen(actor);
  }

  /** {@code metadata} (null: none) with the marker of a copy from {@code source} set, other fields kept. */
  public static byte[] begin(byte @Nullable [] metadata, String source) {
    return parse(metadata).toBuilder().setCopy(CopyInProgress.newBuilder().setSource(source)).build().toByteArray();
  }

  private static CopyMetadata parse(byte[] raw) {
    if (raw == null) {
      return CopyMetadata.getDefaultInstance();
    }
    try {
      return CopyMetadata.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      return CopyMetadata.getDefaultInstance(); // not a message at all: holds no copy marker
    }
  }
}
