package dev.actorkv.store;

/**
 * What {@link ActorStore#actor(String)} does with an actor whose layout version is 0, that is, one that
 * still holds data in the legacy (pre-v1) layout of ACTOR_KV_STRUCTURE.md section 2. The store cannot migrate by
 * itself (the migration engine is a layer above it), so it calls this hook: the migration package
 * supplies a handler that migrates the actor in place ({@code dev.actorkv.migrate.Migrations}).
 *
 * <p>The handler runs at most once at a time per actor, before {@code actor(id)} returns. When it
 * throws, {@code actor(id)} throws the same exception and the next call runs the handler again.
 */
@FunctionalInterface
public interface LegacyHandler {
  /**
   * Returns the actor as stored, legacy keys included. For inspection tools (dump, export, check) that
   * must see exactly what is on disk; applications should migrate instead.
   */
  LegacyHandler OPEN_AS_IS = actor -> {};

  /** Refuses to hand out an actor with legacy data: throws {@link LegacyLayoutException}. */
  LegacyHandler REFUSE = actor -> {
    throw new LegacyLayoutException(actor.actorId());
  };

  /** Called with an actor whose {@link ActorKeyspace#layoutVersion()} is 0. */
  void onLegacyActor(ActorKeyspace actor);
}
