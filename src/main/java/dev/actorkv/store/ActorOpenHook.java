package dev.actorkv.store;

/**
 * What {@link ActorStore#actor(String)} runs with an actor's keyspace before it hands the keyspace out,
 * for layers above the store that must look at (or bring up to date) an actor before anyone uses it:
 * the migration package supplies hooks that migrate legacy data in place or refuse it
 * (its {@code Migrations}); the copy tool refuses an actor whose copy is unfinished.
 *
 * <p>The store runs the hook at most once at a time per actor. Once it returned normally for a handle,
 * {@code actor(id)} hands that handle out without running it again; when it throws, {@code actor(id)}
 * throws the same exception and the next call runs the hook again. The hook may read and commit through
 * the keyspace it is given.
 */
@FunctionalInterface
public interface ActorOpenHook {
  /** Does nothing: the store's default, which hands out every actor as stored. */
  ActorOpenHook NONE = actor -> {};

  void onOpen(ActorKeyspace actor);

  /** This hook, then {@code next} (when this one returned normally). */
  default ActorOpenHook andThen(ActorOpenHook next) {
    java.util.Objects.requireNonNull(next, "next");
    if (this == NONE) {
      return next;
    }
    if (next == NONE) {
      return this;
    }
    return actor -> {
      onOpen(actor);
      next.onOpen(actor);
    };
  }
}
