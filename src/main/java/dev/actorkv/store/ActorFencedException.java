package dev.actorkv.store;

/**
 * This node no longer owns the actor: its lease ran out and another node took the actor over (its epoch
 * is newer than this handle's). The write that raised it wrote nothing, and neither will any later one
 * through the same handle: the {@link ActorKeyspace} is dead, every call on it (and on managers opened on
 * it) throws this exception. What this node holds in memory about the actor may be stale; an embedding
 * runtime stops the actor here. To run it again, get a fresh handle from {@link ActorStore#actor}, which
 * takes ownership anew (and fails with {@link ActorOwnedException} while the other node holds it).
 */
public final class ActorFencedException extends StoreException {
  private final String actorId;
  private final long epoch;

  public ActorFencedException(String actorId, long epoch, String detail) {
    super("actor " + ActorOwnedException.quote(actorId) + " was taken over by another node (this node's epoch " + epoch
        + " is stale): " + detail);
    this.actorId = actorId;
    this.epoch = epoch;
  }

  /** For a node that no longer knows its epoch (it gave the actor up and finds it taken meanwhile): epoch 0. */
  public ActorFencedException(String actorId, String detail) {
    super("actor " + ActorOwnedException.quote(actorId) + " was taken over by another node: " + detail);
    this.actorId = actorId;
    this.epoch = 0;
  }

  public String actorId() {
    return actorId;
  }

  /** The epoch this node held, now stale (0: not known any more). */
  public long epoch() {
    return epoch;
  }
}
