package dev.actorkv.store;

import java.time.Instant;

/**
 * Who owns an actor as a shared store records it: the node, its epoch (bumped by every takeover, never
 * lowered) and when its lease runs out by the database's clock (null: released).
 */
public record ActorOwner(String actorId, String node, long epoch, Instant leaseExpires) {}
