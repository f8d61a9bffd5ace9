package dev.actorkv.backup;

/**
 * One actor a restore wrote.
 *
 * @param replaced whether the target held data for the actor before (replaced with --replace)
 */
public record RestoredActor(String actorId, boolean replaced, long keys, long bytes) {}
